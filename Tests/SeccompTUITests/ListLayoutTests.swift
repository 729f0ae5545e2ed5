import PolicyModel
import Testing
@testable import seccomp_tui

/// How the syscall list shares its width between name, count, bar and group.
@Suite struct ListLayoutTests {
    @Test("the list columns fill the list's width but its last cell, and show the group only when it is not cut short", arguments: [20, 30, 40, 48, 49, 54, 80, 100])
    func fills(_ width: Int) {
        let c = ListView.columns(width: width, maxCount: 123_456)
        var used = 2 + c.name + 1 + c.count
        if c.bar > 0 { used += 1 + c.bar }
        if c.group > 0 { used += 1 + c.group }
        #expect(used == width - 1)
        #expect(c.group == 0 || c.group >= ListView.minGroupWidth)
    }

    @Test("at 120 columns every group name shown in the list fits uncut, and names of 18 cells fit")
    func groupsFitAt120() {
        let s = TUIFixtures.state(width: 120, height: 40, extra: 30)
        let c = ListView.columns(width: s.leftWidth, maxCount: 1_000_000)
        #expect(c.name >= 18)
        let longest = SyscallTable.shared.definitions(for: .x86_64).map { ListView.group(of: $0.name) }
            .map(\.count).max() ?? 0
        #expect(c.group >= longest)
        let text = Screen.render(s).text
        #expect(!text.contains("@file-…") && !text.contains("@basic…"))
    }

    @Test("at 80 columns the group column is left out rather than cut, and the names get the room")
    func narrow() {
        let s = TUIFixtures.state(width: 80, height: 24, extra: 30)
        let c = ListView.columns(width: s.leftWidth, maxCount: 99_999)
        #expect(c.group == 0)
        #expect(c.name >= 18)
        #expect(!Screen.render(s).text.contains("…│"))
    }
}
