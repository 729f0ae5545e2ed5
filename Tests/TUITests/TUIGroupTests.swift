import Glibc
import PolicyModel
import Testing
@testable import TUI

/// Group filters and group-wide decisions, over the syscall groups table.
@Suite struct TUIGroupTests {
    @Test("read and write share @basic-io, which the group pickers offer")
    func seen() {
        let s = TUIFixtures.state()
        #expect(SyscallGroups.groups(of: "read").contains("@basic-io"))
        #expect(seenGroups(s).contains("@basic-io"))
        #expect(Set(seenGroups(s)) == Set(["read", "write"].flatMap { SyscallGroups.groups(of: $0) }))
    }

    @Test("F4 then a group shows only its members; the first entry shows every group again")
    func filter() throws {
        var s = TUIFixtures.state(extra: 5)
        let index = try #require(seenGroups(s).firstIndex(of: "@basic-io")) + 1
        s = TUIFixtures.press(s, [.function(4)] + Array(repeating: .down, count: index) + [.enter])
        #expect(s.groupFilter == "@basic-io")
        #expect(s.visibleRows.filter { !$0.isUnseen }.map(\.name) == ["read", "write"])
        #expect(s.visibleRows.contains { $0.name == "readv" && $0.isUnseen }, "unseen members are listed too")
        s = TUIFixtures.press(s, [.char("\\"), .home, .enter])
        #expect(s.groupFilter == nil)
        #expect(s.visibleRows.count == 7 + 4, "seen rows and the four implicit ones")
    }

    @Test("g decides for every seen call of a group: Enter allows, d denies, u makes them suggested again")
    func groupDecision() throws {
        let s0 = TUIFixtures.state(extra: 3)
        let index = try #require(seenGroups(s0).firstIndex(of: "@basic-io"))
        let open = TUIFixtures.press(s0, [.char("g")] + Array(repeating: .down, count: index))
        let allowed = reduce(open, .key(.enter))
        #expect(allowed.decisions.decision(for: "read").verdict == .allow)
        #expect(allowed.decisions.decision(for: "write").verdict == .allow)
        #expect(allowed.decisions.bySyscall.count == 2, "only the seen members; unknown numbers untouched")
        #expect(allowed.message == "@basic-io: 2 seen syscalls set to allow")
        let denied = reduce(open, .key(.char("d")))
        #expect(denied.policy.decide(SeccompData(nr: TUIFixtures.writeNr, arch: .host)) == .errno(UInt16(EPERM)))
        let back = TUIFixtures.press(denied, [.char("g")] + Array(repeating: .down, count: index) + [.char("u")])
        #expect(back.decisions.bySyscall.isEmpty)
        #expect(reduce(denied, .key(.char("z"))).decisions == Decisions(), "one undo takes back the whole group")
    }

    @Test("the header names how the trace ended")
    func status() {
        #expect(TraceStatus.ended(.exited(3)).description == "exited with code 3")
        #expect(TraceStatus.ended(.signaled(9)).description == "killed by signal 9 (SIGKILL)")
        let s = reduce(TUIFixtures.state(), .traceEnded(.ended(.signaled(11))))
        #expect(Screen.render(s).line(0).contains("[killed by signal 11 (SIGSEGV)]"))
    }
}
