import PolicyModel

/// Rules and values as the text policy writes them (`write: fd == 1 || fd == 2`): the text
/// policy writer (`TextPolicy.format`) is the one source; this only picks out a syscall's lines.
enum RuleText {
    /// The lines of the whole policy, without the blank line between directives and rules.
    static func lines(for policy: Policy) -> [String] {
        TextPolicy.format(policy).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// The rule lines of one syscall (one per action), joined with `; `.
    static func line(for name: String, rules: [Rule]) -> String {
        guard !rules.isEmpty else { return "\(name): (no rule: default action)" }
        let p = Policy(defaultAction: .allow, rules: rules)
        return lines(for: p).filter { !$0.hasPrefix("@") }.joined(separator: "; ")
    }

    /// The conditions on argument `index` in a syscall's rule line (`fd == 1 || fd == 2`).
    static func conditions(on index: Int, of name: String, rules: [Rule]) -> String {
        let only = rules.compactMap { r -> Rule? in
            let cs = r.conditions.filter { $0.index == index }
            return cs.isEmpty ? nil : Rule(syscall: r.syscall, action: .allow, conditions: cs)
        }
        let unique = Array(Set(only))
        guard !unique.isEmpty else { return "" }
        let text = line(for: name, rules: unique.sorted { $0.conditions.description < $1.conditions.description })
        return String(text.dropFirst(name.count + 2))
    }

    /// A value named by the argument's decoder when it has one, else a number in the argument's
    /// one radix (`radix(syscall:argument:)`): negative 32-bit ints (AT_FDCWD without a decoder)
    /// as negative decimals.
    static func value(_ v: UInt64, syscall: String, argument: Int) -> String {
        if let named = ArgumentDecoders.describe(syscall: syscall, argument: argument, value: v) { return named }
        let def = SyscallTable.shared.definition(named: syscall)
        let arg = def.flatMap { argument < $0.arguments.count ? $0.arguments[argument] : nil }
        if let a = arg, a.width == .bits32, !a.cType.contains("unsigned"), v & 0xFFFF_FFFF >= 0x8000_0000 {
            return String(Int32(bitPattern: UInt32(truncatingIfNeeded: v)))
        }
        return hexadecimal(syscall: syscall, argument: argument) ? "0x" + String(v, radix: 16) : String(v)
    }

    /// Words in argument names that hold bits or addresses: their numbers are written in hex.
    static let hexWords: Set<String> = ["flags", "flag", "mask", "addr", "arg", "cmd", "prot", "request",
                                        "sigmask", "cap", "bits", "cookie", "key"]

    /// Whether the numbers of an argument are written in hex: bits, addresses and commands are;
    /// sizes, counts, ids and descriptors are decimal. One radix per argument, whatever the value,
    /// so that 4096 and 131072 of the same `count` read alike. Arguments the table does not know:
    /// decimal.
    static func hexadecimal(syscall: String, argument: Int) -> Bool {
        guard let def = SyscallTable.shared.definition(named: syscall), argument < def.arguments.count else {
            return false
        }
        let a = def.arguments[argument]
        if a.isPointer { return true }
        let words = a.name.lowercased().split(separator: "_").map(String.init)
        return words.contains { hexWords.contains($0) || $0.hasSuffix("flags") || $0.hasSuffix("mask") }
    }
}
