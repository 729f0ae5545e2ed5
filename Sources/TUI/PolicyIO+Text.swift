import Foundation
import PolicyModel

/// The text policy format (`.policy`) in `PolicyIO`: PolicyModel parses and writes; this file
/// gives it the file system (the main file and its `@include`s).
extension PolicyIO {
    /// Reads a `.policy` file and the files it includes. Warnings go to `warn` and errors are
    /// thrown, both as `file:line:column: message`.
    static func loadText(path: String, warn: (String) -> Void) throws -> Policy {
        try loadText(path: path, warn: warn) { try readText(path) }
    }

    /// The same for a main file already read (`bytes`); its `@include`s are read from disk.
    static func loadText(path: String, bytes: [UInt8], warn: (String) -> Void) throws -> Policy {
        try loadText(path: path, warn: warn) { try utf8(bytes, path: path) }
    }

    /// The policy of the text `read` gives. The text is a temporary, released once parsed and
    /// before the warnings are written (a large file can raise one a line).
    private static func loadText(path: String, warn: (String) -> Void, read: () throws -> String) throws -> Policy {
        let parsed = try TextPolicy.parse(try read(), file: path, readFile: readText)
        Warnings.batch {
            for w in parsed.warnings { warn(w.description) }
        }
        return parsed.policy
    }

    /// The canonical text of `policy`.
    static func encodeText(_ policy: Policy) -> [UInt8] {
        TextPolicy.formatUTF8(policy)
    }

    /// The UTF-8 text of a file (at most as large as an OCI profile may be), or a `FileError`
    /// saying why it cannot be had.
    static func readText(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw FileError(path: path, reason: "is a directory, not a policy file")
        }
        return try utf8(try readPolicyFile(path: path), path: path)
    }

    private static func utf8(_ bytes: [UInt8], path: String) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FileError(path: path, reason: "is not UTF-8 text")
        }
        return text
    }
}
