import Testing
@testable import PolicyModel
import TestSupport

@Suite struct PolicyMakerTests {
    let allowRead = [Rule(syscall: "read", action: .allow)]

    @Test("a policy that allows anything allows the implicit calls of its architectures, in name order")
    func addsImplicit() {
        let p = PolicyMaker.make(defaultAction: .errno(1), architectures: [.x86_64],
                                 rules: [Rule(syscall: "openat", action: .allow), Rule(syscall: "write", action: .allow)])
        #expect(p.syscallNames == ["exit", "exit_group", "openat", "restart_syscall", "rt_sigreturn", "write"])
        #expect(p.rules.map(\.syscall) == p.rules.map(\.syscall).sorted())
        for name in ["exit", "exit_group", "restart_syscall", "rt_sigreturn"] {
            let nr = SyscallTable.shared.number(of: name, arch: .x86_64)!
            #expect(p.decide(SeccompData(nr: nr, arch: .x86_64)) == .allow)
        }
        // sigreturn exists only on i386.
        #expect(!p.syscallNames.contains("sigreturn"))
        let i386 = PolicyMaker.make(defaultAction: .errno(1), architectures: [.x86_64, .i386], rules: allowRead)
        #expect(i386.decide(SeccompData(nr: sysno("sigreturn", .i386), arch: .i386)) == .allow)
    }

    @Test("an explicit rule on an implicit call is kept; nothing is added where nothing is allowed or the default allows")
    func explicitWins() {
        let denyExit = PolicyMaker.make(defaultAction: .errno(1), architectures: [.x86_64],
                                        rules: allowRead + [Rule(syscall: "exit_group", action: .killProcess)])
        #expect(denyExit.rules(for: "exit_group") == [Rule(syscall: "exit_group", action: .killProcess)])
        #expect(denyExit.rules(for: "exit") == [Rule(syscall: "exit", action: .allow)])

        let nothing = PolicyMaker.make(defaultAction: .killProcess, architectures: [.x86_64],
                                       rules: [Rule(syscall: "ptrace", action: .errno(1))])
        #expect(nothing.syscallNames == ["ptrace"])
        let permissive = PolicyMaker.make(defaultAction: .allow, architectures: [.x86_64],
                                          rules: [Rule(syscall: "ptrace", action: .errno(1))])
        #expect(permissive.syscallNames == ["ptrace"])
        // log lets calls run: a logging policy needs them too.
        let logging = PolicyMaker.make(defaultAction: .errno(1), architectures: [.aarch64],
                                       rules: [Rule(syscall: "read", action: .log)])
        #expect(logging.syscallNames == ["exit", "exit_group", "read", "restart_syscall", "rt_sigreturn"])
    }

    @Test("generate and merge go through the maker")
    func generateAndMerge() {
        var profile = Profile()
        profile.add([SyscallEvent(pid: 1, tid: 1, arch: .i386, nr: sysno("read", .i386), args: [0, 0, 0, 0, 0, 0])])
        let generated = PolicyGeneration.policy(from: [profile]).policy
        #expect(generated == PolicyMaker.make(from: generated))
        #expect(generated.syscallNames == ["exit", "exit_group", "read", "restart_syscall", "rt_sigreturn", "sigreturn"])
        let merged = PolicyUnion.union([Policy(defaultAction: .errno(1), rules: allowRead)]).policy
        #expect(Set(merged.syscallNames).isSuperset(of: ["exit", "exit_group", "restart_syscall", "rt_sigreturn"]))
    }

    @Test("every implicit call is in the syscall table and has a reason and a consequence")
    func table() {
        for s in PolicyMaker.implicitSyscalls {
            #expect(SyscallTable.shared.definition(named: s.name) != nil)
            #expect(!s.reason.isEmpty && !s.consequence.isEmpty)
        }
    }
}
