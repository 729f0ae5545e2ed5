import Testing
@testable import PolicyModel
import TestSupport

private func call(_ name: String, _ args: [UInt64], arch: Arch = .x86_64) -> SyscallEvent {
    let nr = SyscallTable.shared.number(of: name, arch: arch)!
    return SyscallEvent(pid: 1, tid: 1, arch: arch, nr: nr, args: args)
}

@Suite struct PolicyGenerationTests {
    @Test("every seen syscall is allowed, plus the implicit ones, and nothing else")
    func allowsSeen() {
        var p = Profile()
        p.add([call("read", [0, 0, 1]), call("openat", [0, 0, 0, 0]), call("socket", [2, 1, 0])])
        let r = PolicyGeneration.policy(from: [p])
        #expect(r.policy.defaultAction == .errno(1))
        #expect(r.policy.architectures == [.x86_64])
        #expect(r.policy.syscallNames == (["openat", "read", "socket"] + PolicyMaker.implicitNames.filter { $0 != "sigreturn" }).sorted())
        #expect(r.policy.rules.allSatisfy { $0.action == .allow && $0.conditions.isEmpty })
        #expect(r.policy.decide(SeccompData(nr: sysno("read", .x86_64), arch: .x86_64)) == .allow)
        #expect(r.policy.decide(SeccompData(nr: sysno("ptrace", .x86_64), arch: .x86_64)) == .errno(1))
    }

    @Test("safe argument rules allow exactly the values seen, compared on the argument's width")
    func safeRules() throws {
        var p = Profile()
        // AF_INET and AF_INET6; an int argument arriving sign-extended must still match.
        p.add([call("socket", [2, 1, 0]), call("socket", [10, 2, 0]), call("socket", [0xFFFF_FFFF_0000_0002, 1, 0]),
               call("ioctl", [1, 0x5401, 0x1234]), call("read", [3, 0, 1])])
        let r = PolicyGeneration.policy(from: [p], options: .init(argumentRules: .safe))
        let socket = r.policy.rules(for: "socket")
        #expect(socket.count == 2)
        #expect(Set(socket.map { $0.conditions.first!.value }) == [2, 10])
        #expect(socket.allSatisfy { $0.conditions.first!.width == .bits32 && $0.conditions.first!.index == 0 })
        let nr = SyscallTable.shared.number(of: "socket", arch: .x86_64)!
        #expect(r.policy.decide(SeccompData(nr: nr, arch: .x86_64, args: [2])) == .allow)
        #expect(r.policy.decide(SeccompData(nr: nr, arch: .x86_64, args: [0xFFFF_FFFF_0000_000A])) == .allow)
        #expect(r.policy.decide(SeccompData(nr: nr, arch: .x86_64, args: [16])) == .errno(1))
        #expect(r.policy.rules(for: "ioctl").map(\.conditions) == [[Condition(index: 1, op: .eq, value: 0x5401, width: .bits32)]])
        #expect(r.policy.rules(for: "read") == [Rule(syscall: "read", action: .allow)])
    }

    @Test("an argument with too many or uncountable values gets no condition")
    func tooManyValues() {
        var p = Profile()
        p.add((0..<40).map { call("ioctl", [1, UInt64(0x5400 + $0), 0]) })
        let r = PolicyGeneration.policy(from: [p], options: .init(argumentRules: .safe))
        #expect(r.policy.rules(for: "ioctl") == [Rule(syscall: "ioctl", action: .allow)])
        var q = Profile()
        q.add((0..<9).map { call("fcntl", [1, UInt64($0), 0]) })
        #expect(PolicyGeneration.policy(from: [q], options: .init(argumentRules: .safe)).policy.rules(for: "fcntl").count == 1)
    }

    @Test("profiles are merged first; unknown numbers are reported, not named")
    func mergedAndUnnamed() {
        var a = Profile(), b = Profile()
        a.add([call("socket", [2, 1, 0])])
        b.add([call("socket", [1, 1, 0]), SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: 4000, args: [])])
        b.add([call("read", [0, 0, 0], arch: .i386)])
        let r = PolicyGeneration.policy(from: [a, b], options: .init(argumentRules: .safe))
        #expect(Set(r.policy.rules(for: "socket").map { $0.conditions[0].value }) == [1, 2])
        #expect(r.unnamed == ["nr_4000 [x86_64]"])
        #expect(r.policy.architectures == [.x86_64, .i386])
    }

    @Test("a union of policies keeps every rule once and the most restrictive default")
    func union() {
        let a = Policy(defaultAction: .errno(1), architectures: [.x86_64], rules: [Rule(syscall: "read", action: .allow)])
        let b = Policy(defaultAction: .killProcess, architectures: [.i386],
                       rules: [Rule(syscall: "read", action: .allow), Rule(syscall: "write", action: .allow)])
        let (u, notes) = PolicyUnion.union([a, b])
        #expect(u.rules.filter { PolicyMaker.implicitSyscall(named: $0.syscall) == nil }
            == [Rule(syscall: "read", action: .allow), Rule(syscall: "write", action: .allow)])
        #expect(Set(u.syscallNames) == Set(PolicyMaker.implicitNames + ["read", "write"]))
        #expect(u.defaultAction == .killProcess)
        #expect(u.architectures == [.x86_64, .i386])
        #expect(notes.count == 1)
    }
}
