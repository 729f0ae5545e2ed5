import Glibc
import PolicyModel
import Testing
@testable import TUI

/// Text entry, pickers and dialogs: what happens after the key that opened them.
@Suite struct PromptTests {
    @Test("typing a name and Enter selects the first match; n and N walk the matches")
    func search() {
        var s = TUIFixtures.state(extra: 12)
        s = TUIFixtures.press(s, [.char("/")])
        s = TUIFixtures.type(s, "writ")
        #expect(s.prompt == .search(text: "writ"))
        #expect(s.selectedRow?.name == "write", "the list follows while typing")
        s = reduce(s, .key(.enter))
        #expect(s.prompt == nil)
        #expect(s.selectedRow?.name == "write")
        #expect(s.lastSearch == "writ")

        s = TUIFixtures.type(s, "/nr_20")
        s = reduce(s, .key(.enter))
        #expect(s.selectedRow?.name == "nr_2000")
        s = TUIFixtures.press(s, [.char("n"), .char("n")])
        #expect(s.selectedRow?.name == "nr_2002")
        s = TUIFixtures.press(s, [.char("N")])
        #expect(s.selectedRow?.name == "nr_2001")
    }

    @Test("an exact name wins over names that contain it, and a miss says so")
    func searchExactAndMiss() {
        var s = TUIFixtures.type(TUIFixtures.state(), "/read")
        s = reduce(s, .key(.enter))
        #expect(s.selectedRow?.name == "read")
        s = TUIFixtures.type(s, "/nosuchcall")
        s = reduce(s, .key(.enter))
        #expect(s.message == "'nosuchcall' is not a syscall or a group")
        #expect(s.messageIsError)
    }

    @Test("Esc leaves a prompt without changing anything")
    func escape() {
        let s0 = TUIFixtures.state()
        let s = TUIFixtures.press(s0, [.char("e"), .down, .escape])
        #expect(s.prompt == nil)
        #expect(s.decisions == s0.decisions)
    }

    @Test("e picks the errno of a deny from a list")
    func errnoPicker() {
        let s = TUIFixtures.press(TUIFixtures.state(), [.char("e"), .down, .enter])
        #expect(s.decisions.decision(for: "read").verdict == .deny(errno: UInt16(EACCES)))
        #expect(s.policy.decide(SeccompData(nr: TUIFixtures.readNr, arch: .host)) == .errno(UInt16(EACCES)))
    }

    @Test("* sets the action for syscalls never seen, and undo takes it back")
    func defaultAction() {
        let s0 = TUIFixtures.state()
        let s = TUIFixtures.press(s0, [.char("*"), .down, .down, .enter])
        #expect(s.decisions.defaultAction == .killProcess)
        let unseen = SeccompData(nr: 9999, arch: .host)
        #expect(s.policy.decide(unseen) == .killProcess)
        #expect(s0.policy.decide(unseen) == .errno(UInt16(EPERM)))
        #expect(reduce(s, .key(.char("z"))).decisions.defaultAction == .errno(UInt16(EPERM)))
    }

    @Test("s without -o asks for a path, then the format with the extension's preselected; Enter saves")
    func saveDialog() {
        var s = TUIFixtures.press(TUIFixtures.state(), [.char("d"), .char("s")])
        #expect(s.prompt == .savePath(text: "policy.json"))
        s = TUIFixtures.press(s, Array(repeating: .backspace, count: 4))
        s = TUIFixtures.type(s, "bpf")
        s = reduce(s, .key(.enter))
        #expect(s.prompt == .saveFormat(path: "policy.bpf", selected: PolicyFormat.allCases.firstIndex(of: .bpf)!))
        s = reduce(s, .key(.enter))
        #expect(s.prompt == nil)
        #expect(s.effects == [.save(path: "policy.bpf", format: .bpf, policy: s.policy)])
        #expect(s.hasUnsavedChanges)
        s = reduce(s, .saved(path: "policy.bpf", format: .bpf, policy: s.policy))
        #expect(!s.hasUnsavedChanges)
        #expect(s.message == "saved raw BPF policy to policy.bpf")
        #expect(reduce(s, .key(.char("q"))).shouldQuit, "nothing unsaved: q quits at once")
    }

    @Test("a format letter in the save dialog overrides the extension")
    func formatLetter() {
        var s = TUIFixtures.press(TUIFixtures.state(), [.char("S")])
        s = reduce(s, .key(.enter))
        s = reduce(s, .key(.char("t")))
        #expect(s.effects == [.save(path: "policy.json", format: .text, policy: s.policy)])
    }

