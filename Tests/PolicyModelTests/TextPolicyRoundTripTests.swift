import Testing
@testable import PolicyModel
import TestSupport

/// Random policies and random policy texts, from a seeded generator: the writer's text is
/// canonical, and reading it back keeps every decision `Policy.decide` makes.
@Suite struct TextPolicyRoundTripTests {
    typealias F = TextPolicyFixtures

    static let vocabularies: [(String, TextPolicyVocabulary)] = [("fixture", F.vocabulary), ("standard", .standard)]

    @Test("policy -> text -> policy keeps every decision, and text -> policy -> text is a fixed point",
          arguments: 0..<vocabularies.count)
    func policyRoundTrip(_ v: Int) throws {
        let (label, vocabulary) = Self.vocabularies[v]
        var g = SplitMix64(seed: 0x5EC_C0A1 + UInt64(v))
        let generator = RandomTextPolicies(vocabulary: vocabulary)
        var compared = 0
        for n in 0..<2000 {
            let policy = generator.policy(&g)
            let text = TextPolicy.format(policy, vocabulary: vocabulary)
            let back = try TextPolicy.parse(text, vocabulary: vocabulary).policy
            let again = TextPolicy.format(back, vocabulary: vocabulary)
            try #require(again == text, "\(label) policy \(n): the text changed on a second pass:\n\(text)\n---\n\(again)")
            #expect(back.defaultAction == policy.defaultAction)
            #expect(back.architectures == policy.architectures)
            #expect(back.badArchAction == policy.badArchAction)
            #expect(back.flags == policy.flags)
            for _ in 0..<40 {
                let data = generator.data(for: policy, &g)
                let (a, b) = (policy.decide(data, table: vocabulary.table), back.decide(data, table: vocabulary.table))
                try #require(a == b, "\(label) policy \(n): \(data) decided \(a) before and \(b) after:\n\(text)")
                compared += 1
            }
        }
        #expect(compared == 80_000)
    }

    @Test("random hand-written texts (groups, spellings of values, ACTION if) reach a canonical form in one pass")
    func textRoundTrip() throws {
        var g = SplitMix64(seed: 42)
        let generator = RandomTextPolicies(vocabulary: F.vocabulary)
        for n in 0..<2000 {
            let text = generator.text(&g)
            let first = try TextPolicy.parse(text, vocabulary: F.vocabulary).policy
            let canonical = TextPolicy.format(first, vocabulary: F.vocabulary)
            let second = try TextPolicy.parse(canonical, vocabulary: F.vocabulary).policy
            try #require(TextPolicy.format(second, vocabulary: F.vocabulary) == canonical, "text \(n):\n\(text)")
            for _ in 0..<40 {
                let data = generator.data(for: first, &g)
                let (a, b) = (first.decide(data, table: F.table), second.decide(data, table: F.table))
                try #require(a == b, "text \(n): \(data) decided \(a) before and \(b) after:\n\(text)\n---\n\(canonical)")
            }
        }
    }

