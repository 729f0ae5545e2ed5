import PolicyModel

/// Rules as the text policy language writes them (`write: fd == 1 || fd == 2`), with argument
/// names from the syscall table and values named by the argument decoders.
enum RuleText {
    /// One line for all the rules of one syscall. Rules with the same action join with `||`;
    /// an action other than allow is written after the conditions (`socket: errno EPERM`).
    static func line(for name: String, rules: [Rule]) -> String {
        guard !rules.isEmpty else { return "\(name): (no rule: default action)" }
        let byAction = Dictionary(grouping: rules, by: \.action)
        let parts = byAction.keys.sorted { $0.severity < $1.severity }.map { action -> String in
            let alternatives = byAction[action]!
            if alternatives.contains(where: { $0.conditions.isEmpty }) { return Choices.describe(action) }
            let conds = alternatives.map { r in r.conditions.map { condition($0, syscall: name) }.joined(separator: " && ") }
                .joined(separator: " || ")
            return action == .allow ? conds : "\(Choices.describe(action)) if \(conds)"
        }
        return "\(name): " + parts.joined(separator: "; ")
    }

    /// `flags == O_RDONLY|O_CLOEXEC`, `prot & 0xfffffffb == 0`.
    static func condition(_ c: Condition, syscall: String) -> String {
        let def = SyscallTable.shared.definition(named: syscall)
        let argName = def.flatMap { c.index < $0.arguments.count ? $0.arguments[c.index].name : nil } ?? "arg\(c.index)"
        if c.op == .maskedEq {
            return "\(argName) & \(hex(c.value)) == \(value(c.valueTwo, syscall: syscall, argument: c.index))"
        }
        return "\(argName) \(c.op.symbol) \(value(c.value, syscall: syscall, argument: c.index))"
    }

    /// A value named by the argument's decoder when it has one, else decimal for small values
    /// and hex for large ones.
    static func value(_ v: UInt64, syscall: String, argument: Int) -> String {
        if let d = ArgumentDecoders.decoder(syscall: syscall, argument: argument) {
            let named = d.describe(v)
            if !named.hasPrefix("0x") || named.contains("|") { return named }
        }
        return plain(v, syscall: syscall, argument: argument)
    }

    /// A value without names: negative 32-bit ints (AT_FDCWD) as negative decimals.
    static func plain(_ v: UInt64, syscall: String, argument: Int) -> String {
        let def = SyscallTable.shared.definition(named: syscall)
        let arg = def.flatMap { argument < $0.arguments.count ? $0.arguments[argument] : nil }
        if let a = arg, a.width == .bits32, !a.cType.contains("unsigned"), v & 0xFFFF_FFFF >= 0x8000_0000 {
            return String(Int32(bitPattern: UInt32(truncatingIfNeeded: v)))
        }
        return v < 0x10000 ? String(v) : hex(v)
    }

    static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

    /// The whole policy, one syscall per line, as a `.policy` file shows it.
    static func lines(for policy: Policy) -> [String] {
        var out = ["@default \(Choices.describe(policy.defaultAction))",
                   "@arch " + policy.architectures.map(\.rawValue).joined(separator: " ")]
        for name in policy.syscallNames { out.append(line(for: name, rules: policy.rules(for: name))) }
        return out
    }
}
