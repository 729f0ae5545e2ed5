/// A problem found in a text policy, at a place in a file: `file:line:column: message`.
public struct TextPolicyDiagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based.
    public var line: Int
    /// 1-based, in characters.
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)".printableForMessage() }
}

/// A place in a text policy file.
struct TextPolicyLocation: Hashable, Sendable {
    var file: String
    var line: Int
    var column: Int

    func error(_ message: String) -> TextPolicyDiagnostic {
        TextPolicyDiagnostic(file: file, line: line, column: column, message: message)
    }
}

/// " (did you mean `a` or `b`?)", or "" when nothing is close.
func didYouMean(_ candidates: [String]) -> String {
    switch candidates.count {
    case 0: return ""
    case 1: return " (did you mean '\(candidates[0])'?)"
    default:
        let quoted = candidates.map { "'\($0)'" }
        return " (did you mean \(quoted.dropLast().joined(separator: ", ")) or \(quoted.last!)?)"
    }
}
