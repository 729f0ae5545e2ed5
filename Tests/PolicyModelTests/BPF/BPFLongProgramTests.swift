import Testing
@testable import PolicyModel
import TestSupport

@Suite struct BPFLongProgramTests {
    /// Many argument rules on many syscalls: jumps longer than 255 instructions.
    static func bigPolicy(rulesPerSyscall: Int, seed: UInt64) -> Policy {
        var g = SplitMix64(seed: seed)
        var rules: [Rule] = []
        for d in RandomFilterPolicies.table.definitions {
            for _ in 0..<rulesPerSyscall {
                let op = CompareOp.allCases.randomElement(using: &g)!
                rules.append(Rule(syscall: d.name, action: RandomFilterPolicies.actions.randomElement(using: &g)!, conditions: [
                    Condition(index: Int.random(in: 0..<6, using: &g), op: op, value: RandomFilterPolicies.value(&g),
                              valueTwo: RandomFilterPolicies.value(&g), width: .bits64),
                    Condition(index: Int.random(in: 0..<6, using: &g), op: .ne, value: RandomFilterPolicies.value(&g), width: .bits32),
                ]))
            }
        }
        return Policy(defaultAction: .errno(1), architectures: [.x86_64, .i386, .aarch64, .x32],
                      badArchAction: .killProcess, rules: rules)
    }

    @Test("jumps beyond 255 instructions go through trampolines and keep the meaning")
    func trampolines() throws {
        let p = Self.bigPolicy(rulesPerSyscall: 6, seed: 3)
        let program = try BPFCompiler.compile(p, table: RandomFilterPolicies.table)
        try BPFValidator.validate(program)
        #expect(program.count > 1000)
        #expect(program.contains { $0.code == BPF.jmp | BPF.ja })
        var g = SplitMix64(seed: 4)
        let context = RandomFilterPolicies.CallContext(p, table: RandomFilterPolicies.table)
        for _ in 0..<5_000 {
            let data = RandomFilterPolicies.call(context, &g)
            #expect(BPFEmulator.runValidated(program, on: data).action == p.decide(data, table: RandomFilterPolicies.table))
        }
        CacheExpectations.check(program, policy: p, table: RandomFilterPolicies.table)
    }

    @Test("a policy above 4096 instructions is refused with a clear error")
    func tooLong() {
        let p = Self.bigPolicy(rulesPerSyscall: 30, seed: 8)
        #expect {
            _ = try BPFCompiler.compile(p, table: RandomFilterPolicies.table)
        } throws: { error in
            "\(error)".contains("more than the kernel's limit of 4096")
        }
    }
}
