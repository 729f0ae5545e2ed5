import Glibc
import PolicyModel
import Testing
@testable import TUI

/// The pure conversion from decisions to a `Policy`, judged by `Policy.decide`.
@Suite struct PolicyBuilderTests {
    let read = TUIFixtures.readNr
    let write = TUIFixtures.writeNr

    @Test("every seen call starts allowed; verdicts become actions; the unseen get the default action")
    func verdicts() {
        var d = Decisions()
        let stats = TUIFixtures.stats()
        let suggested = PolicyBuilder.policy(stats: stats, decisions: d)
        // Made by PolicyMaker: the implicit syscalls are allowed too, in name order.
        #expect(suggested.rules == ["exit", "exit_group", "read", "restart_syscall", "rt_sigreturn", "write"]
            .map { Rule(syscall: $0, action: .allow) })
        d.bySyscall["write"] = SyscallDecision(verdict: .kill)
        d.bySyscall["read"] = SyscallDecision(verdict: .deny(errno: UInt16(EACCES)))
        d.defaultAction = .log
        let p = PolicyBuilder.policy(stats: stats, decisions: d)
        #expect(p.decide(SeccompData(nr: read, arch: .host)) == .errno(UInt16(EACCES)))
        #expect(p.decide(SeccompData(nr: write, arch: .host)) == .killProcess)
        #expect(p.decide(SeccompData(nr: 9999, arch: .host)) == .log)
        #expect(p.architectures == [.host])
    }

    @Test("a loaded policy is extended: its rules for unseen syscalls, its architectures and flags are kept")
    func extendsBasePolicy() throws {
        let openat = try #require(SyscallTable.shared.number(of: "openat", arch: .host))
        let base = Policy(defaultAction: .errno(1), architectures: [.i386, .host], badArchAction: .killThread, rules: [
            Rule(syscall: "openat", action: .allow),
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 1, width: .bits32)]),
        ], flags: [.log])
        var d = Decisions()
        d.defaultAction = .errno(1)
        d.bySyscall["write"] = SyscallDecision(verdict: .deny(errno: UInt16(EACCES)))
        let p = PolicyBuilder.policy(stats: TUIFixtures.stats(), decisions: d, base: base)
        #expect(p.decide(SeccompData(nr: openat, arch: .host)) == .allow)  // kept from the base
        #expect(p.decide(SeccompData(nr: write, arch: .host, args: [1])) == .errno(UInt16(EACCES)))  // decided here
        #expect(p.decide(SeccompData(nr: read, arch: .host)) == .allow)  // seen here, suggested allow
        #expect(p.architectures == [.i386, .host])
        #expect(p.badArchAction == .killThread)
        #expect(p.flags == [.log])
    }

    @Test("numbers the table does not know are left out of the policy")
    func unknownNumbers() {
        let p = PolicyBuilder.policy(stats: TUIFixtures.stats(extra: 3), decisions: Decisions())
        #expect(p.syscallNames.filter { PolicyMaker.implicitSyscall(named: $0) == nil } == ["read", "write"])
    }

    @Test("value rules on two arguments make every combination (AND within, OR across)")
    func combinations() {
        let d = SyscallDecision(verdict: .allow, argRules: [0: .values([1, 2]), 2: .values([12])])
        let rules = PolicyBuilder.rules(for: "write", decision: d)
        #expect(rules.count == 2)
        let p = Policy(defaultAction: .errno(1), rules: rules)
        #expect(p.decide(SeccompData(nr: write, arch: .host, args: [2, 0, 12])) == .allow)
        #expect(p.decide(SeccompData(nr: write, arch: .host, args: [2, 0, 13])) == .errno(1))
        #expect(p.decide(SeccompData(nr: write, arch: .host, args: [3, 0, 12])) == .errno(1))
        // fd is an unsigned int: compared on its low 32 bits.
        #expect(p.decide(SeccompData(nr: write, arch: .host, args: [0xFFFF_FFFF_0000_0001, 0, 12])) == .allow)
        #expect(rules.allSatisfy { $0.conditions.first?.width == .bits32 })
    }

    @Test("deny and kill ignore argument rules: the call is refused whatever its arguments")
    func denyIgnoresArgs() {
        let d = SyscallDecision(verdict: .deny(errno: 1), argRules: [0: .values([1])])
        #expect(PolicyBuilder.rules(for: "write", decision: d) == [Rule(syscall: "write", action: .errno(1))])
    }

    @Test("rule text names arguments and writes actions as the text policy does")
    func ruleText() {
        let allow = PolicyBuilder.rules(for: "write", decision: SyscallDecision(verdict: .allow, argRules: [0: .values([1, 2])]))
        #expect(RuleText.line(for: "write", rules: allow) == "write: fd == 1 || fd == 2")
        let mask = PolicyBuilder.rules(for: "read", decision: SyscallDecision(verdict: .log, argRules: [0: .maskZero(0xFFFF_FFF8)]))
        #expect(RuleText.line(for: "read", rules: mask) == "read: log if fd & 0xfffffff8 == 0")
        #expect(RuleText.line(for: "read", rules: [Rule(syscall: "read", action: .errno(UInt16(EPERM)))]) == "read: errno EPERM")
        let p = PolicyBuilder.policy(stats: TUIFixtures.stats(), decisions: Decisions())
        #expect(RuleText.lines(for: p) == ["@default errno EPERM", "@arch x86_64", "exit: allow", "exit_group: allow",
                                           "read: allow", "restart_syscall: allow", "rt_sigreturn: allow", "write: allow"])
    }
}

