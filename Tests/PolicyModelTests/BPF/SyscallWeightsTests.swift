import Testing
@testable import PolicyModel

@Suite struct SyscallWeightsTests {
    @Test("minijail frequency files parse; counts add up; comments and blank lines are skipped")
    func parses() throws {
        let w = try SyscallWeights.parseFrequency("# strace mix\nread: 10\n\nwrite:5 # stdout\nread: 2\n")
        #expect(w.counts == [.host: ["read": 12, "write": 5]])
    }

    @Test("CR LF lines, tabs and Unicode spaces around the fields; a syscall of another architecture counts")
    func lineEndsAndSpaces() throws {
        let text = "read: 1\r\n\twrite\u{00A0}:\u{2003}7\t\r\n\u{3000}# only a comment\r\nread :2"
        let w = try SyscallWeights.parseFrequency(text)
        #expect(w.counts == [.host: ["read": 3, "write": 7]])
        let other = try #require(SyscallTable.shared.otherArchitectureNames.sorted().first)
        #expect(try SyscallWeights.parseFrequency("\(other): 4").counts == [.host: [other: 4]])
    }

    @Test("errors name the line and what was expected", arguments: [
        ("read: 1\nwrite 5\n", "line 2: expected `syscall: count`, found `write 5`"),
        ("read: 1\r\n  write 5 \u{2003} # five\r\n", "line 2: expected `syscall: count`, found `write 5`"),
        ("read: -1\n", "line 1: count `-1` is not a non-negative integer"),
        ("read: 18446744073709551616\n", "line 1: count `18446744073709551616` is not a non-negative integer"),
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

    @Test("weights from a profile count syscalls per architecture and argument values")
    func fromProfile() {
        var profile = Profile()
        let futex = SyscallTable.shared.number(of: "futex", arch: .x86_64)!
        for op: UInt64 in [128, 128, 129, 0xFFFF_FFFF_0000_0080] {
            profile.add(SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: futex, args: [0x1000, op, 1]))
        }
        let w = SyscallWeights(profile: profile)
        #expect(w.counts == [.x86_64: ["futex": 4]])
        #expect(w.valueCounts(of: "futex", argument: 1, on: .x86_64) == [128: 3, 129: 1])
        #expect(w.weight(of: "futex", on: .x86_64) > w.weight(of: "read", on: .x86_64))
    }

    @Test("hot argument values are tested first, and the filter keeps its meaning")
    func hotValuesFirst() throws {
        let values: [UInt64] = [0, 1, 3, 4, 5, 9, 10, 128, 129, 131, 132, 133, 137, 138, 393, 394]
        let rules = values.map { Rule(syscall: "futex", action: .allow,
                                      conditions: [Condition(index: 1, op: .eq, value: $0, width: .bits32)]) }
        let p = Policy(defaultAction: .errno(1), architectures: [.x86_64], rules: rules)
        var weights = SyscallWeights(counts: ["futex": 100])
        weights.valueCounts = [.x86_64: ["futex": [1: [394: 90, 0: 5, 7: 5]]]]
        let plain = try BPFCompiler.compile(p, weights: SyscallWeights(counts: ["futex": 100]))
        let weighted = try BPFCompiler.compile(p, weights: weights)
        let futex = SyscallTable.shared.number(of: "futex", arch: .x86_64)!
        let hot = SeccompData(nr: futex, arch: .x86_64, args: [0, 394])
        #expect(BPFEmulator.runValidated(weighted, on: hot).executed < BPFEmulator.runValidated(plain, on: hot).executed)
        #expect(BPFEmulator.runValidated(weighted, on: hot).executed == 7)  // arch, jeq, nr, jeq, arg, jeq 394, ret
        for op in 0..<400 as Range<UInt64> {
            for high: UInt64 in [0, 0xFFFF_FFFF_0000_0000] {
                let data = SeccompData(nr: futex, arch: .x86_64, args: [0, op | high])
                #expect(BPFEmulator.runValidated(weighted, on: data).action == p.decide(data))
            }
        }
    }
}
