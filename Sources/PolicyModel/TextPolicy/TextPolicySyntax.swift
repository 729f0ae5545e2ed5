/// One line of a text policy, parsed but not yet resolved against the syscall table.
enum StatementSyntax: Sendable {
    case defaultAction(Action)
    case badArchAction(Action)
    case architectures([Word])
    case flags([Word])
    case include(path: String, column: Int)
    case rule(RuleSyntax)
}

/// A word and the column it starts at.
struct Word: Sendable {
    var text: String
    var column: Int
}

/// `target: action [if expression]` or `target: expression`.
struct RuleSyntax: Sendable {
    /// A syscall name, or a group name with its `@`.
    var target: Word
    var isGroup: Bool
    var action: Action
    /// Alternatives (`||`), each a list of conditions that must all hold (`&&`); empty for an
    /// unconditional rule, and when they went to the line parser's `alternativeSink`.
    var alternatives: [[ConditionSyntax]]
    /// The alternatives went to the line parser's `alternativeSink` as they were read.
    var alternativesStreamed = false
}

/// `argument OP value`, or `argument & mask == value`.
struct ConditionSyntax: Sendable {
    var argument: Word
    var op: CompareOp
    var opColumn: Int
    var mask: ValueSyntax?
    var value: ValueSyntax
}

/// `term | term | ...`, each a number, a negative number or a constant name.
struct ValueSyntax: Sendable {
    enum Term: Sendable {
        case number(UInt64)
        case negative(UInt64)
        case name(String)
    }

    var terms: [(term: Term, column: Int)]
    var column: Int
    var text: String
}
