import Testing
@testable import PolicyModel

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

    @Test("the output is deterministic")
    func deterministic() throws {
        var g = SplitMix64(seed: 5)
        for _ in 0..<50 {
            let p = RandomFilterPolicies.policy(&g)
            #expect(try BPFCompiler.compile(p, table: RandomFilterPolicies.table) == BPFCompiler.compile(p, table: RandomFilterPolicies.table))
        }
    }
}
