/// Writes a `Policy` as canonical text: directives first, then one line per syscall and action,
/// sorted by syscall name and then from the least to the most restrictive action.
struct TextPolicyWriter {
    let vocabulary: TextPolicyVocabulary

    func text(of policy: Policy) -> String {
        String(decoding: bytes(of: policy), as: UTF8.self)
    }

    /// The canonical text as UTF-8, written into one buffer. Linear in the rules: they are taken
    /// in syscall order by `RulesBySyscall` (the distinct names are sorted, not the rules), and
    /// a rule's text goes straight into the buffer.
    func bytes(of policy: Policy) -> [UInt8] {
        let rules = policy.rules
        // About 20 bytes a one-test rule (`|| arg0 == 123`); the buffer grows past that if needed.
        var out = OutputBytes(capacity: 256 + rules.count * 20)
        out.append("@default ")
        out.append(action(policy.defaultAction))
        out.append("\n@arch ")
        out.append(policy.architectures.map(\.rawValue).joined(separator: " "))
        out.append(0x0A)
        if policy.badArchAction != .killProcess {
            out.append("@badarch ")
            out.append(action(policy.badArchAction))
            out.append(0x0A)
        }
        if !policy.flags.isEmpty {
            out.append("@flags ")
            out.append(policy.flags.map(\.textName).joined(separator: " "))
            out.append(0x0A)
        }
        if rules.isEmpty { return out.bytes }
        out.append(0x0A)

        let bySyscall = RulesBySyscall(rules)
        for g in bySyscall.sortedByName() {
            let group = bySyscall.indices(of: g)
            var syscall = SyscallWriter(syscall: bySyscall.names[g], vocabulary: vocabulary)
            let first = rules[Int(group[group.startIndex])].action
            if group.allSatisfy({ rules[Int($0)].action == first }) {
                write(group, action: first, of: rules, syscall: &syscall, into: &out)
                continue
            }
            var byAction: [Action: [Int32]] = [:]
            for i in group { byAction[rules[Int(i)].action, default: []].append(i) }
            let actions = byAction.keys.sorted { ($0.severity, $0.data) < ($1.severity, $1.data) }
            for a in actions {
                write(byAction[a]![...], action: a, of: rules, syscall: &syscall, into: &out)
            }
        }
        return out.bytes
    }

    /// The lines of one syscall's rules with action `a`: `name: action` when one of them is
    /// unconditional, then their tests joined with `||` on one line.
    private func write(_ indices: ArraySlice<Int32>, action a: Action, of rules: [Rule], syscall: inout SyscallWriter,
                       into out: inout OutputBytes) {
        var unconditional = false
        var conditional = false
        for i in indices {
            if rules[Int(i)].onlyCondition != nil || !rules[Int(i)].conditions.isEmpty {
                conditional = true
            } else {
                unconditional = true
            }
            if conditional && unconditional { break }
        }
        let actionText = action(a)
        if unconditional {
            out.append(syscall.syscall)
            out.append(": ")
            out.append(actionText)
            out.append(0x0A)
        }
        guard conditional else { return }
        out.append(syscall.syscall)
        out.append(": ")
        if a != .allow {
            out.append(actionText)
            out.append(" if ")
        }
        var firstAlternative = true
        for i in indices {
            let rule = rules[Int(i)]
            if let only = rule.onlyCondition {
                if !firstAlternative { out.append(" || ") }
                firstAlternative = false
                // One test: no other argument is known, so no table depends on one.
                condition(only, syscall: &syscall, known: [:], into: &out)
                continue
            }
            let conditions = rule.conditions
            if conditions.isEmpty { continue }
            if !firstAlternative { out.append(" || ") }
            firstAlternative = false
            let known = Dictionary(conditions.filter { $0.op == .eq }.map { ($0.index, $0.value & $0.width.mask) },
                                   uniquingKeysWith: { _, last in last })
            for (k, c) in conditions.enumerated() {
                if k > 0 { out.append(" && ") }
                condition(c, syscall: &syscall, known: known, into: &out)
            }
        }
        out.append(0x0A)
    }

    /// The action as written, with the errno's name when one is known.
    func action(_ a: Action) -> String {
        if case .errno(let e) = a, let name = vocabulary.errnoDecoder?.describe(UInt64(e)),
           !name.hasPrefix("0x"), !name.contains("|"), vocabulary.errnoValue(named: name) == UInt64(e) {
            return "errno \(name)"
        }
        return a.description
    }

    /// One test as written: `fd == 3`, `flags & O_ACCMODE == O_WRONLY`, `prot & 0x4 == 0`.
    private func condition(_ c: Condition, syscall: inout SyscallWriter, known: [Int: UInt64], into out: inout OutputBytes) {
        let argument = syscall.argument(c.index)
        out.append(argument.name)
        if c.op == .maskedEq {
            if let field = fieldText(c, syscall: &syscall, known: known) {
                out.append(" & ")
                out.append(field.mask)
                out.append(" == ")
                out.append(field.value)
                return
            }
            out.append(" & ")
            value(c.value, syscall: &syscall, index: c.index, width: c.width, isSigned: false, isBits: true, known: known,
                  into: &out)
            out.append(" == ")
            value(c.valueTwo, syscall: &syscall, index: c.index, width: c.width, isSigned: false, isBits: true, known: known,
                  into: &out)
            return
        }
        out.append(0x20)
        out.append(c.op.symbol)
        out.append(0x20)
        value(c.value, syscall: &syscall, index: c.index, width: c.width, isSigned: argument.isSigned, isBits: false,
              known: known, into: &out)
    }

