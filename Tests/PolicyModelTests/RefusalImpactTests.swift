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
