import Foundation
import PolicyModel

/// The text policy format (`.policy`) in `PolicyIO`: PolicyModel parses and writes; this file
/// gives it the file system (the main file and its `@include`s).
extension PolicyIO {
    /// Reads a `.policy` file and the files it includes. Warnings go to `warn` as
    /// `file:line:column: warning: message`; errors are thrown as `file:line:column: message`.
    static func loadText(path: String, warn: (String) -> Void) throws -> Policy {
        let text = try readText(path)
        let parsed = try TextPolicy.parse(text, file: path, readFile: readText)
        for w in parsed.warnings {
            warn("\(w.file):\(w.line):\(w.column): warning: \(w.message)")
        }
        return parsed.policy
    }

    /// The canonical text of `policy`.
    static func encodeText(_ policy: Policy) -> [UInt8] {
        Array(TextPolicy.format(policy).utf8)
    }

    /// The UTF-8 text of a file, or a `FileError` saying why it cannot be had.
    static func readText(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FileError(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw FileError(path: path, reason: "is a directory, not a policy file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(path: path, reason: "cannot be read (permission denied?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FileError(path: path, reason: "is not UTF-8 text")
        }
        return text
    }
}
