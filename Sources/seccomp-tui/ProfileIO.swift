import Foundation
import PolicyModel

/// Reading profile files, with errors that name the file.
enum ProfileIO {
    /// The largest profile file read (profiles are bounded; anything bigger is not one of ours).
    static let maxBytes = 256 << 20

    static func load(path: String) throws -> Profile {
        let bytes = try InputFile.read(path: path, limit: maxBytes)
        do {
            return try Profile.decodeJSON(bytes)
        } catch .syntax(let e) {
            // `file:line:column: message`, as the policy readers report syntax errors.
            throw FileError(path: e.position.map { "\(path):\($0)" } ?? path, reason: "not a profile: \(e.message)")
        } catch {
            throw FileError(path: path, reason: "not a profile: \(error.description)")
        }
    }

    /// Whether the file is a profile (has a top-level "version" and "metadata"), as opposed to
    /// a policy. Decides by content, not by name: both are `.json`.
    static func isProfile(path: String) throws -> Bool {
        let bytes = try InputFile.read(path: path, limit: maxBytes)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return false }
        return object["version"] != nil && object["metadata"] != nil
    }
}
