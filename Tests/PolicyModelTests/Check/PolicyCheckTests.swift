import Testing
@testable import PolicyModel

@Suite struct PolicyCheckTests {
    static let policy = Policy(defaultAction: .errno(1), architectures: [.x86_64], rules: [
        Rule(syscall: "read", action: .allow),
        Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .le, value: 2, width: .bits32)]),
        Rule(syscall: "getppid", action: .log),
    ])

    static func event(_ name: String, _ args: [UInt64] = [], arch: Arch = .x86_64) -> SyscallEvent {
        SyscallEvent(pid: 1, tid: 1, arch: arch, nr: SyscallTable.shared.number(of: name, arch: arch)!, args: args)
    }

    @Test("refused syscalls and refused argument patterns are listed with counts, allowed ones are not")
    func findings() {
        var profile = Profile()
        for _ in 0..<5 { profile.add(Self.event("read", [0, 0x1000, 10])) }
        for _ in 0..<3 { profile.add(Self.event("write", [1, 0x2000, 4])) }
        for _ in 0..<2 { profile.add(Self.event("write", [5, 0x2000, 4])) }
        profile.add(Self.event("getpid"))
        profile.add(Self.event("getppid"))
        let check = PolicyCheck(policy: Self.policy, profile: profile)
        #expect(!check.passes)
        #expect(check.checkedCalls == 12)
        #expect(check.findings == [
            .init(arch: .x86_64, syscall: "write", arguments: [5, 0x2000, 4, 0, 0, 0], count: 2, action: .errno(1)),
            .init(arch: .x86_64, syscall: "getpid", arguments: nil, count: 1, action: .errno(1)),
        ])
        #expect(check.lines() == ["x86_64 write(0x5, 0x2000, 0x4): 2 calls, errno 1", "x86_64 getpid: 1 call, errno 1"])
    }

    @Test("calls from an architecture the policy does not list get the bad-arch action")
    func badArch() {
        var profile = Profile()
        profile.add(Self.event("read", arch: .i386))
        let check = PolicyCheck(policy: Self.policy, profile: profile)
        #expect(check.findings.map(\.action) == [.killProcess])
    }

    @Test("calls beyond the profile's bound on distinct calls are reported as unverified when arguments decide")
    func unverified() {
        var profile = Profile(limits: ProfileLimits(distinctCalls: 2))
        for fd in 0..<5 as Range<UInt64> { profile.add(Self.event("write", [fd % 3, 0, 1])) }
        for fd in 0..<5 as Range<UInt64> { profile.add(Self.event("read", [fd, 0, 1])) }
        let check = PolicyCheck(policy: Self.policy, profile: profile)
        #expect(check.findings.isEmpty)
        #expect(check.unverified == [.init(arch: .x86_64, syscall: "write", count: 1)])
        #expect(!check.passes)
    }

    @Test("a profile the policy fully allows passes")
    func passes() {
        var profile = Profile()
        profile.add(Self.event("read", [3, 0, 1]))
        profile.add(Self.event("write", [2, 0, 1]))
        #expect(PolicyCheck(policy: Self.policy, profile: profile).passes)
    }
}