/// Values chosen for several arguments multiply into rules; beyond what one syscall may have,
/// the choice is refused with a message, never cut short in the policy.
@Suite struct RuleLimitTests {
    /// `read` seen with `n` different fds, each with its own count: n values in arguments 0 and 2.
    static func state(_ n: Int) -> TUIState {
        var events: [SyscallEvent] = []
        for i in 0..<n { events.append(TUIFixtures.event(TUIFixtures.readNr, [UInt64(i), 0x7ffd_0000, UInt64(100 + i)])) }
        var stats = LiveStats()
        stats.fold(events)
        var s = TUIState(width: 120, height: 40, title: "t", pid: 1, status: .running, outputPath: nil, loadedPolicy: nil)
        s = reduce(s, .update(stats, rate: 0))
        return reduce(s, .switchPane)
    }

    /// Selects the first `perArgument` values of arguments 0 and 2, then presses Enter.
    static func choose(_ s: TUIState, perArgument: Int) -> TUIState {
        var s = s
        for (i, v) in s.detailValues.enumerated() {
            s.detailCursor = i
            let taken = s.selectedValues.filter { $0.argument == v.argument }.count
            if taken < perArgument { s = reduce(s, .toggleValue) }
        }
        #expect(s.selectedValues.count == 2 * perArgument)
        return reduce(s, .addCondition)
    }

    @Test("16 x 16 values make 256 rules, all in the policy; 17 x 17 are refused and nothing changes")
    func limit() throws {
        let fits = Self.choose(Self.state(17), perArgument: 16)
        let decision = fits.decisions.decision(for: "read")
        #expect(PolicyBuilder.ruleCount(for: decision) == 256)
        #expect(PolicyBuilder.rules(for: "read", decision: decision).count == 256)
        #expect(fits.message?.contains("rules, more than") == false, "\(fits.message ?? "")")
        #expect(fits.message?.hasSuffix("refuses 1 of 17 read calls seen (R lists them)") == true, "\(fits.message ?? "")")
        let policy = fits.policy
        #expect(policy.decide(SeccompData(nr: TUIFixtures.readNr, arch: .host, args: [15, 0, 100])) == .allow)
        #expect(policy.decide(SeccompData(nr: TUIFixtures.readNr, arch: .host, args: [0, 0, 115])) == .allow)
        #expect(policy.decide(SeccompData(nr: TUIFixtures.readNr, arch: .host, args: [16, 0, 100])) != .allow)

        let before = Self.state(17)
        let refused = Self.choose(before, perArgument: 17)
        #expect(refused.decisions == before.decisions && refused.undoStack.isEmpty)
        #expect(refused.messageIsError)
        #expect(refused.message == "read: these values make 289 rules, more than the 256 one syscall may have; choose fewer values")
        #expect(refused.selectedValues.count == 34)  // kept, to be narrowed
        // The next key clears the message and its warning colour.
        let next = reduce(refused, .key(.char("j")))
        #expect(next.message == nil && !next.messageIsError)
    }

    @Test("the count multiplies listed values; a mask counts once; a verdict without conditions is one rule")
    func counting() {
        var d = SyscallDecision(verdict: .allow)
        #expect(PolicyBuilder.ruleCount(for: d) == 1)
        d.argRules = [0: .values([1, 2, 3]), 1: .maskZero(0xff), 2: .values([4, 5])]
        #expect(PolicyBuilder.ruleCount(for: d) == 6)
        d.verdict = .kill
        #expect(PolicyBuilder.ruleCount(for: d) == 1)
    }
}