    @Test("the writer's text for a known policy: sorted, joined, decoded, negative and hex values")
    func knownText() throws {
        let policy = Policy(defaultAction: .errno(1), architectures: [.x86_64, .i386], badArchAction: .errno(38), rules: [
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 1, width: .bits32)]),
            Rule(syscall: "openat", action: .allow, conditions: [
                Condition(index: 0, op: .eq, value: 0xFFFF_FF9C, width: .bits32),
                Condition(index: 2, op: .eq, value: 0o2000002, width: .bits32)]),
            Rule(syscall: "read", action: .allow),
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 2, width: .bits32)]),
            Rule(syscall: "ioctl", action: .errno(13), conditions: [Condition(index: 1, op: .eq, value: 0x5412, width: .bits32)]),
            Rule(syscall: "ioctl", action: .allow),
            Rule(syscall: "mmap", action: .allow, conditions: [Condition(index: 2, op: .maskedEq, value: 4, valueTwo: 0)]),
            Rule(syscall: "kill", action: .killProcess, conditions: [
                Condition(index: 0, op: .eq, value: 0xFFFF_FFFF, width: .bits32),
                Condition(index: 1, op: .ge, value: 0x1234_5678, width: .bits32)]),
            Rule(syscall: "prctl", action: .trace(3), conditions: [Condition(index: 1, op: .eq, value: 1), Condition(index: 2, op: .lt, value: 0x10000)]),
            Rule(syscall: "socket", action: .log, conditions: [Condition(index: 1, op: .eq, value: 0o2004001, width: .bits32)]),
            Rule(syscall: "lseek", action: .allow, conditions: [Condition(index: 2, op: .eq, value: 0xFFFF_FFFF_0000_0001, width: .bits32)]),
        ], flags: [.log, .tsync])
        let text = TextPolicy.format(policy, vocabulary: F.vocabulary)
        #expect(text == """
            @default errno EPERM
            @arch x86_64 i386
            @badarch errno ENOSYS
            @flags log tsync

            ioctl: allow
            ioctl: errno EACCES if cmd == TIOCSTI
            kill: kill if pid == -1 && sig >= 0x12345678
            lseek: whence == SEEK_CUR
            mmap: prot & PROT_EXEC == 0
            openat: dfd == AT_FDCWD && flags == O_RDWR|O_CLOEXEC
            prctl: trace 3 if arg1 == 1 && arg2 < 0x10000
            read: allow
            socket: log if type == SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC
            write: fd == 1 || fd == 2

            """)
        let back = try TextPolicy.parse(text, vocabulary: F.vocabulary).policy
        #expect(Set(back.rules) == Set(policy.rules.map { r in
            Rule(syscall: r.syscall, action: r.action, conditions: r.conditions.map {
                var c = $0
                c.value &= c.width.mask
                return c
            })
        }))
    }
}

/// Random policies, texts and calls over a vocabulary.
struct RandomTextPolicies {
    let vocabulary: TextPolicyVocabulary
    let syscalls: [SyscallDefinition]

    init(vocabulary: TextPolicyVocabulary) {
        self.vocabulary = vocabulary
        self.syscalls = vocabulary.table.definitions
    }

    static let edges: [UInt64] = [0, 1, 2, 3, 0x7F, 0xFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
                                  0xFFFF_FFFF_8000_0000, 0xFFFF_FFFF_FFFF_FF9C, 0xFFFF_FF9C, 0x7FFF_FFFF_FFFF_FFFF,
                                  0x8000_0000_0000_0000, UInt64.max]

    func action(_ g: inout SplitMix64) -> Action {
        switch Int.random(in: 0..<8, using: &g) {
        case 0: return .allow
        case 1: return .log
        case 2: return .trace(UInt16.random(in: 0...3, using: &g) == 0 ? .max : UInt16.random(in: 0...20, using: &g))
        case 3: return .userNotif
        case 4: return .errno(Bool.random(using: &g) ? 1 : UInt16.random(in: 0...Action.maxErrno, using: &g))
        case 5: return .trap
        case 6: return .killThread
        default: return .killProcess
        }
    }

    func value(_ g: inout SplitMix64, syscall: String, index: Int) -> UInt64 {
        switch Int.random(in: 0..<4, using: &g) {
        case 0: return Self.edges.randomElement(using: &g)!
        case 1: return UInt64.random(in: 0..<5000, using: &g)
        case 2:
            if let d = vocabulary.decoder(syscall, index), !d.constants.isEmpty {
                return (0..<Int.random(in: 1...3, using: &g)).reduce(0) { acc, _ in acc | d.constants.randomElement(using: &g)!.value }
            }
            return UInt64.random(in: 0...UInt64.max, using: &g)
        default: return UInt64.random(in: 0...UInt64.max, using: &g) >> UInt64.random(in: 0...63, using: &g)
        }
    }

    func condition(_ g: inout SplitMix64, syscall: SyscallDefinition) -> Condition {
        let count = syscall.arguments.count
        let index = count == 0 || Int.random(in: 0..<10, using: &g) == 0 ? Int.random(in: 0...5, using: &g)
                                                                          : Int.random(in: 0..<count, using: &g)
        let width = index < count ? syscall.arguments[index].width : .bits64
        let op = CompareOp.allCases.randomElement(using: &g)!
        return Condition(index: index, op: op, value: value(&g, syscall: syscall.name, index: index),
                         valueTwo: op == .maskedEq ? value(&g, syscall: syscall.name, index: index) : 0, width: width)
    }

    func policy(_ g: inout SplitMix64) -> Policy {
        let archs = Arch.allCases.filter { _ in Bool.random(using: &g) }
        var rules: [Rule] = []
        for _ in 0..<Int.random(in: 0...14, using: &g) {
            let s = syscalls.randomElement(using: &g)!
            let conditions = (0..<[0, 0, 1, 1, 2, 3].randomElement(using: &g)!).map { _ in condition(&g, syscall: s) }
            rules.append(Rule(syscall: s.name, action: action(&g), conditions: conditions))
        }
        return Policy(defaultAction: action(&g), architectures: archs.isEmpty ? [.x86_64] : archs.shuffled(using: &g),
                      badArchAction: Bool.random(using: &g) ? .killProcess : action(&g), rules: rules,
                      flags: FilterFlag.allCases.filter { _ in Int.random(in: 0..<4, using: &g) == 0 })
    }

    /// A call to check: mostly a syscall the policy names, with edge values and the policy's own values.
    func data(for policy: Policy, _ g: inout SplitMix64) -> SeccompData {
        let arch = Int.random(in: 0..<8, using: &g) == 0 ? Arch.allCases.randomElement(using: &g)!
                                                          : policy.architectures.randomElement(using: &g)!
        let name = policy.rules.randomElement(using: &g)?.syscall ?? syscalls.randomElement(using: &g)!.name
        var nr = vocabulary.table.number(of: name, arch: arch) ?? Int32.random(in: 0...500, using: &g)
        if arch == .x32 { nr |= Int32(bitPattern: Arch.x32SyscallBit) }
        let values = policy.rules.flatMap(\.conditions).flatMap { c in
            [c.value, c.value &+ 1, c.value &- 1, c.valueTwo, c.value | 0xFFFF_FFFF_0000_0000, c.value & 0xFFFF_FFFF, c.value ^ c.valueTwo]
        }
        let args = (0..<6).map { _ -> UInt64 in
            switch Int.random(in: 0..<4, using: &g) {
            case 0: return Self.edges.randomElement(using: &g)!
            case 1: return values.randomElement(using: &g) ?? 0
            case 2: return UInt64.random(in: 0...16, using: &g)
            default: return UInt64.random(in: 0...UInt64.max, using: &g)
            }
        }
        return SeccompData(nr: nr, arch: arch.auditArch, args: args)
    }

    /// A policy text as a person might write it: groups, `allow if`, values in every spelling.
    func text(_ g: inout SplitMix64) -> String {
        var lines = ["# random", "@default \(actionText(action(&g), &g))", "@arch x86_64 i386"]
        let groups = vocabulary.groupNames()
        for _ in 0..<Int.random(in: 0...10, using: &g) {
            let useGroup = Int.random(in: 0..<6, using: &g) == 0 && !groups.isEmpty
            let target = useGroup ? groups.randomElement(using: &g)! : syscalls.randomElement(using: &g)!.name
            let members = useGroup ? vocabulary.groupMembers(target)! : [target]
            let defs = members.compactMap { vocabulary.table.definition(named: $0) }
            let a = action(&g)
            let alternatives = (0..<[0, 1, 1, 2, 3].randomElement(using: &g)!).map { _ in
                (0..<Int.random(in: 1...3, using: &g)).map { _ in conditionText(&g, members: defs) }.joined(separator: " && ")
            }
            if alternatives.isEmpty {
                lines.append("\(target): \(actionText(a, &g))")
            } else if a == .allow && Bool.random(using: &g) {
                lines.append("\(target): " + alternatives.joined(separator: " || "))
            } else {
                lines.append("\(target): \(actionText(a, &g)) if " + alternatives.joined(separator: " || ") + "  # why")
            }
        }
        return lines.joined(separator: "\n")
    }

    private func actionText(_ a: Action, _ g: inout SplitMix64) -> String {
        if case .errno(let e) = a, let name = vocabulary.errnoDecoder?.constants.first(where: { $0.value == UInt64(e) })?.name,
           Bool.random(using: &g) {
            return "errno \(name)"
        }
        if a == .killProcess, Bool.random(using: &g) { return "kill-process" }
        return a.description
    }

    /// A condition valid for every member: on a common argument position, with a value that fits.
    private func conditionText(_ g: inout SplitMix64, members: [SyscallDefinition]) -> String {
        let count = members.map(\.arguments.count).min() ?? 0
        let index = count == 0 ? Int.random(in: 0...5, using: &g) : Int.random(in: 0..<count, using: &g)
        let first = members.first
        let named = members.count == 1 && index < count && Bool.random(using: &g)
        let argument = named ? first!.arguments[index].name : "arg\(index)"
        let is32 = members.contains { index < $0.arguments.count && $0.arguments[index].width == .bits32 }
        let decoder = members.count == 1 ? vocabulary.decoder(first!.name, index) : nil
        func valueText() -> String {
            switch Int.random(in: 0..<6, using: &g) {
            case 0: return String(UInt64.random(in: 0...(is32 ? 0xFFFF_FFFF : .max), using: &g))
            case 1: return "0x" + String(UInt64.random(in: 0...(is32 ? 0xFFFF_FFFF : .max), using: &g), radix: 16)
            case 2: return "0" + String(UInt64.random(in: 0...0o7777, using: &g), radix: 8)
            case 3: return "-" + String(UInt64.random(in: 1...0x8000_0000, using: &g))
            case 4 where decoder != nil && !decoder!.constants.isEmpty:
                return (0..<Int.random(in: 1...3, using: &g)).map { _ in decoder!.constants.randomElement(using: &g)!.name }
                    .joined(separator: "|")
            default: return "\(UInt64.random(in: 0...9, using: &g))|0x\(String(UInt64.random(in: 0...0xFFFF, using: &g), radix: 16))"
            }
        }
        if Int.random(in: 0..<4, using: &g) == 0 { return "\(argument) & \(valueText()) == \(valueText())" }
        let op = ["==", "!=", "<", "<=", ">", ">="].randomElement(using: &g)!
        return "\(argument) \(op) \(valueText())"
    }
}
