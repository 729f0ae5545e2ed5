import Foundation
import PolicyModel

/// Reading profile files, with errors that name the file.
public enum ProfileIO {
    /// The largest profile file read (profiles are bounded; anything bigger is not one of ours).
    static let maxBytes = 256 << 20

    /// With several profiles, prints to stderr what each added to those before it.
    public static func printConvergence(_ profiles: [Profile], names: [String]) {
        guard profiles.count > 1 else { return }
        let lines = ProfileConvergence.lines(ProfileConvergence.contributions(of: profiles), names: names)
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// Reads a profile; a policy given where a profile belongs is named as such.
    public static func load(path: String) throws -> Profile {
        let bytes = try InputFile.read(path: path, limit: maxBytes)
        do {
            return try Profile.decodeJSON(bytes)
        } catch {
            if looksLikePolicy(bytes) {
                throw FileError(path: path, reason: "not a profile but a policy (profiles are written by 'seccomp-tui record -o')")
            }
            if case .syntax(let e) = error {
                // `file:line:column: message`, as the policy readers report syntax errors.
                throw FileError(path: e.position.map { "\(path):\($0)" } ?? path, reason: "not a profile: \(e.message)")
            }
            throw FileError(path: path, reason: "not a profile: \(error.description)")
        }
    }

    /// An OCI profile (a top-level "defaultAction") or a text policy (starts with `@` or a rule).
    /// Looks at the top-level keys only: no tree of a file that may be hundreds of MiB.
    static func looksLikePolicy(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first(where: { ![9, 10, 13, 32].contains($0) }) else { return false }
        if first != UInt8(ascii: "{") { return first == UInt8(ascii: "@") || first == UInt8(ascii: "#") }
        guard let keys = JSONTopLevelKeys.of(bytes) else { return false }
        return keys.contains("defaultAction") && !keys.contains("metadata")
    }

    /// Whether the file is a profile (has a top-level "version" and "metadata"), as opposed to
    /// a policy. Decides by content, not by name: both are `.json`.
    public static func isProfile(path: String) throws -> Bool {
        let bytes = try InputFile.read(path: path, limit: maxBytes)
        guard let keys = JSONTopLevelKeys.of(bytes) else { return false }
        return keys.contains("version") && keys.contains("metadata")
    }
}
