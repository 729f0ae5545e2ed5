import Glibc
import PolicyModel
import Testing
@testable import TUI

/// Issue 13 in the reducer: nothing unsaved is called saved; a decision's impact on the calls
/// seen is said at once, flagged and listed; implicit syscalls are rows of their own.
@Suite struct UnsavedImpactTests {
    typealias F = TUIFixtures

    /// The state after a save of what it shows (the event loop's answer to the save effect).
    func saved(_ s: TUIState) -> TUIState {
        let after = F.press(s, [.char("s")])
        guard case .save(let path, let format, let policy)? = after.effects.first else {
            Issue.record("s did not ask for a save: \(after.effects)")
            return after
        }
        return reduce(after, .saved(path: path, format: format, policy: policy))
    }

    @Test("after a save, a new syscall seen makes the session unsaved: the header counts it, q asks")
    func newSyscallAfterSave() throws {
        var s = saved(F.state(output: "/tmp/seccomp-tui-unsaved-test.json"))
        #expect(!s.hasUnsavedChanges)
        #expect(s.unsavedSummary == nil)
        #expect(F.press(s, [.char("q")]).shouldQuit)

        // Three new syscalls arrive after the save.
        var stats = s.stats
        let names = ["accept4", "poll", "socket"]
        stats.fold(names.map { F.event(SyscallTable.shared.number(of: $0, arch: .host)!, [3, 0, 0]) })
        s = reduce(s, .update(stats, rate: 0))
        #expect(s.hasUnsavedChanges)
        #expect(s.unsavedSummary == "unsaved: +3 syscalls since save")
        let screen = Screen.render(s).text
        #expect(screen.contains("unsaved: +3 syscalls since save"), "\(screen)")
        let quitting = F.press(s, [.char("q")])
        #expect(!quitting.shouldQuit)
        #expect(quitting.prompt == .confirmQuit)

        // Saved again: the file holds what is on screen.
        s = saved(s)
        #expect(!s.hasUnsavedChanges)
        // A decision changes what s would write.
        s = F.press(s, [.char("d")])
        #expect(s.unsavedSummary == "unsaved: 1 changed since save")
    }

    @Test("an argument rule that refuses seen calls says so at once, flags the row and lists the calls")
    func impactOfArgumentRule() throws {
        // read: fd 0 ×60, 3 ×30, 7 ×10. Enter on fd 0 allows read only with fd 0: 40 of 100 refused.
        var s = F.state(width: 160, height: 40)
        s = F.press(s, [.enter])
        #expect(s.pane == .detail)
        let read = try #require(s.selectedRow)
        #expect(read.name == "read")
        s = F.press(s, [.enter])
        #expect(s.decisions.decision(for: "read").argRules == [0: .values([0])])
        #expect(s.message?.contains("refuses 40 of 100 read calls seen") == true, "\(s.message ?? "")")
        #expect(s.messageIsError)
        #expect(s.isRefused(read), "the row is flagged")
        let (impact, calls) = try #require(s.impact(of: read))
        #expect(impact.refused == 40 && impact.seen == 100)
        #expect(Set(calls.compactMap { $0.arguments?.first }) == [3, 7])

        s = F.press(s, [.char("R")])
        #expect(s.showRefused)
        let screen = Screen.render(s).text
        #expect(screen.contains("read: refuses 40 of 100 read calls seen"), "\(screen)")
        #expect(screen.contains("×30 read(fd=3"), "\(screen)")

        // Allowing it again whatever the arguments: nothing refused, no flag.
        s = F.press(s, [.char("R"), .char("c")])
        #expect(s.decisions.decision(for: "read").argRules.isEmpty)
        #expect(s.impact(of: read) == nil)
        #expect(!s.isRefused(read))
    }

    @Test("implicit syscalls are rows with a reason; denying one warns of the consequence; the saved policy has them")
    func implicitRows() throws {
        var s = F.state()
        let implicit = s.visibleRows.filter { $0.count == 0 }.map(\.name).sorted()
        #expect(implicit == ["exit", "exit_group", "restart_syscall", "rt_sigreturn"])
        #expect(s.policy.rules(for: "exit_group") == [Rule(syscall: "exit_group", action: .allow)])
        let screen = Screen.render(F.state(width: 120, height: 40)).text
        #expect(screen.contains("implicit"), "\(screen)")

        // Select exit_group and deny it: a warning names the consequence; the rule is explicit.
        s = F.press(s, [.char("/")])
        s = F.type(s, "exit_group")
        s = F.press(s, [.enter])
        #expect(s.selectedRow?.name == "exit_group")
        s = F.press(s, [.char("d")])
        #expect(s.message?.contains("warning: the program crashes at exit") == true, "\(s.message ?? "")")
        #expect(s.policy.rules(for: "exit_group") == [Rule(syscall: "exit_group", action: .errno(UInt16(EPERM)))])
        #expect(s.policy.rules(for: "exit") == [Rule(syscall: "exit", action: .allow)])
    }
}
