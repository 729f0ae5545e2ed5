/// Parses the tokens of one line into a `StatementSyntax` (grammar in `TextPolicy`), taking
/// them from the lexer one at a time.
struct TextPolicyLineParser {
    private var lexer: TextPolicyLexer
    /// The token at hand and the one after it.
    private var current: Token?
    private var next: Token?
    private let location: TextPolicyLocation
    private let vocabulary: TextPolicyVocabulary
    /// The line, for the column just past its end (worked out only when an error points there).
    private let line: Substring
    /// When set, the alternatives of a rule naming one syscall go here one at a time, with the
    /// rule's target and action, instead of into its `RuleSyntax` (a line may hold hundreds of
    /// thousands of them).
    var alternativeSink: ((RuleSyntax, [ConditionSyntax]) -> Void)?

    static let directives = ["default", "arch", "include", "badarch", "flags"]
    static let actionWords = ["allow", "errno", "kill", "kill-process", "kill-thread", "trap", "log", "trace", "notify"]
    static let actionList = "allow, errno NAME, kill, kill-thread, trap, log, trace N, notify"
    static let operatorList = "==, !=, <, <=, >, >=, &"
    private static let comparisons: [String: CompareOp] = ["==": .eq, "!=": .ne, "<": .lt, "<=": .le, ">": .gt, ">=": .ge]

    init(lexer: TextPolicyLexer, line: Substring, vocabulary: TextPolicyVocabulary) {
        self.lexer = lexer
        self.location = lexer.location
        self.vocabulary = vocabulary
        self.line = line
    }

    /// Column just past the last token, where "expected ... at the end of the line" points.
    private var endColumn: Int { line.count + 1 }

    /// The line's statement, or nil for a blank or comment line. A lexical error anywhere in the
    /// line comes before a syntax error (as when a whole line is lexed before it is parsed).
    mutating func statement() throws -> StatementSyntax? {
        do {
            current = try lexer.next()
            next = try current == nil ? nil : lexer.next()
            return try statementOfLine()
        } catch let e as TextPolicyDiagnostic {
            try lexer.checkRest()
            throw e
        }
    }

    // MARK: helpers

    /// Moves to the next token.
    private mutating func advance() throws {
        current = next
        next = try current == nil ? nil : lexer.next()
    }

    private var column: Int { current?.column ?? endColumn }

    private func error(_ message: String, column: Int? = nil) -> TextPolicyDiagnostic {
        var l = location
        l.column = column ?? self.column
        return l.error(message)
    }

    /// "'x'" for the current token or "the end of the line".
    private var found: String { current.map { "'\($0.text)'" } ?? "the end of the line" }

    private func isSymbol(_ t: Token?, _ s: String) -> Bool { t?.kind == .symbol(s) }

    private func isOperator(_ t: Token?) -> Bool {
        guard case .symbol(let s)? = t?.kind else { return false }
        return Self.comparisons[s] != nil || s == "&"
    }

    private func expectEnd(after what: String) throws {
        if current != nil { throw error("expected the end of the line after \(what), found \(found)") }
    }

    // MARK: statements

    private mutating func statementOfLine() throws -> StatementSyntax? {
        guard let first = current else { return nil }
        switch first.kind {
        case .at(let name) where Self.directives.contains(name) && !isSymbol(next, ":"):
            try advance()
            return try directive(name, at: first)
        case .at(let name) where !isSymbol(next, ":") && vocabulary.groupMembers("@" + name) == nil:
            let known = Self.directives.map { "@" + $0 }
            throw error("unknown directive '@\(name)': expected \(known.joined(separator: ", ")), or a group followed by ':'"
                        + didYouMean(closestMatches(to: "@" + name, in: known + vocabulary.groupNames())))
        case .at(let name):
            try advance()
            return try rule(target: Word(text: "@" + name, column: first.column), isGroup: true)
        case .word(let name):
            try advance()
            return try rule(target: Word(text: name, column: first.column), isGroup: false)
        default:
            throw error("expected a syscall name, a group (@name) or a directive (@default, @arch, @include) at the start of the line, found \(found)")
        }
    }

