import Glibc
import PolicyModel
import Testing
@testable import TUI

/// `/` reaches every syscall of the table and every group, not only what was seen (issue 14,
/// point 3).
@Suite struct SearchUnseenTests {
    static func search(_ s: TUIState, _ text: String) -> TUIState {
        reduce(TUIFixtures.type(TUIFixtures.press(s, [.char("/")]), text), .key(.enter))
    }

    @Test("an unseen syscall gets a row, K kills on it, and the policy says so")
    func unseenKill() throws {
        var s = Self.search(TUIFixtures.state(), "ptrace")
        let row = try #require(s.selectedRow)
        #expect(row.name == "ptrace" && row.isUnseen && row.count == 0)
        #expect(s.message?.hasPrefix("ptrace: unseen") == true)
        #expect(Screen.render(s).text.contains("ptrace"))
        s = reduce(s, .key(.char("K")))
        #expect(s.decisions.decision(for: "ptrace").verdict == .kill)
        let nr = try #require(SyscallTable.shared.number(of: "ptrace", arch: .host))
        #expect(s.policy.decide(SeccompData(nr: nr, arch: .host)) == .killProcess)
        #expect(s.policy.rules(for: "ptrace") == [Rule(syscall: "ptrace", action: .killProcess)])
        #expect(Screen.render(s).text.contains("unseen, explicit rule"))
        let narrow = reduce(s, .resize(width: 120, height: 30))
        #expect(Screen.render(narrow).text.contains("ptrace"), "whole at 120 columns too")
        #expect(Screen.render(narrow).text.split(separator: "\n").contains { $0.contains("ptrace") && $0.contains("unseen, explicit rule") })
    }

    @Test("an unseen call without a rule stays at the default action and is not in the policy")
    func unseenUndecided() throws {
        let s = Self.search(TUIFixtures.state(width: 160, height: 40), "mkdirat")
        #expect(s.selectedRow?.name == "mkdirat")
        #expect(s.policy.rules(for: "mkdirat").isEmpty)
        let text = Screen.render(s).text
        #expect(text.contains("without a rule it gets the action for syscalls never"))
        #expect(text.contains("(errno EPERM)"))
        #expect(text.contains("· mkdirat") && text.contains("unseen"))
        #expect(s.visibleRows.filter { $0.implicitReason == nil }.map(\.name) == ["read", "write", "mkdirat"],
                "unseen rows sort after the seen ones")
    }

    @Test("an exact syscall name wins over a seen name that contains it; filters that hide it give way")
    func exactBeatsContains() {
        var s = TUIFixtures.state()
        s.decisionFilter = .allowed
        s = Self.search(s, "read")
        #expect(s.selectedRow?.name == "read")
        #expect(s.decisionFilter == .all, "read is undecided: the filter gives way")
        s = Self.search(s, "readv")
        #expect(s.selectedRow?.name == "readv" && s.selectedRow?.isUnseen == true)
    }

    @Test("a group name shows the group with its unseen members")
    func group() throws {
        var s = Self.search(TUIFixtures.state(), "@basic-io")
        #expect(s.groupFilter == "@basic-io")
        let members = try #require(SyscallGroups.members(of: "@basic-io"))
        let hostMembers = members.filter { SyscallTable.shared.number(of: $0, arch: .host) != nil }
        #expect(s.message == "showing @basic-io: 2 seen, \(members.count - 2) unseen")
        #expect(Set(s.visibleRows.map(\.name)) == Set(hostMembers))
        #expect(Array(s.visibleRows.prefix(2).map(\.name)) == ["read", "write"])
        s = Self.search(s, "network-io")
        #expect(s.groupFilter == "@network-io", "the @ may be left out")
    }

    @Test("a name that is no syscall says so with the closest names")
    func notASyscall() {
        let s = Self.search(TUIFixtures.state(), "ptrac")
        #expect(s.message == "'ptrac' is not a syscall or a group; closest: ptrace")
        #expect(s.messageIsError)
        let t = Self.search(TUIFixtures.state(), "mkdri")
        #expect(t.message?.hasPrefix("'mkdri' is not a syscall or a group; closest: mkdir") == true)
    }
}
