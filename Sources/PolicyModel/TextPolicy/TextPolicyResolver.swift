/// Turns the alternatives of rule lines into `Rule`s: resolves argument names, constants and
/// widths against the vocabulary, and checks that values fit their argument.
struct TextPolicyResolver {
    let vocabulary: TextPolicyVocabulary
    private let table: SyscallTable
    /// Where the line at hand is (the column of each error and warning is its own).
    var location: TextPolicyLocation
    var warnings: [TextPolicyDiagnostic] = []
    /// The warning for an `argN` beyond a syscall's arguments, by definition and index: one
    /// string for every rule that says it.
    private var beyondArgumentsMessages: [Int: String] = [:]

    init(vocabulary: TextPolicyVocabulary, location: TextPolicyLocation) {
        self.vocabulary = vocabulary
        self.table = vocabulary.table
        self.location = location
    }

    private func error(_ message: String, at column: Int) -> TextPolicyDiagnostic {
        var l = location
        l.column = column
        return l.error(message)
    }

    private mutating func warn(_ message: String, at column: Int) {
        var l = location
        l.column = column
        warnings.append(l.error(message))
    }

    /// The syscall a rule is made for, and the group that named it, if any.
    private struct Target {
        var syscall: TextPolicySyscallNames.Entry
        var group: String?

        /// What messages add for a member of a group.
        var origin: String { group.map { " (in \(syscall.name), a member of \($0))" } ?? "" }
    }

    /// The rule of one alternative for `syscall` (named by the line, or a member of `group`).
    mutating func rule(for syscall: TextPolicySyscallNames.Entry, inGroup group: String?, action: Action,
                       _ alternative: AlternativeSyntax) throws -> Rule {
        let target = Target(syscall: syscall, group: group)
        let conditions = alternative.conditions
        if conditions.count == 1 {
            let c = try condition(conditions[conditions.startIndex], alternative, target, known: [:], report: true)
            return Rule(syscall: syscall.name, action: action, conditions: [c])
        }
        // What the rule's `==` conditions say of each argument picks the decoder of the
        // others (setsockopt's `optname` by its `level`): worked out without reporting, so that
        // warnings and errors are not reported twice. Only constant names need it.
        var known: [Int: UInt64] = [:]
        if conditions.contains(where: { alternative.hasName($0.value) || $0.mask.map(alternative.hasName) == true }) {
            for c in conditions where c.op == .eq {
                if let r = try? condition(c, alternative, target, known: [:], report: false) { known[r.index] = r.value }
            }
        }
        var resolved: [Condition] = []
        resolved.reserveCapacity(conditions.count)
        for c in conditions { resolved.append(try condition(c, alternative, target, known: known, report: true)) }
        return Rule(syscall: syscall.name, action: action, conditions: resolved)
    }

    /// What the text calls an argument: its index and width, and where the table has it.
    private struct ArgumentInfo {
        var index: Int
        var width: ArgWidth
        /// The definition whose argument it is; nil when the syscall has no argument there.
        var definition: Int?
        /// The name as written, for an argument the syscall does not have.
        var written: String

        func name(in table: SyscallTable) -> String {
            definition.map { table.definitions[$0].arguments[index].name } ?? written
        }

        func cType(in table: SyscallTable) -> String? {
            definition.map { table.definitions[$0].arguments[index].cType }
        }

        /// Whether its C type is signed (read only for the comparisons that need it).
        func isSigned(in table: SyscallTable) -> Bool {
            cType(in: table).map(TextPolicyResolver.isSignedType) ?? false
        }
    }

