import Testing
@testable import PolicyModel

@Suite struct SyscallWeightsTests {
    @Test("minijail frequency files parse; counts add up; comments and blank lines are skipped")
    func parses() throws {
        let w = try SyscallWeights.parseFrequency("# strace mix\nread: 10\n\nwrite:5 # stdout\nread: 2\n")
        #expect(w.counts == ["read": 12, "write": 5])
    }

    @Test("errors name the line and what was expected", arguments: [
        ("read: 1\nwrite 5\n", "line 2: expected `syscall: count`"),
        ("read: x\n", "line 1: count `x` is not a non-negative integer"),
        ("\n\nraed: 3\n", "line 3: unknown syscall `raed` (did you mean read"),
        (": 3\n", "line 1: missing syscall name"),
    ])
    func errors(text: String, message: String) {
        #expect {
            _ = try SyscallWeights.parseFrequency(text)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test("a hot syscall with argument rules gets a shorter path when weighted")
    func weightingShortensHotPaths() throws {
        let table = RandomFilterPolicies.table
        let names = table.definitions(for: .x86_64).map(\.name)
        let rules = names.map { Rule(syscall: $0, action: .allow, conditions: [Condition(index: 0, op: .eq, value: 1, width: .bits32)]) }
        let p = Policy(defaultAction: .errno(1), architectures: [.x86_64], rules: rules)
        let hot = names[names.count / 2]
        let nr = table.number(of: hot, arch: .x86_64)!
        let data = SeccompData(nr: nr, arch: .x86_64, args: [1])
        let uniform = try BPFCompiler.compile(p, table: table)
        let weighted = try BPFCompiler.compile(p, table: table, weights: SyscallWeights(counts: [hot: 1000]))
        let before = BPFEmulator.runValidated(uniform, on: data)
        let after = BPFEmulator.runValidated(weighted, on: data)
        #expect(before.action == .allow && after.action == .allow)
        #expect(after.executed < before.executed)
        #expect(after.executed <= 7)  // arch, jeq, nr, jeq hot, arg, jeq, ret
    }
}