    private mutating func directive(_ name: String, at token: Token) throws -> StatementSyntax {
        switch name {
        case "default":
            let a = try action(after: "'@default'")
            try expectEnd(after: "the default action")
            return .defaultAction(a)
        case "badarch":
            let a = try action(after: "'@badarch'")
            try expectEnd(after: "the bad-architecture action")
            return .badArchAction(a)
        case "arch", "flags":
            var words: [Word] = []
            while let t = current {
                guard case .word(let w) = t.kind else {
                    throw error("expected \(name == "arch" ? "an architecture name (x86_64, x32, i386, aarch64)" : "a filter flag name") after '@\(name)', found \(found)")
                }
                words.append(Word(text: w, column: t.column))
                try advance()
            }
            if words.isEmpty {
                throw error(name == "arch" ? "expected an architecture name (x86_64, x32, i386, aarch64) after '@arch'"
                                           : "expected a filter flag name (tsync, log, spec-allow, ...) after '@flags'")
            }
            return name == "arch" ? .architectures(words) : .flags(words)
        default:  // include: the lexer has read the file name as one token
            guard case .path(let p)? = current?.kind else { throw error("expected a file name after '@include'") }
            let col = column
            try advance()
            try expectEnd(after: "the file name")
            return .include(path: p, column: col)
        }
    }

    // MARK: rules

    private mutating func rule(target: Word, isGroup: Bool) throws -> StatementSyntax {
        guard isSymbol(current, ":") else {
            throw error("expected ':' after '\(target.text)', found \(found)")
        }
        try advance()
        guard let first = current else {
            throw error("expected an action (\(Self.actionList)) or a condition after '\(target.text):'")
        }
        if case .word(let w) = first.kind, !isOperator(next),
           Self.actionWords.contains(w) || !looksLikeArgument(w, of: target, isGroup: isGroup) {
            let a = try action(after: "'\(target.text):'")
            var rule = RuleSyntax(target: target, isGroup: isGroup, action: a, alternatives: [])
            if current != nil {
                guard current?.kind == .word("if") else {
                    throw error("expected 'if' or the end of the line after the action '\(a)', found \(found)")
                }
                try advance()
                try expression(of: &rule)
            }
            return .rule(rule)
        }
        var rule = RuleSyntax(target: target, isGroup: isGroup, action: .allow, alternatives: [])
        try expression(of: &rule)
        return .rule(rule)
    }

    /// Whether `w` names an argument of the target (so a missing operator is reported as such).
    private func looksLikeArgument(_ w: String, of target: Word, isGroup: Bool) -> Bool {
        if argumentIndex(w) != nil { return true }
        let names = isGroup ? (vocabulary.groupMembers(target.text) ?? []) : [target.text]
        return names.contains { vocabulary.table.definition(named: $0)?.argumentIndex(named: w) != nil }
    }

    /// `arg0`...`arg5`.
    static func argumentIndex(_ w: String) -> Int? {
        guard w.count == 4, w.hasPrefix("arg"), let d = Int(w.dropFirst(3)), (0...5).contains(d) else { return nil }
        return d
    }
    private func argumentIndex(_ w: String) -> Int? { Self.argumentIndex(w) }

    /// `cond (&& cond)* (|| cond (&& cond)*)*`: `&&` binds tighter than `||`. The alternatives go
    /// into `rule`, or to `alternativeSink` for a rule naming one syscall.
    private mutating func expression(of rule: inout RuleSyntax) throws {
        let sink = rule.isGroup ? nil : alternativeSink
        rule.alternativesStreamed = sink != nil
        var conjunction: [ConditionSyntax] = []
        func take(_ conjunction: [ConditionSyntax]) {
            if let sink { sink(rule, conjunction) } else { rule.alternatives.append(conjunction) }
        }
        while true {
            let c = try condition()
            conjunction.append(c)
            if isSymbol(current, "&&") {
                try advance()
            } else if isSymbol(current, "||") {
                try advance()
                take(conjunction)
                conjunction = []
            } else if current == nil {
                take(conjunction)
                return
            } else {
                throw error("expected '&&', '||' or the end of the line after '\(c.argument.text) \(c.op.symbol) \(c.mask.map { "\($0.text) == " } ?? "")\(c.value.text)', found \(found)")
            }
        }
    }

