import Testing
@testable import PolicyModel

@Suite struct BPFEquivalenceTests {
    @Test("the emulated compiled filter decides exactly as Policy.decide on random policies and calls")
    func randomEquivalence() throws {
        var g = SplitMix(seed: 2026)
        let table = RandomPolicies.table
        var calls = 0
        for _ in 0..<2000 {
            let p = RandomPolicies.policy(&g)
            let program = try BPFCompiler.compile(p, table: table)
            try BPFValidator.validate(program)
            for _ in 0..<100 {
                let data = RandomPolicies.call(for: p, &g)
                let run = BPFEmulator.runValidated(program, on: data)
                let expected = p.decide(data, table: table)
                if run.action != expected {
                    Issue.record("policy \(p)\ncall \(data): filter says \(run.action), decide says \(expected)")
                    return
                }
                calls += 1
            }
        }
        #expect(calls == 200_000)
    }

    @Test("every syscall whose outcome is allow whatever its arguments is cacheable by the kernel")
    func cacheability() throws {
        var g = SplitMix(seed: 11)
        for _ in 0..<300 {
            let p = RandomPolicies.policy(&g)
            let program = try BPFCompiler.compile(p, table: RandomPolicies.table)
            CacheExpectations.check(program, policy: p, table: RandomPolicies.table)
        }
    }

    @Test("the output is deterministic")
    func deterministic() throws {
        var g = SplitMix(seed: 5)
        for _ in 0..<50 {
            let p = RandomPolicies.policy(&g)
            #expect(try BPFCompiler.compile(p, table: RandomPolicies.table) == BPFCompiler.compile(p, table: RandomPolicies.table))
        }
    }
}
