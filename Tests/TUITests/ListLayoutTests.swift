import PolicyModel
import Testing
@testable import TUI

/// Pane layout: how the syscall list shares its width, and where the detail pane starts.
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

    @Test("on a short screen the detail pane starts at the syscall's title while the list has focus, and follows the value cursor in the pane")
    func detailScrollFollowsFocus() {
        let s = TUIFixtures.state(width: 80, height: 12)
        let list = Screen.render(s)
        #expect(list.line(2).contains("read  #0"), "\(list.text)")
        let detail = Screen.render(reduce(s, .key(.tab)))
        #expect(!detail.line(2).contains("read  #0"))
        #expect(detail.text.contains(" >  0"), "\(detail.text)")
    }

    @Test("the footer keeps its quit key when the screen is too narrow for every item")
    func footerKeepsQuit() {
        for (width, pane) in [(80, Pane.list), (80, Pane.detail), (60, Pane.list), (200, Pane.list)] {
            var s = TUIFixtures.state(width: width, height: 24)
            if pane == .detail { s = reduce(s, .key(.tab)) }
            let footer = Screen.render(s).line(23)
            #expect(footer.contains("F10Quit"), "\(width) \(pane): \(footer)")
            #expect(footer.hasPrefix("F1Help"))
        }
    }

    @Test("the header's second row fits 80 columns: 'lost 0' and 'show: all' give way, a filter still shows")
    func headerFits() {
        func row(_ s: TUIState) -> String {
            String(Screen.render(s).line(1).reversed().drop { $0 == " " }.reversed())
        }
        let wide = TUIFixtures.state(width: 160, height: 50)
        #expect(row(wide).contains("  lost 0  unseen: errno EPERM  sort: count  show: all"), "\(row(wide))")
        let narrow = TUIFixtures.state(width: 80, height: 24)
        #expect(row(narrow).hasSuffix("  unseen: errno EPERM  sort: count") && !row(narrow).contains("lost"),
                "\(row(narrow))")
        let filtered = reduce(narrow, .key(.char("x")))
        #expect(row(filtered).hasSuffix(" sort: count show: undecided"), "\(row(filtered))")
        #expect(row(filtered).count <= 80)
    }

    @Test("the list's position (1-11/36: 32 seen, 4 implicit) never covers the column titles")
    func positionBesideTitles() {
        for width in [60, 80, 120, 160] {
            let title = Screen.render(TUIFixtures.state(width: width, height: 16, extra: 30)).line(2)
            #expect(title.contains("SYSCALL") && title.contains("COUNT"), "\(width): \(title)")
            if width >= 80 { #expect(title.contains("/36"), "\(width): \(title)") }
        }
    }

    @Test("on a narrow screen the header cuts the command line, not the pid or the state")
    func headerKeepsPid() {
        var s = TUIFixtures.state(width: 50, height: 16)
        s.title = "/usr/bin/python3 -m http.server 8080 --bind 127.0.0.1"
        let top = Screen.render(s).line(0)
        #expect(top.contains("…  pid 4242  [running]"), "\(top)")
    }
}
