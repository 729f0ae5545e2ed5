/// One line of a text policy, parsed. A rule line's rules are made while it is parsed
/// (`TextPolicyRuleStream`); what is left is the directives, and where a rule named its syscall.
enum StatementSyntax: Sendable {
    case defaultAction(Action)
    case badArchAction(Action)
    case architectures([Word])
    case flags([Word])
    case include(path: String, column: Int)
    /// A rule line, its rules made. `syscall` is the `TextPolicySyscallNames` entry of the
    /// syscall it names (nil for a group), at `column`.
    case rule(syscall: Int?, column: Int)
}

/// A word and the column it starts at.
struct Word: Sendable {
    var text: String
    var column: Int
}

/// A name in the source: its bytes and the column it starts at.
struct NameSyntax {
    var range: Range<Int>
    var column: Int
}

/// One term of a value: a number, a negative number or a constant name.
struct TermSyntax {
    enum Kind {
        case number
        /// `-N`: `value` is the magnitude.
        case negative
        case name
    }

    var kind: Kind
    var value: UInt64
    /// The term as written (with its `-`).
    var range: Range<Int>
    var column: Int
}

/// `term | term | ...`: `terms` indexes the line's list of terms.
struct ValueSyntax {
    var terms: Range<Int>
    var column: Int
}

/// `argument OP value`, or `argument & mask == value`.
struct ConditionSyntax {
    var argument: NameSyntax
    var op: CompareOp
    var opColumn: Int
    var mask: ValueSyntax?
    var value: ValueSyntax
}

/// The conditions of one alternative (`&&`) and the terms of their values, with the bytes they
/// were read from.
struct AlternativeSyntax {
    var source: TextPolicySource
    var conditions: ArraySlice<ConditionSyntax>
    var terms: [TermSyntax]

    /// `O_RDONLY|O_CLOEXEC`: the value's terms as written, joined by `|`.
    func text(of value: ValueSyntax) -> String {
        terms[value.terms].map { source.text($0.range) }.joined(separator: "|")
    }

    /// Whether a term of `value` is a constant name (whose meaning may depend on the others).
    func hasName(_ value: ValueSyntax) -> Bool {
        terms[value.terms].contains { $0.kind == .name }
    }
}

/// A list emptied and filled again for each alternative of each line: emptying it keeps what it
/// holds and only forgets how many (its elements are plain values).
struct ReusedList<Element> {
    /// The elements; those from `count` on are left over.
    private(set) var storage: [Element] = []
    private(set) var count = 0

    mutating func append(_ element: Element) {
        if count < storage.count {
            storage[count] = element
        } else {
            storage.append(element)
        }
        count += 1
    }

    mutating func removeAll() { count = 0 }
}
