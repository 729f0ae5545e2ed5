/// Parses the lines of one text policy file (grammar in `TextPolicy`), taking each line's tokens
/// from the lexer one at a time. A rule line's alternatives go to a `TextPolicyRuleStream` as they
/// are read (a line may hold hundreds of thousands of them), those of a group's rule once the
/// line is read; the conditions and terms of the alternative at hand are kept in lists reused
/// from line to line.
struct TextPolicyLineParser {
    private var lexer: TextPolicyLexer
    /// The token at hand and the one after it.
    private var current: Token?
    private var next: Token?
    private let vocabulary: TextPolicyVocabulary
    private let syscalls: TextPolicySyscallNames
    /// The alternatives of the rule at hand, not yet made into rules: their conditions, the
    /// terms of their values, and (for a group's rule) where each alternative's conditions are.
    private var conditions = ReusedList<ConditionSyntax>()
    private var terms = ReusedList<TermSyntax>()
    private var alternatives: [Range<Int>] = []

    static let directives = ["default", "arch", "include", "badarch", "flags"]
    static let actionWords = ["allow", "errno", "kill", "kill-process", "kill-thread", "trap", "log", "trace", "notify"]
    static let actionList = "allow, errno NAME, kill, kill-thread, trap, log, trace N, notify"
    static let operatorList = "==, !=, <, <=, >, >=, &"

    init(source: TextPolicySource, file: String, vocabulary: TextPolicyVocabulary, syscalls: TextPolicySyscallNames) {
        lexer = TextPolicyLexer(source: source, file: file)
        self.vocabulary = vocabulary
        self.syscalls = syscalls
    }

    private var source: TextPolicySource { lexer.source }

    /// The statement of line `number`, whose text is the bytes of `line`, or nil for a blank or
    /// comment line; a rule line's rules go to `stream`. A lexical error anywhere in the line
    /// comes before a syntax error, and a syntax error before an error in the rules (as when a
    /// whole line is lexed, then parsed, then made into rules).
    mutating func statement(line: Range<Int>, number: Int, into stream: inout TextPolicyRuleStream) throws -> StatementSyntax? {
        lexer.start(line: line, number: number)
        stream.startLine(at: lexer.location)
        let statement: StatementSyntax?
        do {
            current = try lexer.next()
            next = try current == nil ? nil : lexer.next()
            statement = try statementOfLine(into: &stream)
        } catch let e as TextPolicyDiagnostic {
            try lexer.checkRest()
            throw e
        }
        if let failure = stream.failure { throw failure }
        return statement
    }

    // MARK: helpers

    /// Moves to the next token.
    private mutating func advance() throws {
        current = next
        next = try current == nil ? nil : lexer.next()
    }

    private var column: Int { current?.column ?? lexer.endColumn }

    private func error(_ message: String, column: Int? = nil) -> TextPolicyDiagnostic {
        var l = lexer.location
        l.column = column ?? self.column
        return l.error(message)
    }

    private func text(_ t: Token) -> String { source.text(t.range) }

    /// "'x'" for the current token or "the end of the line".
    private var found: String { current.map { "'\(text($0))'" } ?? "the end of the line" }

    private func isSymbol(_ t: Token?, _ s: Token.Symbol) -> Bool { t?.kind == .symbol && t?.symbol == s }

    private func isWord(_ t: Token?, _ s: StaticString) -> Bool {
        guard let t, t.kind == .word else { return false }
        return source.matches(t.range, s)
    }

    private func isOperator(_ t: Token?) -> Bool {
        guard let t, t.kind == .symbol else { return false }
        return t.symbol.comparison != nil || t.symbol == .and
    }

    private func expectEnd(after what: String) throws {
        if current != nil { throw error("expected the end of the line after \(what), found \(found)") }
    }

    // MARK: statements