    private mutating func condition() throws -> ConditionSyntax {
        guard case .word(let name)? = current?.kind else {
            throw error("expected an argument name (such as fd, or arg0...arg5), found \(found)")
        }
        let argument = Word(text: name, column: column)
        try advance()
        guard case .symbol(let s)? = current?.kind, isOperator(current) else {
            throw error("expected an operator (\(Self.operatorList)) after '\(name)', found \(found)")
        }
        let opColumn = column
        try advance()
        if s == "&" {
            let mask = try value(after: "'&'")
            guard isSymbol(current, "==") else {
                throw error("expected '==' after the mask '\(mask.text)' (a masked argument is compared with == only), found \(found)")
            }
            try advance()
            let v = try value(after: "'=='")
            return ConditionSyntax(argument: argument, op: .maskedEq, opColumn: opColumn, mask: mask, value: v)
        }
        let v = try value(after: "'\(s)'")
        return ConditionSyntax(argument: argument, op: Self.comparisons[s]!, opColumn: opColumn, mask: nil, value: v)
    }

    /// `term (| term)*`.
    private mutating func value(after what: String) throws -> ValueSyntax {
        var terms: [(term: ValueSyntax.Term, column: Int)] = []
        var texts: [String] = []
        let start = column
        while true {
            guard let t = current else {
                throw error("expected a value (a number or a constant such as O_RDONLY) after \(terms.isEmpty ? what : "'|'")")
            }
            switch t.kind {
            case .number(let n): terms.append((.number(n), t.column))
            case .negative(let n): terms.append((.negative(n), t.column))
            case .word(let w): terms.append((.name(w), t.column))
            default:
                throw error("expected a value (a number or a constant such as O_RDONLY) after \(terms.isEmpty ? what : "'|'"), found \(found)")
            }
            texts.append(t.text)
            try advance()
            guard isSymbol(current, "|") else { break }
            try advance()
        }
        return ValueSyntax(terms: terms, column: start, text: texts.joined(separator: "|"))
    }

    // MARK: actions

    private mutating func action(after what: String) throws -> Action {
        guard let t = current, case .word(let w) = t.kind else {
            throw error("expected an action (\(Self.actionList)) after \(what), found \(found)")
        }
        try advance()
        switch w {
        case "allow": return .allow
        case "log": return .log
        case "notify": return .userNotif
        case "trap": return .trap
        case "kill", "kill-process": return .killProcess
        case "kill-thread": return .killThread
        case "errno": return .errno(try errnoValue())
        case "trace":
            guard case .number(let n)? = current?.kind else {
                throw error("expected a number (0...65535) after 'trace', found \(found)")
            }
            guard n <= UInt64(UInt16.max) else { throw error("trace value \(n) does not fit 16 bits (0...65535)") }
            try advance()
            return .trace(UInt16(n))
        default:
            throw error("unknown action '\(w)': expected \(Self.actionList)" + didYouMean(closestMatches(to: w, in: Self.actionWords)),
                        column: t.column)
        }
    }

    private mutating func errnoValue() throws -> UInt16 {
        guard let t = current else { throw error("expected an errno name or number after 'errno' (errno EPERM)") }
        let value: UInt64
        switch t.kind {
        case .number(let n): value = n
        case .word(let name):
            guard let v = vocabulary.errnoValue(named: name) else {
                let known = vocabulary.errnoDecoder?.constantNames
                    ?? vocabulary.constantNames().filter { $0.hasPrefix("E") && !$0.contains("_") }
                throw error("unknown errno name '\(name)'" + didYouMean(closestMatches(to: name, in: known)))
            }
            value = v
        default:
            throw error("expected an errno name or number after 'errno' (errno EPERM), found \(found)")
        }
        guard value <= UInt64(Action.maxErrno) else {
            throw error("errno \(t.text) is out of range (0...\(Action.maxErrno))")
        }
        try advance()
        return UInt16(value)
    }
}