    /// `O_ACCMODE` and `O_WRONLY` for a masked test of exactly a decoder's field (the access mode
    /// in open flags), when both names read back to the same values.
    private func fieldText(_ c: Condition, syscall: inout SyscallWriter, known: [Int: UInt64]) -> (mask: String, value: String)? {
        let m = c.width.mask
        guard let field = syscall.decoder(c.index, known: known)?.field, let maskName = field.maskName,
              field.mask & m == c.value & m,
              let valueName = field.constants.first(where: { $0.value & m == c.valueTwo & m })?.name else { return nil }
        let name = syscall.syscall
        let read = { (text: String) in
            TextPolicyResolver.value(ofText: text, syscall: name, index: c.index, width: c.width, known: known,
                                     vocabulary: self.vocabulary).map { $0 & m }
        }
        guard read(maskName) == c.value & m, read(valueName) == c.valueTwo & m else { return nil }
        return (maskName, valueName)
    }

    /// Decoded names when they read back to exactly this value, else a negative number for a
    /// small negative signed value, else decimal below 4096 and hex above (masks: hex, and 0 as 0).
    private func value(_ raw: UInt64, syscall: inout SyscallWriter, index: Int, width: ArgWidth, isSigned: Bool,
                       isBits: Bool, known: [Int: UInt64], into out: inout OutputBytes) {
        let m = width.mask
        let v = raw & m
        if isBits, v == 0 {  // `prot & PROT_EXEC == 0`, not `== PROT_NONE`
            out.append(UInt8(ascii: "0"))
            return
        }
        // A mask and its value are bits: a list's names (`SIGQUIT`) would read as another meaning.
        if let d = syscall.decoder(index, known: known), !(isBits && d.kind == .enumeration) {
            var candidates = [v]
            if width == .bits32, v & 0x8000_0000 != 0 { candidates.append(v | 0xFFFF_FFFF_0000_0000) }
            for c in candidates {
                let s = d.describe(c)
                guard s.split(separator: "|").contains(where: { $0.first.map { $0 == "_" || $0.isLetter } ?? false }) else { continue }
                let back = TextPolicyResolver.value(ofText: s, syscall: syscall.syscall, index: index, width: width,
                                                   known: known, vocabulary: vocabulary)
                if back.map({ $0 & m }) == v {
                    out.append(s)
                    return
                }
            }
        }
        let sign: UInt64 = width == .bits32 ? 0x8000_0000 : 1 << 63
        if isSigned, v & sign != 0, (0 &- v) & m <= 0xFFFF {
            out.append(UInt8(ascii: "-"))
            out.appendDecimal((0 &- v) & m)
        } else if v == 0 || (!isBits && v < 4096) {
            out.appendDecimal(v)
        } else {
            out.append("0x")
            out.appendHex(v)
        }
    }
}

/// What the writer needs of one syscall's arguments, worked out once for all its rules: the
/// names its tests are written with, whether each is signed, and the decoder of each argument
/// when no other argument's value is known (the case of every one-test rule).
private struct SyscallWriter {
    let syscall: String
    let vocabulary: TextPolicyVocabulary
    private var arguments: [(name: String, isSigned: Bool)] = []
    private var decoders: [ValueDecoder??] = Array(repeating: nil, count: 6)

    init(syscall: String, vocabulary: TextPolicyVocabulary) {
        self.syscall = syscall
        self.vocabulary = vocabulary
        let definition = (vocabulary.table.definition(named: syscall)?.arguments ?? []).map {
            (name: $0.name, isSigned: TextPolicyResolver.isSignedType($0.cType))
        }
        arguments = (0...5).map { index in
            guard index < definition.count else { return (name: "arg\(index)", isSigned: false) }
            let a = definition[index]
            // `argN` always means position N: an argument called `arg2` at index 1 is written `arg1`.
            let name = TextPolicyLineParser.argumentIndex(a.name) ?? index == index ? a.name : "arg\(index)"
            return (name: name, isSigned: a.isSigned)
        }
    }

    func argument(_ index: Int) -> (name: String, isSigned: Bool) { arguments[index] }

    /// The decoder for argument `index` given the values `known` of the rule's arguments (its own
    /// is not looked at).
    mutating func decoder(_ index: Int, known: [Int: UInt64]) -> ValueDecoder? {
        if !known.isEmpty {
            var others = known
            others[index] = nil
            if !others.isEmpty { return vocabulary.decoder(syscall, index, others) }
        }
        if let cached = decoders[index] { return cached }
        let d = vocabulary.decoder(syscall, index, [:])
        decoders[index] = .some(d)
        return d
    }
}

extension TextPolicy {
    /// `format(_:vocabulary:)` as UTF-8 bytes, written directly (no `String` of the whole text
    /// on the way): for writing a policy to a file.
    public static func formatUTF8(_ policy: Policy, vocabulary: TextPolicyVocabulary = .standard) -> [UInt8] {
        TextPolicyWriter(vocabulary: vocabulary).bytes(of: policy)
    }
}
