/// Writes a `Policy` as canonical text: directives first, then one line per syscall and action,
/// sorted by syscall name and then from the least to the most restrictive action.
struct TextPolicyWriter {
    let vocabulary: TextPolicyVocabulary

    func text(of policy: Policy) -> String {
        var lines = ["@default \(action(policy.defaultAction))",
                     "@arch " + policy.architectures.map(\.rawValue).joined(separator: " ")]
        if policy.badArchAction != .killProcess { lines.append("@badarch \(action(policy.badArchAction))") }
        if !policy.flags.isEmpty { lines.append("@flags " + policy.flags.map(\.textName).joined(separator: " ")) }
        if !policy.rules.isEmpty { lines.append("") }

        var bySyscall: [String: [Rule]] = [:]
        for r in policy.rules { bySyscall[r.syscall, default: []].append(r) }
        for syscall in bySyscall.keys.sorted() {
            // What each condition needs of the syscall's arguments, worked out once per syscall.
            let arguments = (vocabulary.table.definition(named: syscall)?.arguments ?? []).map {
                (name: $0.name, isSigned: TextPolicyResolver.isSignedType($0.cType))
            }
            var byAction: [Action: [Rule]] = [:]
            for r in bySyscall[syscall]! { byAction[r.action, default: []].append(r) }
            let actions = byAction.keys.sorted { ($0.severity, $0.data) < ($1.severity, $1.data) }
            for a in actions {
                var unconditional = false
                var alternatives: [String] = []
                for rule in byAction[a]! {
                    let conditions = rule.conditions
                    if conditions.isEmpty {
                        unconditional = true
                        continue
                    }
                    let known = Dictionary(conditions.filter { $0.op == .eq }.map { ($0.index, $0.value & $0.width.mask) },
                                           uniquingKeysWith: { _, last in last })
                    alternatives.append(conditions.map { condition($0, syscall: syscall, arguments: arguments, known: known) }
                        .joined(separator: " && "))
                }
                if unconditional { lines.append("\(syscall): \(action(a))") }
                guard !alternatives.isEmpty else { continue }
                let expression = alternatives.joined(separator: " || ")
                lines.append(a == .allow ? "\(syscall): \(expression)" : "\(syscall): \(action(a)) if \(expression)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The action as written, with the errno's name when one is known.
    func action(_ a: Action) -> String {
        if case .errno(let e) = a, let name = vocabulary.errnoDecoder?.describe(UInt64(e)),
           !name.hasPrefix("0x"), !name.contains("|"), vocabulary.errnoValue(named: name) == UInt64(e) {
            return "errno \(name)"
        }
        return a.description
    }

    private func condition(_ c: Condition, syscall: String, arguments: [(name: String, isSigned: Bool)],
                           known: [Int: UInt64]) -> String {
        var name = "arg\(c.index)"
        var isSigned = false
        if c.index < arguments.count {
            let a = arguments[c.index]
            isSigned = a.isSigned
            // `argN` always means position N: an argument called `arg2` at index 1 is written `arg1`.
            if TextPolicyLineParser.argumentIndex(a.name) ?? c.index == c.index { name = a.name }
        }
        if c.op == .maskedEq {
            if let field = fieldText(c, syscall: syscall, known: known) { return "\(name) & \(field.mask) == \(field.value)" }
            let mask = value(c.value, syscall: syscall, index: c.index, width: c.width, isSigned: false, isBits: true, known: known)
            let v = value(c.valueTwo, syscall: syscall, index: c.index, width: c.width, isSigned: false, isBits: true, known: known)
            return "\(name) & \(mask) == \(v)"
        }
        return "\(name) \(c.op.symbol) " + value(c.value, syscall: syscall, index: c.index, width: c.width,
                                                 isSigned: isSigned, isBits: false, known: known)
    }

    /// `O_ACCMODE` and `O_WRONLY` for a masked test of exactly a decoder's field (the access mode
    /// in open flags), when both names read back to the same values.
    private func fieldText(_ c: Condition, syscall: String, known: [Int: UInt64]) -> (mask: String, value: String)? {
        var others = known
        others[c.index] = nil
        let m = c.width.mask
        guard let field = vocabulary.decoder(syscall, c.index, others)?.field, let maskName = field.maskName,
              field.mask & m == c.value & m,
              let valueName = field.constants.first(where: { $0.value & m == c.valueTwo & m })?.name else { return nil }
        let read = { (text: String) in
            TextPolicyResolver.value(ofText: text, syscall: syscall, index: c.index, width: c.width, known: known,
                                     vocabulary: self.vocabulary).map { $0 & m }
        }
        guard read(maskName) == c.value & m, read(valueName) == c.valueTwo & m else { return nil }
        return (maskName, valueName)
    }

    /// Decoded names when they read back to exactly this value, else a negative number for a
    /// small negative signed value, else decimal below 4096 and hex above (masks: hex, and 0 as 0).
    private func value(_ raw: UInt64, syscall: String, index: Int, width: ArgWidth, isSigned: Bool, isBits: Bool,
                       known: [Int: UInt64]) -> String {
        var others = known
        others[index] = nil
        let m = width.mask
        let v = raw & m
        if isBits, v == 0 { return "0" }  // `prot & PROT_EXEC == 0`, not `== PROT_NONE`
        // A mask and its value are bits: a list's names (`SIGQUIT`) would read as another meaning.
        if let d = vocabulary.decoder(syscall, index, others), !(isBits && d.kind == .enumeration) {
            var candidates = [v]
            if width == .bits32, v & 0x8000_0000 != 0 { candidates.append(v | 0xFFFF_FFFF_0000_0000) }
            for c in candidates {
                let s = d.describe(c)
                guard s.split(separator: "|").contains(where: { $0.first.map { $0 == "_" || $0.isLetter } ?? false }) else { continue }
                let back = TextPolicyResolver.value(ofText: s, syscall: syscall, index: index, width: width, known: known,
                                                   vocabulary: vocabulary)
                if back.map({ $0 & m }) == v { return s }
            }
        }
        let sign: UInt64 = width == .bits32 ? 0x8000_0000 : 1 << 63
        if isSigned, v & sign != 0, (0 &- v) & m <= 0xFFFF { return "-\((0 &- v) & m)" }
        if v == 0 || (!isBits && v < 4096) { return String(v) }
        return "0x" + String(v, radix: 16)
    }
}
