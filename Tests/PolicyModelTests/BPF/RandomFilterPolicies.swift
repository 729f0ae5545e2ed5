@testable import PolicyModel
import TestSupport

/// Random policies and random calls for the equivalence tests.
enum RandomFilterPolicies {
    /// A synthetic table: 40 syscalls with scattered numbers, some missing on some architectures,
    /// arguments of both widths.
    static let table: SyscallTable = {
        var g = SplitMix64(seed: 7)
        var defs: [SyscallDefinition] = []
        var used: [Arch: Set<Int32>] = [:]
        for i in 0..<40 {
            var numbers: [Arch: Int32] = [:]
            for arch in [Arch.x86_64, .i386, .aarch64] where Int.random(in: 0..<10, using: &g) < 8 {
                var n: Int32
                repeat { n = Int32.random(in: 0..<90, using: &g) } while used[arch, default: []].contains(n)
                used[arch, default: []].insert(n)
                numbers[arch] = n
            }
            if let n = numbers[.x86_64], Bool.random(using: &g) { numbers[.x32] = n | 0x4000_0000 }
            let args = (0..<6).map { k in
                SyscallArgument(name: "a\(k)", cType: "long", width: Bool.random(using: &g) ? .bits32 : .bits64,
                                isPointer: false, isPath: false)
            }
            defs.append(SyscallDefinition(name: "s\(i)", numbers: numbers, arguments: args))
        }
        return SyscallTable(definitions: defs)
    }()

    static let actions: [Action] = [.allow, .log, .trace(1), .trace(2), .userNotif, .errno(0), .errno(1), .errno(2),
                                    .errno(38), .trap, .killThread, .killProcess]

    static let edgeValues: [UInt64] = [0, 1, 2, 3, 0x7F, 0xFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF,
                                       0x1_0000_0000, 0x1_0000_0001, 0xFFFF_FFFF_0000_0000, 0xFFFF_FFFF_8000_0000,
                                       0xFFFF_FFFF_FFFF_FFFE, .max, 0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF]

    static func value(_ g: inout SplitMix64) -> UInt64 {
        switch Int.random(in: 0..<4, using: &g) {
        case 0, 1: return edgeValues.randomElement(using: &g)!
        case 2: return UInt64.random(in: 0..<16, using: &g) | (Bool.random(using: &g) ? 0xFFFF_FFFF_0000_0000 : 0)
        default: return g.next()
        }
    }

    static func policy(_ g: inout SplitMix64, table: SyscallTable = table, ruleCount: ClosedRange<Int> = 0...14) -> Policy {
        var archs = Arch.allCases.filter { _ in Int.random(in: 0..<10, using: &g) < 6 }
        archs.shuffle(using: &g)
        if archs.isEmpty { archs = [.x86_64] }  // the compiler refuses a policy without architectures
        let names = table.definitions.map(\.name)
        var rules: [Rule] = []
        for _ in 0..<Int.random(in: ruleCount, using: &g) {
            let name = Int.random(in: 0..<30, using: &g) == 0 ? "not_a_syscall" : names.randomElement(using: &g)!
            let conditions = (0..<[0, 0, 1, 1, 1, 2, 3].randomElement(using: &g)!).map { _ in
                let op = CompareOp.allCases.randomElement(using: &g)!
                return Condition(index: Int.random(in: 0..<3, using: &g), op: op, value: value(&g),
                                 valueTwo: op == .maskedEq ? value(&g) : 0,
                                 width: Bool.random(using: &g) ? .bits32 : .bits64)
            }
            rules.append(Rule(syscall: name, action: actions.randomElement(using: &g)!, conditions: conditions))
        }
        return Policy(defaultAction: actions.randomElement(using: &g)!, architectures: archs,
                      badArchAction: actions.randomElement(using: &g)!, rules: rules)
    }

    /// What `call` draws from, computed once per policy.
    struct CallContext {
        var named: [Arch: [Int32]] = [:]
        var all: [Arch: [Int32]] = [:]
        var constants: [UInt64] = []

        init(_ p: Policy, table: SyscallTable) {
            for arch in Arch.allCases {
                named[arch] = p.rules.compactMap { table.number(of: $0.syscall, arch: arch) }
                all[arch] = table.definitions.compactMap { $0.numbers[arch] }.sorted()
            }
            constants = p.rules.flatMap(\.conditions).flatMap { [$0.value, $0.valueTwo] }
        }
    }

    /// A call: mostly to syscalls with rules, with argument values near the rules' constants.
    static func call(for p: Policy, _ g: inout SplitMix64, table: SyscallTable = table) -> SeccompData {
        call(CallContext(p, table: table), &g)
    }

    static func call(_ context: CallContext, _ g: inout SplitMix64) -> SeccompData {
        let foreign: [UInt32] = [0x4000_0028, 0xC000_00F3, 0x1234_5678]
        let arch = Arch.allCases.randomElement(using: &g)!
        let auditArch = Int.random(in: 0..<12, using: &g) == 0 ? foreign.randomElement(using: &g)! : arch.auditArch
        var nr: Int32
        let named = context.named[arch] ?? []
        switch Int.random(in: 0..<10, using: &g) {
        case 0...5 where !named.isEmpty: nr = named.randomElement(using: &g)!
        case 0...6: nr = context.all[arch]?.randomElement(using: &g) ?? 0
        case 7: nr = Int32(bitPattern: UInt32.random(in: 0..<100, using: &g) | 0x4000_0000)
        case 8: nr = [Int32(-1), Int32.min, Int32.max, 0x3FFF_FFFF, Int32(bitPattern: 0xBFFF_FFFF)].randomElement(using: &g)!
        default: nr = Int32.random(in: 0..<120, using: &g)
        }
        let constants = context.constants
        let args = (0..<6).map { _ -> UInt64 in
            if let c = constants.randomElement(using: &g), Int.random(in: 0..<3, using: &g) > 0 {
                let v = [c, c &+ 1, c &- 1, c | 0xFFFF_FFFF_0000_0000, c & 0xFFFF_FFFF, c ^ 0x1_0000_0000,
                         ~c, c & (g.next())].randomElement(using: &g)!
                return v
            }
            return value(&g)
        }
        return SeccompData(nr: nr, arch: auditArch, args: args)
    }

    /// A test-side statement of when an outcome cannot depend on the arguments: no rule, or an
    /// unconditional rule at least as restrictive as every rule of the syscall.
    static func argumentIndependent(_ p: Policy, name: String, on arch: Arch? = nil) -> Bool {
        let rules = arch.map { p.rules(for: name, on: $0) } ?? p.rules(for: name)
        if rules.isEmpty { return true }
        return rules.contains { r in
            r.conditions.isEmpty && rules.allSatisfy { $0.action == r.action || r.action.isMoreRestrictive(than: $0.action) }
        }
    }
}