    @Test("a failed save keeps the changes unsaved and says why")
    func saveFailed() {
        var s = TUIFixtures.press(TUIFixtures.state(output: "/x.json"), [.char("d")])
        s = reduce(s, .saveFailed("/x.json: cannot write"))
        #expect(s.message == "not saved: /x.json: cannot write")
        #expect(s.hasUnsavedChanges)
    }

    @Test("q with unsaved changes asks y/n: n stays, y quits")
    func confirmQuit() {
        let s = TUIFixtures.press(TUIFixtures.state(), [.char("d"), .char("q")])
        #expect(s.prompt == .confirmQuit)
        let stay = reduce(s, .key(.char("n")))
        #expect(!stay.shouldQuit && stay.prompt == nil)
        #expect(reduce(s, .key(.char("y"))).shouldQuit)
    }

    @Test("help closes on any key that does not scroll it")
    func help() {
        var s = TUIFixtures.press(TUIFixtures.state(height: 10), [.function(1), .down, .down])
        #expect(s.showHelp && s.helpScroll == 2)
        s = reduce(s, .key(.char("a")))
        #expect(!s.showHelp)
        #expect(s.decisions == Decisions(), "the closing key does nothing else")
    }

    @Test("Space selects several values; Enter allows exactly them (OR), and the policy follows")
    func severalValues() {
        var s = TUIFixtures.press(TUIFixtures.state(), [.tab, .char(" "), .char(" "), .enter])
        #expect(s.decisions.decision(for: "read").argRules == [0: .values([0, 3])])
        let p = s.policy
        #expect(p.decide(SeccompData(nr: TUIFixtures.readNr, arch: .host, args: [0])) == .allow)
        #expect(p.decide(SeccompData(nr: TUIFixtures.readNr, arch: .host, args: [3])) == .allow)
        #expect(p.decide(SeccompData(nr: TUIFixtures.readNr, arch: .host, args: [7])) == .errno(UInt16(EPERM)))
        // A second Enter on another value widens the same rule.
        #expect(s.detailValues[s.detailCursor] == ValueRef(argument: 0, value: 7))
        s = TUIFixtures.press(s, [.enter])
        #expect(s.decisions.decision(for: "read").argRules == [0: .values([0, 3, 7])])
    }

    @Test("m makes a mask rule from the selected values' bits")
    func mask() {
        let s = TUIFixtures.press(TUIFixtures.state(), [.tab, .down, .char(" "), .char(" "), .up, .char("m")])
        // Values 3 and 7 selected: allowed bits 0b111.
        #expect(s.decisions.decision(for: "read").argRules == [0: .maskZero(0xFFFF_FFF8)])
        let p = s.policy
        #expect(p.decide(SeccompData(nr: TUIFixtures.readNr, arch: .host, args: [5])) == .allow)
        #expect(p.decide(SeccompData(nr: TUIFixtures.readNr, arch: .host, args: [8])) == .errno(UInt16(EPERM)))
        // The upper half of a 32-bit argument is not compared.
        #expect(p.decide(SeccompData(nr: TUIFixtures.readNr, arch: .host, args: [0x1_0000_0001])) == .allow)
    }

    @Test("with --policy, calls the loaded policy refuses are marked and can be filtered")
    func loadedPolicy() {
        let loaded = Policy(defaultAction: .errno(1), rules: [Rule(syscall: "read", action: .allow),
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 1, width: .bits32)])])
        var s = TUIFixtures.state(policy: loaded)
        let rows = Dictionary(uniqueKeysWithValues: s.stats.rows.map { ($0.name, s.isRefused($0)) })
        #expect(rows == ["read": false, "write": true], "write(2, …) was seen and the policy allows only fd 1")
        s = TUIFixtures.press(s, Array(repeating: .char("v"), count: 6))
        #expect(s.decisionFilter == .refused)
        #expect(s.visibleRows.map(\.name) == ["write"])
    }

    @Test("a resize relayouts and keeps the selection visible")
    func resize() {
        var s = TUIFixtures.press(TUIFixtures.state(extra: 60), [.end])
        s = reduce(s, .resize(width: 80, height: 10))
        #expect(s.selectedIndex == s.visibleRows.count - 1)
        #expect(s.listScroll == s.visibleRows.count - s.listHeight)
        #expect(Screen.render(s).text.contains("nr_2059"))
    }
}