    private mutating func statementOfLine(into stream: inout TextPolicyRuleStream) throws -> StatementSyntax? {
        guard let first = current else { return nil }
        switch first.kind {
        case .at:
            let name = source.text(first.body)
            if Self.directives.contains(name), !isSymbol(next, .colon) {
                try advance()
                return try directive(name)
            }
            let group = "@" + name
            guard isSymbol(next, .colon) || vocabulary.groupMembers(group) != nil else {
                let known = Self.directives.map { "@" + $0 }
                throw error("unknown directive '\(group)': expected \(known.joined(separator: ", ")), or a group followed by ':'"
                            + didYouMean(closestMatches(to: group, in: known + vocabulary.groupNames())))
            }
            try advance()
            return try rule(target: .group(group), column: first.column, into: &stream)
        case .word:
            try advance()
            return try rule(target: .syscall(syscalls.find(source, first.range), first.range), column: first.column, into: &stream)
        default:
            throw error("expected a syscall name, a group (@name) or a directive (@default, @arch, @include) at the start of the line, found \(found)")
        }
    }

    private mutating func directive(_ name: String) throws -> StatementSyntax {
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
                guard t.kind == .word else {
                    throw error("expected \(name == "arch" ? "an architecture name (x86_64, x32, i386, aarch64)" : "a filter flag name") after '@\(name)', found \(found)")
                }
                words.append(Word(text: text(t), column: t.column))
                try advance()
            }
            if words.isEmpty {
                throw error(name == "arch" ? "expected an architecture name (x86_64, x32, i386, aarch64) after '@arch'"
                                           : "expected a filter flag name (tsync, log, spec-allow, ...) after '@flags'")
            }
            return name == "arch" ? .architectures(words) : .flags(words)
        default:  // include: the lexer has read the file name as one token
            guard let t = current, t.kind == .path else { throw error("expected a file name after '@include'") }
            try advance()
            try expectEnd(after: "the file name")
            return .include(path: source.text(t.body), column: t.column)
        }
    }

    // MARK: rules

    /// What a rule line names: a syscall (its entry, nil for an unknown name; its bytes) or a group.
    private enum Target {
        case syscall(Int?, Range<Int>)
        case group(String)
    }

    private func name(of target: Target) -> String { Self.name(of: target, in: source) }

    private static func name(of target: Target, in source: TextPolicySource) -> String {
        switch target {
        case .syscall(_, let range): source.text(range)
        case .group(let name): name
        }
    }

    private mutating func rule(target: Target, column: Int, into stream: inout TextPolicyRuleStream) throws -> StatementSyntax {
        guard isSymbol(current, .colon) else {
            throw error("expected ':' after '\(name(of: target))', found \(found)")
        }
        try advance()
        guard let first = current else {
            throw error("expected an action (\(Self.actionList)) or a condition after '\(name(of: target)):'")
        }
        var action = Action.allow
        var unconditional = false
        if first.kind == .word, !isOperator(next), isActionWord(first) || !looksLikeArgument(first, of: target) {
            let source = self.source
            action = try self.action(after: "'\(Self.name(of: target, in: source)):'")
            if current != nil {
                guard isWord(current, "if") else {
                    throw error("expected 'if' or the end of the line after the action '\(action)', found \(found)")
                }
                try advance()
            } else {
                unconditional = true
            }
        }
        conditions.removeAll()
        terms.removeAll()
        alternatives.removeAll(keepingCapacity: true)
        switch target {
        case .syscall(let entry, let range):
            if let entry {
                stream.begin(syscall: syscalls.entries[entry], action: action)
            } else {
                // The line's first error in its rules, reported once the line is read.
                let name = source.text(range)
                stream.begin(failure: error("unknown syscall '\(name)'" + didYouMean(vocabulary.table.closestNames(to: name)),
                                            column: column))
            }
            if unconditional {
                stream.addUnconditional()
            } else {
                try expression(into: &stream, streaming: true)
            }
            return .rule(syscall: entry, column: column)
        case .group(let group):
            if !unconditional { try expression(into: &stream, streaming: false) }
            // The whole line is read: its rules are made for each member of the group.
            guard let members = vocabulary.groupMembers(group) else {
                throw error("unknown syscall group '\(group)'" + didYouMean(closestMatches(to: group, in: vocabulary.groupNames())),
                            column: column)
            }
            let alternatives = self.alternatives.map {
                AlternativeSyntax(source: source, conditions: conditions.storage[$0], terms: terms.storage)
            }
            for member in members {
                try stream.addRules(of: syscalls.entry(named: member), inGroup: group, action: action, alternatives: alternatives)
            }
            return .rule(syscall: nil, column: column)
        }
    }

    private func isActionWord(_ t: Token) -> Bool {
        guard t.range.count <= 12 else { return false }
        return Self.actionWords.contains(text(t))
    }

    /// Whether `w` names an argument of the target (so a missing operator is reported as such).
    private func looksLikeArgument(_ w: Token, of target: Target) -> Bool {
        if Self.argumentIndex(source, w.range) != nil { return true }
        let table = vocabulary.table
        switch target {
        case .syscall(let entry, _):
            guard let d = entry.flatMap({ syscalls.entries[$0].definition }) else { return false }
            return Self.argumentIndex(named: w.range, in: table.definitions[d].arguments, source) != nil
        case .group(let group):
            let name = text(w)
            return (vocabulary.groupMembers(group) ?? []).contains { table.definition(named: $0)?.argumentIndex(named: name) != nil }
        }
    }

    /// `arg0`...`arg5`.
    static func argumentIndex(_ w: String) -> Int? {
        guard w.count == 4, w.hasPrefix("arg"), let d = Int(w.dropFirst(3)), (0...5).contains(d) else { return nil }
        return d
    }

    /// `arg0`...`arg5`, from the bytes of `range`.
    static func argumentIndex(_ source: TextPolicySource, _ range: Range<Int>) -> Int? {
        let s = range.lowerBound
        guard range.count == 4, source[s] == UInt8(ascii: "a"), source[s + 1] == UInt8(ascii: "r"),
              source[s + 2] == UInt8(ascii: "g") else { return nil }
        let d = Int(source[s + 3]) - 0x30
        return (0...5).contains(d) ? d : nil
    }

    /// The index of the argument whose name (or, failing that, an alias) is the bytes of `range`.
    static func argumentIndex(named range: Range<Int>, in arguments: [SyscallArgument], _ source: TextPolicySource) -> Int? {
        arguments.firstIndex { source.matches(range, $0.name) }
            ?? arguments.firstIndex { $0.aliases.contains { source.matches(range, $0) } }
    }

    /// `cond (&& cond)* (|| cond (&& cond)*)*`: `&&` binds tighter than `||`. When `streaming`,
    /// each alternative goes to `stream` as soon as it is read, and its conditions and terms are then
    /// dropped; without, the alternatives are kept in `alternatives`.
    private mutating func expression(into stream: inout TextPolicyRuleStream, streaming: Bool) throws {
        var start = conditions.count
        while true {
            let c = try condition()
            conditions.append(c)
            let end: Bool
            if isSymbol(current, .andAnd) {
                try advance()
                continue
            } else if isSymbol(current, .orOr) {
                try advance()
                end = false
            } else if current == nil {
                end = true
            } else {
                let value = AlternativeSyntax(source: source, conditions: [], terms: terms.storage)
                throw error("expected '&&', '||' or the end of the line after '\(source.text(c.argument.range)) \(c.op.symbol) \(c.mask.map { "\(value.text(of: $0)) == " } ?? "")\(value.text(of: c.value))', found \(found)")
            }
            if streaming {
                stream.add(AlternativeSyntax(source: source, conditions: conditions.storage[start..<conditions.count],
                                             terms: terms.storage))
                conditions.removeAll()
                terms.removeAll()
            } else {
                alternatives.append(start..<conditions.count)
            }
            start = conditions.count
            if end { return }
        }
    }

    private mutating func condition() throws -> ConditionSyntax {
        guard let a = current, a.kind == .word else {
            throw error("expected an argument name (such as fd, or arg0...arg5), found \(found)")
        }
        let argument = NameSyntax(range: a.range, column: a.column)
        try advance()
        guard let o = current, isOperator(o) else {
            throw error("expected an operator (\(Self.operatorList)) after '\(text(a))', found \(found)")
        }
        try advance()
        if o.symbol == .and {
            let mask = try value(after: "'&'")
            guard isSymbol(current, .eq) else {
                let value = AlternativeSyntax(source: source, conditions: [], terms: terms.storage)
                throw error("expected '==' after the mask '\(value.text(of: mask))' (a masked argument is compared with == only), found \(found)")
            }
            try advance()
            let v = try value(after: "'=='")
            return ConditionSyntax(argument: argument, op: .maskedEq, opColumn: o.column, mask: mask, value: v)
        }
        let source = self.source
        let v = try value(after: "'\(source.text(o.range))'")
        return ConditionSyntax(argument: argument, op: o.symbol.comparison!, opColumn: o.column, mask: nil, value: v)
    }

    /// `term (| term)*`, its terms added to `terms`.
    private mutating func value(after what: @autoclosure () -> String) throws -> ValueSyntax {
        let first = terms.count
        let start = column
        while true {
            guard let t = current else {
                throw error("expected a value (a number or a constant such as O_RDONLY) after \(terms.count == first ? what() : "'|'")")
            }
            switch t.kind {
            case .number: terms.append(TermSyntax(kind: .number, value: t.value, range: t.range, column: t.column))
            case .negative: terms.append(TermSyntax(kind: .negative, value: t.value, range: t.range, column: t.column))
            case .word: terms.append(TermSyntax(kind: .name, value: 0, range: t.range, column: t.column))
            default:
                throw error("expected a value (a number or a constant such as O_RDONLY) after \(terms.count == first ? what() : "'|'"), found \(found)")
            }
            try advance()
            guard isSymbol(current, .or) else { break }
            try advance()
        }
        return ValueSyntax(terms: first..<terms.count, column: start)
    }

    // MARK: actions

    private mutating func action(after what: @autoclosure () -> String) throws -> Action {
        guard let t = current, t.kind == .word else {
            throw error("expected an action (\(Self.actionList)) after \(what()), found \(found)")
        }
        try advance()
        let r = t.range
        if source.matches(r, "allow") { return .allow }
        if source.matches(r, "log") { return .log }
        if source.matches(r, "notify") { return .userNotif }
        if source.matches(r, "trap") { return .trap }
        if source.matches(r, "kill") || source.matches(r, "kill-process") { return .killProcess }
        if source.matches(r, "kill-thread") { return .killThread }
        if source.matches(r, "errno") { return .errno(try errnoValue()) }
        if source.matches(r, "trace") {
            guard let n = current, n.kind == .number else {
                throw error("expected a number (0...65535) after 'trace', found \(found)")
            }
            guard n.value <= UInt64(UInt16.max) else { throw error("trace value \(n.value) does not fit 16 bits (0...65535)") }
            try advance()
            return .trace(UInt16(n.value))
        }
        let w = text(t)
        throw error("unknown action '\(w)': expected \(Self.actionList)" + didYouMean(closestMatches(to: w, in: Self.actionWords)),
                    column: t.column)
    }

    private mutating func errnoValue() throws -> UInt16 {
        guard let t = current else { throw error("expected an errno name or number after 'errno' (errno EPERM)") }
        let value: UInt64
        switch t.kind {
        case .number: value = t.value
        case .word:
            let name = text(t)
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
            throw error("errno \(text(t)) is out of range (0...\(Action.maxErrno))")
        }
        try advance()
        return UInt16(value)
    }
}
