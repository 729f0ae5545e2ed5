/// Turns parsed rule lines into `Rule`s: expands groups, resolves argument names, constants and
/// widths against the vocabulary, and checks that values fit their argument.
struct TextPolicyResolver {
    let vocabulary: TextPolicyVocabulary
    let location: TextPolicyLocation
    var warnings: [TextPolicyDiagnostic] = []

    init(vocabulary: TextPolicyVocabulary, location: TextPolicyLocation) {
        self.vocabulary = vocabulary
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

    mutating func rules(for syntax: RuleSyntax) throws -> [Rule] {
        var out: [Rule] = []
        for syscall in try members(of: syntax) {
            if syntax.alternatives.isEmpty {
                out.append(Rule(syscall: syscall, action: syntax.action))
                continue
            }
            for alternative in syntax.alternatives {
                out.append(try rule(for: syntax, syscall: syscall, alternative: alternative))
            }
        }
        return out
    }

    /// The rule of one alternative of `syntax` for `syscall` (one of its members).
    mutating func rule(for syntax: RuleSyntax, syscall: String, alternative: [ConditionSyntax]) throws -> Rule {
        let origin = syntax.isGroup ? " (in \(syscall), a member of \(syntax.target.text))" : ""
        // What the rule's `==` conditions say of each argument picks the decoder of the
        // others (setsockopt's `optname` by its `level`). Worked out on a copy, so that
        // its warnings and errors are not reported twice.
        // A lone condition has no others to pick a decoder for.
        var known: [Int: UInt64] = [:]
        if alternative.count > 1 {
            var scratch = self
            scratch.warnings = []
            for c in alternative where c.op == .eq {
                if let r = try? scratch.condition(c, syscall: syscall, origin: origin, known: [:]) { known[r.index] = r.value }
            }
        }
        let conditions = try alternative.map { try condition($0, syscall: syscall, origin: origin, known: known) }
        return Rule(syscall: syscall, action: syntax.action, conditions: conditions)
    }

    func members(of syntax: RuleSyntax) throws -> [String] {
        let name = syntax.target.text
        if syntax.isGroup {
            guard let members = vocabulary.groupMembers(name) else {
                throw error("unknown syscall group '\(name)'" + didYouMean(closestMatches(to: name, in: vocabulary.groupNames())),
                            at: syntax.target.column)
            }
            return members
        }
        guard vocabulary.table.definition(named: name) != nil || vocabulary.table.otherArchitectureNames.contains(name) else {
            throw error("unknown syscall '\(name)'" + didYouMean(vocabulary.table.closestNames(to: name)), at: syntax.target.column)
        }
        return [name]
    }

    /// What the text calls an argument: its index, name, width, and whether its C type is signed.
    private struct ArgumentInfo {
        var index: Int
        var name: String
        var cType: String?
        var width: ArgWidth
        /// Worked out only for the comparisons that need it (it reads the C type's words).
        var isSigned: Bool { cType.map(TextPolicyResolver.isSignedType) ?? false }
    }

    private mutating func argument(_ word: Word, syscall: String, origin: String) throws -> ArgumentInfo {
        let definition = vocabulary.table.definition(named: syscall)
        let arguments = definition?.arguments ?? []
        let index: Int
        if let i = TextPolicyLineParser.argumentIndex(word.text) {
            index = i
        } else if let i = definition?.argumentIndex(named: word.text) {
            index = i
        } else {
            // Each argument with the man page's names for it: `cmd (request)`.
            let listed = arguments.isEmpty ? "arg0...arg5"
                : arguments.map(\.nameWithAliases).joined(separator: ", ") + ", or arg0...arg\(arguments.count - 1)"
            let names = arguments.flatMap { [$0.name] + $0.aliases }
            throw error("'\(syscall)' has no argument '\(word.text)'\(origin); expected \(listed)"
                        + didYouMean(closestMatches(to: word.text, in: names)), at: word.column)
        }
        guard index < arguments.count else {
            if definition != nil {
                warn("'\(syscall)' takes \(arguments.count) argument\(arguments.count == 1 ? "" : "s"); '\(word.text)' is not one of them and is compared on 64 bits\(origin)",
                     at: word.column)
            }
            return ArgumentInfo(index: index, name: word.text, cType: nil, width: .bits64)
        }
        let a = arguments[index]
        return ArgumentInfo(index: index, name: a.name, cType: a.cType, width: a.width)
    }

    private mutating func condition(_ c: ConditionSyntax, syscall: String, origin: String,
                                    known: [Int: UInt64]) throws -> Condition {
        let arg = try argument(c.argument, syscall: syscall, origin: origin)
        if c.op == .lt || c.op == .le || c.op == .gt || c.op == .ge, arg.isSigned {
            warn("'\(c.argument.text)' is a signed \(arg.cType ?? "") but '\(c.op.symbol)' compares unsigned: negative values count as large numbers\(origin)",
                 at: c.opColumn)
        }
        let v = try value(c.value, syscall: syscall, argument: arg, origin: origin, known: known)
        if let maskSyntax = c.mask {
            let mask = try value(maskSyntax, syscall: syscall, argument: arg, origin: origin, known: known)
            return Condition(index: arg.index, op: .maskedEq, value: mask, valueTwo: v, width: arg.width)
        }
        return Condition(index: arg.index, op: c.op, value: v, width: arg.width)
    }

    private func value(_ v: ValueSyntax, syscall: String, argument arg: ArgumentInfo, origin: String,
                       known: [Int: UInt64]) throws -> UInt64 {
        var others = known
        others[arg.index] = nil
        var result: UInt64 = 0
        for (term, column) in v.terms {
            switch term {
            case .number(let n):
                result |= n
            case .negative(let n):
                let limit: UInt64 = arg.width == .bits32 ? 1 << 31 : 1 << 63
                guard n <= limit else {
                    throw error("-\(n) is below the smallest \(arg.width.rawValue)-bit value (-\(limit)) of '\(arg.name)'\(origin)", at: column)
                }
                result |= (0 &- n) & arg.width.mask
            case .name(let name):
                let decoder = vocabulary.decoder(syscall, arg.index, others) ?? vocabulary.decoder(syscall, arg.index)
                guard let n = Self.value(of: name, in: decoder) ?? Self.value(of: name, in: vocabulary.decoder(syscall, arg.index))
                    ?? vocabulary.constant(name) else {
                    var near = closestMatches(to: name, in: decoder?.constantNames ?? [])
                    if near.isEmpty { near = closestMatches(to: name, in: vocabulary.constantNames()) }
                    throw error("unknown constant '\(name)' for '\(arg.name)' of '\(syscall)'\(origin)" + didYouMean(near), at: column)
                }
                result |= n
            }
        }
        if arg.width == .bits32 {
            // A 32-bit value, or a negative 32-bit value sign-extended to 64 bits (AT_FDCWD).
            guard result <= 0xFFFF_FFFF || result >> 31 == 0x1_FFFF_FFFF else {
                throw error("value '\(v.text)' (0x\(String(result, radix: 16))) does not fit the 32-bit argument '\(arg.name)' (\(arg.cType ?? "32 bits")) of '\(syscall)'\(origin)",
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
        let location = TextPolicyLocation(file: "", line: 1, column: 1)
        guard let tokens = try? TextPolicyLexer.tokens(of: text, at: location), tokens.count % 2 == 1 else { return nil }
        var terms: [(term: ValueSyntax.Term, column: Int)] = []
        for (i, t) in tokens.enumerated() {
            switch (i % 2, t.kind) {
            case (1, .symbol("|")): continue
            case (0, .number(let n)): terms.append((.number(n), t.column))
            case (0, .negative(let n)): terms.append((.negative(n), t.column))
            case (0, .word(let w)): terms.append((.name(w), t.column))
            default: return nil
            }
        }
        let resolver = TextPolicyResolver(vocabulary: vocabulary, location: location)
        let arg = ArgumentInfo(index: index, name: "", cType: nil, width: width)
        return try? resolver.value(ValueSyntax(terms: terms, column: 1, text: text), syscall: syscall, argument: arg, origin: "", known: known)
    }

    /// Whether a kernel C type is a signed integer (`int`, `long`, `pid_t`, `off_t`, ...).
    static func isSignedType(_ cType: String) -> Bool {
        if cType.contains("*") { return false }
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
