import PolicyModel
import Testing
import TestSupport

/// Ask mode's policies: the installed filter, the supervised set and the saved policy.
struct AskPolicyTests {
    let table = SyscallTable.shared

    func data(_ name: String, _ args: [UInt64] = [], arch: Arch = .x86_64) -> SeccompData {
        SeccompData(nr: table.number(of: name, arch: arch)!, arch: arch, args: args)
    }

    @Test("the ask filter notifies exactly the undecided calls and keeps every rule's action")
    func installedFilter() throws {
        let policy = Policy(defaultAction: .errno(1), badArchAction: .killProcess, rules: [
            Rule(syscall: "read", action: .allow),
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 1, width: .bits32)]),
            Rule(syscall: "ptrace", action: .errno(13)),
            Rule(syscall: "execve", action: .allow),
        ])
        let asking = policy.askingUndecided()
        let program = try BPFCompiler.compile(asking)
        func action(_ d: SeccompData) throws -> Action { try BPFEmulator.run(program, on: d).action }
        #expect(try action(data("read")) == .allow)
        #expect(try action(data("write", [1])) == .allow)
        #expect(try action(data("write", [2])) == .userNotif, "the condition does not hold: undecided")
        #expect(try action(data("ptrace")) == .errno(13))
        #expect(try action(data("getppid")) == .userNotif)
        #expect(try action(data("execve")) == .userNotif, "the supervisor answers exec itself")
        #expect(try action(data("exit_group")) == .allow, "implicit calls never ask")
        #expect(try action(data("rt_sigreturn")) == .allow)
        #expect(try action(SeccompData(nr: sysno("read", .i386), arch: Arch.i386.auditArch)) == .killProcess, "bad architecture")
        // The supervisor applies the policy's own decision to the exec.
        #expect(policy.ruleDecision(data("execve")) == .allow)
        #expect(policy.ruleDecision(data("write", [2])) == nil)
        #expect(policy.ruleDecision(data("ptrace")) == .errno(13))
    }

    @Test("a policy's rule for an implicit call is kept, and a refusing exec rule stays refusing")
    func implicitAndExecRules() {
        let policy = Policy(defaultAction: .allow, rules: [
            Rule(syscall: "exit", action: .errno(1)),
            Rule(syscall: "execve", action: .errno(1)),
        ])
        let asking = policy.askingUndecided()
        #expect(asking.defaultAction == .userNotif)
        #expect(asking.rules(for: "exit") == [Rule(syscall: "exit", action: .errno(1))])
        #expect(asking.rules(for: "execve") == [Rule(syscall: "execve", action: .errno(1))])
        #expect(asking.rules(for: "exit_group") == [Rule(syscall: "exit_group", action: .allow)])
    }

    @Test("answered rules decide the calls they cover, the most restrictive first; nothing else")
    func supervisedSet() {
        var rules = AskRules()
        #expect(rules.decision(for: data("openat"), architectures: [.x86_64]) == nil)
        rules.add(Rule(syscall: "openat", action: .allow))
        rules.add(Rule(syscall: "openat", action: .allow))
        #expect(rules.rules.count == 1)
        rules.add(Rule(syscall: "socket", action: .errno(97), conditions: [Condition(index: 0, op: .eq, value: 10, width: .bits32)]))
        rules.add(Rule(syscall: "socket", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 2, width: .bits32)]))
        #expect(rules.decision(for: data("openat"), architectures: [.x86_64]) == .allow)
        #expect(rules.decision(for: data("socket", [10]), architectures: [.x86_64]) == .errno(97))
        #expect(rules.decision(for: data("socket", [2]), architectures: [.x86_64]) == .allow)
        #expect(rules.decision(for: data("socket", [1]), architectures: [.x86_64]) == nil)
        #expect(rules.decision(for: data("getpid"), architectures: [.x86_64]) == nil)
        rules.add(Rule(syscall: "openat", action: .killProcess))
        #expect(rules.decision(for: data("openat"), architectures: [.x86_64]) == .killProcess)
    }

    @Test("the saved policy is the given one with the answers, the command's exec and the implicit calls")
    func savedPolicy() {
        var rules = AskRules()
        rules.add(Rule(syscall: "getppid", action: .errno(13)))
        rules.add(Rule(syscall: "read", action: .allow))
        let none = rules.savedPolicy(base: nil, launchedExec: true)
        #expect(none.defaultAction == .errno(1))
        #expect(none.rules(for: "getppid") == [Rule(syscall: "getppid", action: .errno(13))])
        #expect(none.rules(for: "execve") == [Rule(syscall: "execve", action: .allow)])
        for name in PolicyMaker.implicitSyscalls(on: [.host]).map(\.name) {
            #expect(none.rules(for: name) == [Rule(syscall: name, action: .allow)])
        }
        let base = Policy(defaultAction: .killProcess, architectures: [.x86_64, .i386],
                          rules: [Rule(syscall: "execve", action: .errno(1))], flags: [.log])
        let extended = rules.savedPolicy(base: base, launchedExec: true)
        #expect(extended.defaultAction == .killProcess && extended.architectures == [.x86_64, .i386] && extended.flags == [.log])
        #expect(extended.rules(for: "execve") == [Rule(syscall: "execve", action: .errno(1))], "the policy's exec rule is kept")
        let deniedOnly = AskRules(rules: [Rule(syscall: "getppid", action: .errno(13))])
            .savedPolicy(base: Policy(defaultAction: .errno(1)), launchedExec: false)
        #expect(deniedOnly.rules == [Rule(syscall: "getppid", action: .errno(13))], "a policy that allows nothing gets no implicit rules")
    }
}
