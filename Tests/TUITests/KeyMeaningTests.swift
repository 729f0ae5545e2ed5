import Glibc
import PolicyModel
import Testing
@testable import TUI

/// Keys mean one thing wherever they are pressed (issue 14, point 2): vim and htop habits never
/// set a rule by accident.
@Suite struct KeyMeaningTests {
    @Test("j and k move in the list, in the detail pane, in pickers and in the help")
    func jk() {
        var s = TUIFixtures.state(extra: 5)
        s = TUIFixtures.press(s, [.char("j")])
        #expect(s.selectedRow?.name == "write")
        s = TUIFixtures.press(s, [.char("k")])
        #expect(s.selectedRow?.name == "read")
        s = TUIFixtures.press(s, [.tab, .char("j"), .char("j")])
        #expect(s.detailCursor == 2)
        s = TUIFixtures.press(s, [.char("k")])
        #expect(s.detailCursor == 1)
        s = TUIFixtures.press(s, [.char("e"), .char("j"), .char("j"), .char("k")])
        #expect(s.prompt == .errno(selected: 1))
        s = TUIFixtures.press(s, [.escape, .char("g"), .char("j"), .char("k")])
        #expect(s.prompt == .groupDecision(selected: 0), "k moves in the group picker, it does not kill")
        #expect(s.decisions == Decisions())
    }

    @Test("k never kills, in either pane; K kills in both")
    func killIsCapitalK() {
        for pane in [Pane.list, .detail] {
            var s = TUIFixtures.state()
            s.pane = pane
            s.selected = LiveStats.Key(arch: .host, nr: TUIFixtures.writeNr)
            let k = reduce(s, .key(.char("k")))
            #expect(k.decisions == Decisions(), "k in \(pane)")
            let kill = reduce(s, .key(.char("K")))
            #expect(kill.decisions.decision(for: "write").verdict == .kill, "K in \(pane)")
        }
        #expect(KeyBindings.all.filter { $0.action == .kill }.flatMap(\.keys) == [.char("K")])
    }

    @Test("K in the group picker kills the group's seen calls")
    func groupKill() throws {
        var s = TUIFixtures.state()
        let index = try #require(seenGroups(s).firstIndex(of: "@basic-io"))
        s = TUIFixtures.press(s, [.char("g")] + Array(repeating: .char("j"), count: index) + [.char("K")])
        #expect(s.decisions.decision(for: "read").verdict == .kill)
        #expect(s.decisions.decision(for: "write").verdict == .kill)
    }

    @Test("Space selects and moves down within the same argument, never into the next one")
    func spaceStaysInArgument() {
        var s = TUIFixtures.press(TUIFixtures.state(), [.tab])
        // read: fd 0, 3, 7 (argument 0), then count 4096 (argument 2).
        #expect(s.detailValues.map(\.argument) == [0, 0, 0, 2])
        s = TUIFixtures.press(s, [.char(" "), .char(" "), .char(" ")])
        #expect(s.selectedValues == Set([0, 3, 7].map { ValueRef(argument: 0, value: $0) }))
        #expect(s.detailCursor == 2, "the last value of argument 0 keeps the cursor")
        s = TUIFixtures.press(s, [.char(" ")])
        #expect(s.selectedValues.count == 2, "a second Space on the same value unselects it")
        #expect(s.detailCursor == 2)
        s = TUIFixtures.press(s, [.char("j"), .char(" ")])
        #expect(s.detailCursor == 3)
        #expect(s.selectedValues.contains(ValueRef(argument: 2, value: 4096)))
    }

    @Test("s in the quit prompt saves to -o and quits once the save succeeded")
    func saveAndQuit() {
        var s = TUIFixtures.press(TUIFixtures.state(output: "/tmp/p.json"), [.char("d"), .char("q")])
        #expect(s.prompt == .confirmQuit)
        s = reduce(s, .key(.char("s")))
        #expect(s.effects == [.save(path: "/tmp/p.json", format: .oci, policy: s.policy)])
        #expect(!s.shouldQuit, "not before the file is written")
        #expect(reduce(s, .saved(path: "/tmp/p.json", format: .oci, policy: s.policy)).shouldQuit)
        let failed = reduce(s, .saveFailed("/tmp/p.json: read-only file system"))
        #expect(!failed.shouldQuit && failed.hasUnsavedChanges)
        #expect(!reduce(failed, .saved(path: "/tmp/p.json", format: .oci, policy: s.policy)).shouldQuit,
                "a later save after a failed one does not quit")
    }

    @Test("s in the quit prompt without -o asks for the path, then saves and quits")
    func saveAndQuitAsksPath() {
        var s = TUIFixtures.press(TUIFixtures.state(), [.char("d"), .char("q"), .char("s")])
        #expect(s.prompt == .savePath(text: "policy.json"))
        s = TUIFixtures.press(s, [.enter, .enter])
        #expect(s.effects == [.save(path: "policy.json", format: .oci, policy: s.policy)])
        #expect(reduce(s, .saved(path: "policy.json", format: .oci, policy: s.policy)).shouldQuit)
        // Esc in the path prompt gives up quitting too.
        var e = TUIFixtures.press(TUIFixtures.state(), [.char("d"), .char("q"), .char("s"), .escape])
        e = reduce(e, .saved(path: "other.json", format: .oci, policy: s.policy))
        #expect(!e.shouldQuit)
    }

    @Test("Ctrl-C asks when there are unsaved changes; a second Ctrl-C quits")
    func secondCtrlC() {
        let s = TUIFixtures.press(TUIFixtures.state(), [.char("d"), .ctrl("c")])
        #expect(s.prompt == .confirmQuit && !s.shouldQuit)
        #expect(reduce(s, .key(.ctrl("c"))).shouldQuit)
        #expect(!reduce(s, .key(.escape)).shouldQuit)
    }

    @Test("the help says what the keys do: K kills, j/k move, Space stays in its argument, the quit prompt")
    func helpText() {
        let text = HelpView.lines(width: 200).map(\.text)
        func line(_ keys: String) -> String? { text.first { $0.hasPrefix("  " + keys + " ") } }
        #expect(line("K")?.contains("kill the process") == true)
        #expect(line("↑ k")?.contains("move up") == true)
        #expect(line("↓ j")?.contains("move down") == true)
        #expect(line("Space")?.contains("within the same argument") == true)
        #expect(line("F10 q ^C")?.contains("s saves then quits") == true)
        #expect(line("F10 q ^C")?.contains("a second Ctrl-C quits") == true)
        #expect(!text.contains { $0.hasPrefix("  k ") }, "no binding of k alone")
        let prompt = Screen.render(TUIFixtures.press(TUIFixtures.state(width: 100), [.char("d"), .char("q")])).text
        #expect(prompt.contains("s save and quit"))
    }
}
