import Testing
@testable import PolicyModel

@Suite struct RefusalImpactTests {
    @Test("an argument rule's impact: refuses 67 of 101 newfstatat calls seen")
    func argumentRule() {
        var profile = Profile()
        let nr = SyscallTable.shared.number(of: "newfstatat", arch: .x86_64)!
        let ptrace = SyscallTable.shared.number(of: "ptrace", arch: .x86_64)!
        for i in 0..<101 {
            // 34 calls with AT_SYMLINK_NOFOLLOW (0x100), 67 with AT_EMPTY_PATH (0x1000).
            profile.add(SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: nr, args: [3, UInt64(i % 4), 0, i < 34 ? 0x100 : 0x1000]))
        }
        profile.add(SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: ptrace, args: [0, 0, 0, 0]))
        let policy = Policy(defaultAction: .errno(1), rules: [
            Rule(syscall: "newfstatat", action: .allow, conditions: [Condition(index: 3, op: .eq, value: 0x100, width: .bits32)]),
        ])
        let check = PolicyCheck(policy: policy, profile: profile)
        let impacts = check.impacts(profile: profile)
        #expect(impacts.map(\.sentence) == ["refuses 67 of 101 newfstatat calls seen", "refuses all 1 ptrace call seen"])
        #expect(impacts[0].actions == [.errno(1)])
    }
}

@Suite struct PolicyChangesTests {
    @Test("what changed since the save, in a header's words")
    func summary() {
        let saved = Policy(defaultAction: .errno(1), rules: [Rule(syscall: "read", action: .allow), Rule(syscall: "mkdir", action: .allow)])
        var now = saved
        #expect(PolicyChanges(saved: saved, current: now).summary == nil)
        now.rules += [Rule(syscall: "accept4", action: .allow), Rule(syscall: "poll", action: .allow), Rule(syscall: "socket", action: .allow)]
        #expect(PolicyChanges(saved: saved, current: now).summary == "+3 syscalls since save")
        now.rules[1] = Rule(syscall: "mkdir", action: .errno(1))
        #expect(PolicyChanges(saved: saved, current: now).summary == "+3 syscalls, 1 changed since save")
        now.defaultAction = .killProcess
        #expect(PolicyChanges(saved: saved, current: now).settingsChanged)
    }

    @Test("the impact of one syscall's rules on its recorded calls, with the refused calls")
    func impactOfOne() throws {
        var profile = Profile()
        let nr = SyscallTable.shared.number(of: "socket", arch: .x86_64)!
        for domain: UInt64 in [2, 2, 10, 1] { profile.add(SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: nr, args: [domain, 1, 0])) }
        let policy = Policy(defaultAction: .errno(1), rules: [
            Rule(syscall: "socket", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 2, width: .bits32)]),
        ])
        let sp = try #require(profile.syscall(named: "socket", arch: .x86_64))
        let (impact, calls) = try #require(RefusalImpact.of(sp, policy: policy))
        #expect(impact.sentence == "refuses 2 of 4 socket calls seen")
        #expect(Set(calls.compactMap { $0.arguments?.first }) == [10, 1])
        #expect(RefusalImpact.of(sp, policy: Policy(defaultAction: .allow)) == nil)
    }
}
