import Testing
@testable import PolicyModel
import TestSupport

@Suite struct BPFEquivalenceTests {
    @Test("the emulated compiled filter decides exactly as Policy.decide on random policies and calls")
    func randomEquivalence() throws {
        var g = SplitMix64(seed: 2026)
        let table = RandomFilterPolicies.table
        var calls = 0
        for _ in 0..<2000 {
            let p = RandomFilterPolicies.policy(&g)
            let program = try BPFCompiler.compile(p, table: table)
            try BPFValidator.validate(program)
            let context = RandomFilterPolicies.CallContext(p, table: table)
            for _ in 0..<50 {
                let data = RandomFilterPolicies.call(context, &g)
                let run = BPFEmulator.runValidated(program, on: data)
                let expected = p.decide(data, table: table)
                if run.action != expected {
                    Issue.record("policy \(p)\ncall \(data): filter says \(run.action), decide says \(expected)")
                    return
                }
                calls += 1
            }
        }
        #expect(calls == 100_000)
    }

    @Test("every syscall whose outcome is allow whatever its arguments is cacheable by the kernel")
    func cacheability() throws {
        var g = SplitMix64(seed: 11)
        for _ in 0..<300 {
            let p = RandomFilterPolicies.policy(&g)
            let program = try BPFCompiler.compile(p, table: RandomFilterPolicies.table)
            CacheExpectations.check(program, policy: p, table: RandomFilterPolicies.table)
        }
    }

    @Test("many == rules on one argument (searched as a value tree) decide as Policy.decide")
    func valueSets() throws {
        var g = SplitMix64(seed: 77)
        let table = RandomFilterPolicies.table
        let names = table.definitions.map(\.name)
        for _ in 0..<300 {
            var p = RandomFilterPolicies.policy(&g, ruleCount: 0...4)
            for _ in 0..<Int.random(in: 1...3, using: &g) {
                let name = names.randomElement(using: &g)!
                let index = Int.random(in: 0..<3, using: &g)
                for _ in 0..<Int.random(in: 1...3, using: &g) {
                    let action = RandomFilterPolicies.actions.randomElement(using: &g)!
                    for _ in 0..<Int.random(in: 4...24, using: &g) {
                        let v = UInt64.random(in: 0..<40, using: &g) | (Bool.random(using: &g) ? 0xFFFF_FFFF_0000_0000 : 0)
                        p.rules.append(Rule(syscall: name, action: action,
                                            conditions: [Condition(index: index, op: .eq, value: v, width: .bits32)]))
                    }
                }
            }
            // Half the time with random syscall and argument-value weights, as a profile gives.
            var weights = SyscallWeights.uniform
            if Bool.random(using: &g) {
                weights = SyscallWeights(counts: Dictionary(uniqueKeysWithValues: names.map { ($0, Double.random(in: 0..<100, using: &g)) }),
                                         arch: Arch.allCases.randomElement(using: &g)!)
                for arch in Arch.allCases {
                    for name in names.shuffled(using: &g).prefix(10) {
                        for i in 0..<3 {
                            weights.valueCounts[arch, default: [:]][name, default: [:]][i] = Dictionary(
                                (0..<8).map { _ in (UInt32.random(in: 0..<45, using: &g), Double.random(in: 0..<1000, using: &g)) },
                                uniquingKeysWith: +)
                        }
                    }
                }
            }
            let program = try BPFCompiler.compile(p, table: table, weights: weights)
            try BPFValidator.validate(program)
            CacheExpectations.check(program, policy: p, table: table)
            let context = RandomFilterPolicies.CallContext(p, table: table)
            for _ in 0..<100 {
                var data = RandomFilterPolicies.call(context, &g)
                if Bool.random(using: &g) {
                    data.args = data.args.map { _ in UInt64.random(in: 0..<45, using: &g) | (Bool.random(using: &g) ? 0xFFFF_FFFF_0000_0000 : 0) }
                }
                let got = BPFEmulator.runValidated(program, on: data).action
                let expected = p.decide(data, table: table)
                if got != expected {
                    Issue.record("policy \(p)\ncall \(data): filter says \(got), decide says \(expected)")
                    return
                }
            }
        }
    }

    @Test("alternatives that together cover every value of an argument make a constant, cacheable outcome")
    func complementaryConditions() throws {
        let table = RandomFilterPolicies.table
        let name = table.definitions(for: .x86_64)[0].name
        let nr = table.number(of: name, arch: .x86_64)!
        let covering: [[Condition]] = [
            [Condition(index: 0, op: .lt, value: 5), Condition(index: 0, op: .ge, value: 5)],
            [Condition(index: 1, op: .ne, value: 3, width: .bits32), Condition(index: 1, op: .eq, value: 3, width: .bits32)],
            [Condition(index: 2, op: .le, value: 9), Condition(index: 2, op: .gt, value: 4)],
        ]
        let notCovering: [[Condition]] = [
            [Condition(index: 0, op: .lt, value: 5), Condition(index: 0, op: .gt, value: 5)],
            [Condition(index: 0, op: .lt, value: 5), Condition(index: 1, op: .ge, value: 5)],
            [Condition(index: 0, op: .lt, value: 5, width: .bits32), Condition(index: 0, op: .ge, value: 5)],
        ]
        for (conditions, cached) in covering.map({ ($0, true) }) + notCovering.map({ ($0, false) }) {
            let p = Policy(defaultAction: .errno(1), architectures: [.x86_64],
                           rules: conditions.map { Rule(syscall: name, action: .allow, conditions: [$0]) })
            let program = try BPFCompiler.compile(p, table: table)
            #expect(BPFCacheEmulation.isConstantAllow(program, nr: nr, auditArch: Arch.x86_64.auditArch) == cached)
            var g = SplitMix64(seed: 3)
            let context = RandomFilterPolicies.CallContext(p, table: table)
            for _ in 0..<500 {
                var data = RandomFilterPolicies.call(context, &g)
                data.nr = nr
                data.arch = Arch.x86_64.auditArch
                #expect(BPFEmulator.runValidated(program, on: data).action == p.decide(data, table: table))
            }
        }
        // Random single-condition rules over a few values on one argument: often covering, often not.
        var g = SplitMix64(seed: 9)
        for _ in 0..<400 {
            let width: ArgWidth = Bool.random(using: &g) ? .bits32 : .bits64
            let values: [UInt64] = [0, 1, 2, 3, width.mask - 1, width.mask]
            let rules = (0..<Int.random(in: 1...4, using: &g)).map { _ in
                Rule(syscall: name, action: .allow, conditions: [Condition(
                    index: 0, op: [.eq, .ne, .lt, .le, .gt, .ge].randomElement(using: &g)!,
                    value: values.randomElement(using: &g)!, width: width)])
            }
            let p = Policy(defaultAction: .errno(1), architectures: [.x86_64], rules: rules)
            let program = try BPFCompiler.compile(p, table: table)
            CacheExpectations.check(program, policy: p, table: table)
            for v in values + [4, 5, width.mask - 2, 0x1_0000_0000, 0xFFFF_FFFF_0000_0002] {
                let data = SeccompData(nr: nr, arch: .x86_64, args: [v])
                #expect(BPFEmulator.runValidated(program, on: data).action == p.decide(data, table: table))
            }
        }
    }

    @Test("the output is deterministic")
    func deterministic() throws {
        var g = SplitMix64(seed: 5)
        for _ in 0..<50 {
            let p = RandomFilterPolicies.policy(&g)
            #expect(try BPFCompiler.compile(p, table: RandomFilterPolicies.table) == BPFCompiler.compile(p, table: RandomFilterPolicies.table))
        }
    }
}