    private mutating func argument(_ word: NameSyntax, _ source: TextPolicySource, _ target: Target,
                                   report: Bool) throws -> ArgumentInfo {
        let syscall = target.syscall
        let index: Int
        if let i = TextPolicyLineParser.argumentIndex(source, word.range) {
            index = i
        } else if let d = syscall.definition,
                  let i = TextPolicyLineParser.argumentIndex(named: word.range, in: table.definitions[d].arguments, source) {
            index = i
        } else {
            // Each argument with the man page's names for it: `cmd (request)`.
            let arguments = syscall.definition.map { table.definitions[$0].arguments } ?? []
            let listed = arguments.isEmpty ? "arg0...arg5"
                : arguments.map(\.nameWithAliases).joined(separator: ", ") + ", or arg0...arg\(arguments.count - 1)"
            let names = arguments.flatMap { [$0.name] + $0.aliases }
            let written = source.text(word.range)
            throw error("'\(syscall.name)' has no argument '\(written)'\(target.origin); expected \(listed)"
                        + didYouMean(closestMatches(to: written, in: names)), at: word.column)
        }
        guard index < syscall.argumentCount else {
            let written = source.text(word.range)
            if let d = syscall.definition, report {
                let count = syscall.argumentCount
                let key = d * 8 + index
                if target.group == nil, let message = beyondArgumentsMessages[key] {
                    warn(message, at: word.column)
                } else {
                    let message = "'\(syscall.name)' takes \(count) argument\(count == 1 ? "" : "s"); '\(written)' is not one of them and is compared on 64 bits\(target.origin)"
                    if target.group == nil { beyondArgumentsMessages[key] = message }
                    warn(message, at: word.column)
                }
            }
            return ArgumentInfo(index: index, width: .bits64, definition: nil, written: written)
        }
        return ArgumentInfo(index: index, width: syscall.width(of: index), definition: syscall.definition, written: "")
    }

    private mutating func condition(_ c: ConditionSyntax, _ alternative: AlternativeSyntax, _ target: Target,
                                    known: [Int: UInt64], report: Bool) throws -> Condition {
        let arg = try argument(c.argument, alternative.source, target, report: report)
        if report, c.op == .lt || c.op == .le || c.op == .gt || c.op == .ge, arg.isSigned(in: table) {
            warn("'\(alternative.source.text(c.argument.range))' is a signed \(arg.cType(in: table) ?? "") but '\(c.op.symbol)' compares unsigned: negative values count as large numbers\(target.origin)",
                 at: c.opColumn)
        }
        let v = try value(c.value, alternative, syscall: target.syscall.name, argument: arg, origin: target.origin, known: known)
        if let maskSyntax = c.mask {
            let mask = try value(maskSyntax, alternative, syscall: target.syscall.name, argument: arg, origin: target.origin, known: known)
            return Condition(index: arg.index, op: .maskedEq, value: mask, valueTwo: v, width: arg.width)
        }
        return Condition(index: arg.index, op: c.op, value: v, width: arg.width)
    }

    private func value(_ v: ValueSyntax, _ alternative: AlternativeSyntax, syscall: String, argument arg: ArgumentInfo,
                       origin: @autoclosure () -> String, known: [Int: UInt64]) throws -> UInt64 {
        var result: UInt64 = 0
        for term in alternative.terms[v.terms] {
            switch term.kind {
            case .number:
                result |= term.value
            case .negative:
                let n = term.value
                let limit: UInt64 = arg.width == .bits32 ? 1 << 31 : 1 << 63
                guard n <= limit else {
                    throw error("-\(n) is below the smallest \(arg.width.rawValue)-bit value (-\(limit)) of '\(arg.name(in: table))'\(origin())",
                                at: term.column)
                }
                result |= (0 &- n) & arg.width.mask
            case .name:
                let name = alternative.source.text(term.range)
                var others = known
                others[arg.index] = nil
                let decoder = vocabulary.decoder(syscall, arg.index, others) ?? vocabulary.decoder(syscall, arg.index)
                guard let n = Self.value(of: name, in: decoder) ?? Self.value(of: name, in: vocabulary.decoder(syscall, arg.index))
                    ?? vocabulary.constant(name) else {
                    var near = closestMatches(to: name, in: decoder?.constantNames ?? [])
                    if near.isEmpty { near = closestMatches(to: name, in: vocabulary.constantNames()) }
                    throw error("unknown constant '\(name)' for '\(arg.name(in: table))' of '\(syscall)'\(origin())" + didYouMean(near),
                                at: term.column)
                }
                result |= n
            }
        }
        if arg.width == .bits32 {
            // A 32-bit value, or a negative 32-bit value sign-extended to 64 bits (AT_FDCWD).
            guard result <= 0xFFFF_FFFF || result >> 31 == 0x1_FFFF_FFFF else {
                throw error("value '\(alternative.text(of: v))' (0x\(String(result, radix: 16))) does not fit the 32-bit argument '\(arg.name(in: table))' (\(arg.cType(in: table) ?? "32 bits")) of '\(syscall)'\(origin())",
                            at: v.column)
            }
            result &= 0xFFFF_FFFF
        }
        return result
    }

