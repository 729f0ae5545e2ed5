import Foundation

/// What an OCI hook is handed on its standard input: the container's state (OCI runtime spec,
/// "State"): `ociVersion`, `id`, `status`, `pid`, `bundle`, `annotations`.
public struct OCIHookState: Equatable, Sendable {
    public var id: String
    public var pid: Int32
    public var bundle: String
    public var annotations: [String: String]

    public init(id: String, pid: Int32, bundle: String, annotations: [String: String] = [:]) {
        self.id = id
        self.pid = pid
        self.bundle = bundle
        self.annotations = annotations
    }

    private struct Wire: Decodable {
        var ociVersion: String
        var id: String
        var status: String?
        var pid: Int64?
        var bundle: String
        var annotations: [String: String]?
    }

    /// The largest state read: a state is a few hundred bytes plus annotations.
    public static let maxBytes = 1 << 20

    /// Reads the state; errors say which field is missing or wrong (`source` names the input).
    public static func decode(_ bytes: [UInt8], source: String) throws -> OCIHookState {
        guard bytes.count <= maxBytes else {
            throw OCIHookError(source: source, reason: "is larger than \(maxBytes) bytes: not a container state")
        }
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch DecodingError.keyNotFound(let key, _) {
            throw OCIHookError(source: source, reason: "lacks the container state's '\(key.stringValue)' member")
        } catch DecodingError.typeMismatch(_, let ctx) {
            let field = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            throw OCIHookError(source: source, reason: "field '\(field)': \(ctx.debugDescription)")
        } catch {
            throw OCIHookError(source: source, reason: "is not a container state (OCI state JSON): \(error)")
        }
        guard let pid = wire.pid, pid > 1, pid <= Int64(Int32.max) else {
            throw OCIHookError(source: source, reason: "field 'pid': expected the container's process id (above 1), found \(wire.pid.map(String.init) ?? "none") (run the hook at the prestart or createRuntime stage)")
        }
        return OCIHookState(id: wire.id, pid: Int32(pid), bundle: wire.bundle, annotations: wire.annotations ?? [:])
    }
}

/// The recording a container asks for with the annotation
/// `io.containers.trace-syscall=of:/out/profile.json` (the convention of
/// containers/oci-seccomp-bpf-hook): `of:` the profile to write, optionally `;if:` an earlier
/// profile to merge into it. Both paths must be absolute (the hook runs in the runtime's
/// directory, not the user's).
public struct TraceSyscallAnnotation: Equatable, Sendable {
    public static let key = "io.containers.trace-syscall"

    public var output: String
    public var input: String?

    public init(output: String, input: String? = nil) {
        self.output = output
        self.input = input
    }

    /// Parses the annotation's value, e.g. `if:/p/old.json;of:/p/new.json`.
    public init(parsing value: String) throws {
        var output: String?
        var input: String?
        for part in value.split(separator: ";", omittingEmptySubsequences: true) {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard let colon = item.firstIndex(of: ":") else {
                throw OCIHookError(source: "annotation \(Self.key)", reason: "'\(item)': expected of:PATH or if:PATH")
            }
            let key = item[..<colon]
            let path = String(item[item.index(after: colon)...])
            guard path.hasPrefix("/") else {
                throw OCIHookError(source: "annotation \(Self.key)", reason: "'\(item)': the path must be absolute")
            }
            switch key {
            case "of":
                guard output == nil else { throw OCIHookError(source: "annotation \(Self.key)", reason: "of: is given twice") }
                output = path
            case "if":
                guard input == nil else { throw OCIHookError(source: "annotation \(Self.key)", reason: "if: is given twice") }
                input = path
            default:
                throw OCIHookError(source: "annotation \(Self.key)", reason: "'\(key):' is not known; expected of:PATH or if:PATH")
            }
        }
        guard let output else {
            throw OCIHookError(source: "annotation \(Self.key)", reason: "'\(value)' names no output: give of:/absolute/path.json")
        }
        self.init(output: output, input: input)
    }
}

/// A container state or annotation that cannot be used, with where it came from.
public struct OCIHookError: Error, Equatable, Sendable, CustomStringConvertible {
    public var source: String
    public var reason: String
    public var description: String { "\(source): \(reason)" }
}
