import Foundation
import PolicyModel

/// The formats a policy can be written in.
public enum PolicyFormat: String, CaseIterable, Sendable {
    case oci, text, bpf, c, spo

    /// The format a file name implies: `.json` OCI, `.policy` text, `.bpf` raw BPF, `.h` C,
    /// `.yaml`/`.yml` a Kubernetes SeccompProfile.
    public init?(path: String) {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "json": self = .oci
        case "policy": self = .text
        case "bpf": self = .bpf
        case "h": self = .c
        case "yaml", "yml": self = .spo
        default: return nil
        }
    }
}

/// Reading and writing policy files in every supported format. The one place commands and the
/// TUI go through, so that each format has one reader and one writer.
public enum PolicyIO {
    /// Reads a policy from a file: text policy for `.policy`, OCI JSON for `.json`, otherwise by
    /// content (see `load(path:options:)`). OCI profiles
    /// are resolved for the host (its architecture, the running kernel, no capabilities).
    public static func load(path: String) throws -> Policy {
        try load(path: path, options: PolicyLoadOptions.host())
    }

    /// Reads a policy from a file with explicit options; warnings go to `options.warn`.
    /// `.policy` is text and `.json` OCI; another name is read as OCI JSON when its first
    /// non-blank character is `{` and as text otherwise (so `export --format text -o p.txt`
    /// reads back). Compiled filters (`.bpf`, `.h`) are refused: they cannot be read as rules.
    /// A rule whose test would change meaning (`Policy.checkMeaning`) is an error naming the file.
    public static func load(path: String, options: PolicyLoadOptions) throws -> Policy {
        let policy = try read(path: path, options: options)
        do {
            try policy.checkMeaning()
        } catch {
            throw FileError(path: path, reason: "has a test that cannot mean what it says: \(error)")
        }
        return policy
    }

    private static func read(path: String, options: PolicyLoadOptions) throws -> Policy {
        var format = PolicyFormat(path: path)
        if format == .bpf || format == .c {
            throw FileError(path: path, reason: """
                is a compiled filter (\(format == .bpf ? "raw BPF" : "C header")), not a policy: give the \
                OCI JSON or .policy file it was exported from (see a filter with 'seccomp-tui disasm')
                """)
        }
        if format == .text { return try loadText(path: path, warn: options.warn) }
        // Read once: the content decides an unknown extension, and a pipe cannot be read twice.
        let bytes = try readPolicyFile(path: path)
        if format == nil, SeccompProfileObject.looksLikeYAML(bytes) {
            format = .spo
        } else if format == nil, let first = bytes.first(where: { ![9, 10, 13, 32].contains($0) }), first != UInt8(ascii: "{") {
            format = .text
        }
        switch format {
        case .text?: return try loadText(path: path, bytes: bytes, warn: options.warn)
        case .spo?:
            // One object or several (profiles of many nodes or replicas): their union, as merge makes it.
            let results = try SeccompProfileObject.read(bytes, source: path, target: options.target,
                                                        options: OCIProfile.ReadOptions(lenient: options.lenient))
            Warnings.batch { for w in results.flatMap(\.warnings) { options.warn(w.description) } }
            let (policy, disagreements) = PolicyUnion.union(results.map(\.policy))
            for d in disagreements { options.warn("\(path): \(d)") }
            return policy
        default:
            let result = try OCIProfile.read(bytes, source: path, target: options.target,
                                             options: OCIProfile.ReadOptions(lenient: options.lenient))
            Warnings.batch { for w in result.warnings { options.warn(w.description) } }
            return result.policy
        }
    }

    /// The bytes of a policy file, refusing files above the reader's size limit before reading them.
    static func readPolicyFile(path: String, limit: Int = JSONParser.Limits.standard.maxBytes) throws -> [UInt8] {
        try InputFile.read(path: path, limit: limit)
    }

    /// Encodes a policy in `format`; a policy the format cannot express is an error naming
    /// `file` (the input converted, or the output to be written).
    /// What the written policy does not hold (`warnings(for:as:native:)`) goes to stderr, but for
    /// the warnings in `warned` (printed before, e.g. for the policy a program ran under).
    public static func encode(_ policy: Policy, as format: PolicyFormat, weights: SyscallWeights = .uniform,
                       source: String? = nil, naming file: String, warned: [String] = [],
                       native: Arch = .host) throws -> [UInt8] {
        printWarnings(for: policy, as: format, native: native, except: warned)
        do {
            if format == .spo {
                return try SeccompProfileObject.encode(policy, name: KubernetesName.from(path: file) ?? "seccomp-profile")
            }
            return try encode(policy, as: format, weights: weights, source: source)
        } catch let e as OCIWriteError {
            throw FileError(path: file, reason: "cannot be written as \(format == .spo ? "a SeccompProfile" : "OCI JSON"): \(e)")
        } catch let e as BPFCompileError {
            throw FileError(path: file, reason: "cannot be compiled to BPF: \(e)")
        }
    }

    /// What a policy written in `format` does not hold: its blind spots
    /// (`Policy.blindSpotWarnings`), and for OCI JSON and SeccompProfiles what runtimes on a
    /// `native` machine decide otherwise (`OCIWriter.changes`). Every writer shows these (the
    /// commands on stderr, the TUI with its save).
    public static func warnings(for policy: Policy, as format: PolicyFormat, native: Arch = .host) -> [String] {
        policy.blindSpotWarnings() + (format == .oci || format == .spo ? OCIWriter.changes(policy, native: native) : [])
    }

    /// Prints `warnings(for:as:native:)` on stderr, but for those in `except`.
    public static func printWarnings(for policy: Policy, as format: PolicyFormat, native: Arch = .host,
                                     except: [String] = []) {
        for w in warnings(for: policy, as: format, native: native) where !except.contains(w) {
            FileHandle.standardError.write(Data("warning: \(w)\n".utf8))
        }
    }

    /// Prints `policy`'s blind spots as warnings on stderr (for a policy a program runs under);
    /// returns them.
    @discardableResult
    public static func warnBlindSpots(_ policy: Policy) -> [String] {
        let warnings = policy.blindSpotWarnings()
        for w in warnings { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
        return warnings
    }

    /// Encodes a policy in `format`.
    /// `weights` shape the BPF dispatch (`--frequency`); `source` names the policy in the C header.
    public static func encode(_ policy: Policy, as format: PolicyFormat, weights: SyscallWeights = .uniform,
                       source: String? = nil) throws -> [UInt8] {
        switch format {
        case .oci: return try OCIWriter.encode(policy)
        case .text: return encodeText(policy)
        case .bpf: return SockFilter.bytes(of: try BPFCompiler.compile(policy, weights: weights))
        case .c: return Array(BPFCHeader.render(try BPFCompiler.compile(policy, weights: weights), policy: policy,
                                                source: source).utf8)
        case .spo:
            return try SeccompProfileObject.encode(policy, name: source.flatMap(KubernetesName.from(path:)) ?? "seccomp-profile")
        }
    }
}