    /// A name of `decoder`: one of its constants, or the mask of its field (`O_ACCMODE`).
    static func value(of name: String, in decoder: ValueDecoder?) -> UInt64? {
        guard let decoder else { return nil }
        if let v = decoder.value(named: name) { return v }
        if let field = decoder.field, field.maskName == name { return field.mask }
        return nil
    }

    /// What `text` (a value as the writer would put it: `O_RDWR|O_CLOEXEC`, `S_IFREG|0644`, `-1`)
    /// reads as for argument `index` of `syscall`, or nil when the reader would refuse it.
    static func value(ofText text: String, syscall: String, index: Int, width: ArgWidth, known: [Int: UInt64],
                      vocabulary: TextPolicyVocabulary) -> UInt64? {
        TextPolicySource.with(text) { source -> UInt64? in
            var lexer = TextPolicyLexer(source: source, file: "")
            lexer.start(line: 0..<source.count, number: 1)
            var terms: [TermSyntax] = []
            var position = 0
            while true {
                let next: Token?
                do { next = try lexer.next() } catch { return nil }
                guard let t = next else { break }
                defer { position += 1 }
                if position % 2 == 1 {
                    guard t.kind == .symbol, t.symbol == .or else { return nil }
                    continue
                }
                switch t.kind {
                case .number: terms.append(TermSyntax(kind: .number, value: t.value, range: t.range, column: t.column))
                case .negative: terms.append(TermSyntax(kind: .negative, value: t.value, range: t.range, column: t.column))
                case .word: terms.append(TermSyntax(kind: .name, value: 0, range: t.range, column: t.column))
                default: return nil
                }
            }
            guard position % 2 == 1 else { return nil }
            let resolver = TextPolicyResolver(vocabulary: vocabulary, location: lexer.location)
            let arg = ArgumentInfo(index: index, width: width, definition: nil, written: "")
            let alternative = AlternativeSyntax(source: source, conditions: [], terms: terms)
            return try? resolver.value(ValueSyntax(terms: 0..<terms.count, column: 1), alternative, syscall: syscall,
                                       argument: arg, origin: "", known: known)
        }
    }

    /// Whether a kernel C type is a signed integer (`int`, `long`, `pid_t`, `off_t`, ...).
    static func isSignedType(_ cType: String) -> Bool {
        if cType.utf8.contains(UInt8(ascii: "*")) { return false }
        let words = cType.split(separator: " ").filter { $0 != "const" && $0 != "__user" && $0 != "volatile" }
        if words.contains("unsigned") { return false }
        if words.contains("signed") { return true }
        guard let last = words.last else { return false }
        return signedTypeNames.contains(String(last))
    }

    private static let signedTypeNames: Set<String> = [
        "int", "long", "short", "char", "pid_t", "off_t", "loff_t", "clockid_t", "timer_t", "key_serial_t",
        "mqd_t", "ssize_t", "rwf_t", "__s8", "__s16", "__s32", "__s64", "s8", "s16", "s32", "s64",
        "int8_t", "int16_t", "int32_t", "int64_t", "__kernel_off_t", "__kernel_pid_t", "__kernel_timer_t",
        "__kernel_clockid_t", "__kernel_mqd_t", "__kernel_ssize_t", "__kernel_loff_t",
    ]
}
