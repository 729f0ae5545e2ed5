import PolicyModel
import Testing
@testable import TUI

/// The traced program's terminal in the output pane (issue 14, point 1): what it wrote, with its
/// colours and within bounds, and the keys that go to it.
@Suite struct OutputPaneTests {
    static func output(_ text: String) -> ProgramOutput {
        var o = ProgramOutput()
        o.feed(Array(text.utf8))
        return o
    }

    static func text(_ line: [OutputCell]) -> String { String(line.map(\.character)) }

    @Test("text, CR LF, backspace, tabs and the line erase of line editors")
    func parse() {
        let o = Self.output("$ ecgo\u{8}\u{8}ho hi\r\nhi\r\nab\tc\r\n>>> x\u{1B}[K\rprompt> \u{1B}]0;title\u{7}é✓\r\n")
        #expect(o.lines.map(Self.text) == ["$ echo hi", "hi", "ab      c", "prompt> é✓", ""])
    }

    @Test("SGR colours become roles; other control sequences are dropped")
    func colours() {
        let o = Self.output("\u{1B}[1;31merror\u{1B}[0m: \u{1B}[32mok\u{1B}[m \u{1B}[38;5;208mx\u{1B}[2J\u{1B}[H")
        let line = o.lines[0]
        #expect(Self.text(line) == "error: ok x")
        #expect(line[0].role == .programRed && line[0].bold)
        #expect(line[5].role == .normal && !line[5].bold)
        #expect(line[7].role == .programGreen)
        #expect(line[10].role == .normal)
    }

    @Test("memory is bounded: the last lines, lines cut at a maximum length")
    func bounded() {
        var o = ProgramOutput()
        for i in 0..<(ProgramOutput.maxLines + 500) { o.feed(Array("line \(i)\n".utf8)) }
        o.feed(Array(String(repeating: "x", count: ProgramOutput.maxLineLength * 3).utf8))
        #expect(o.lines.count == ProgramOutput.maxLines)
        #expect(o.droppedLines == 501)
        #expect(o.lines.last?.count == ProgramOutput.maxLineLength)
        #expect(Self.text(o.lines[o.lines.count - 2]) == "line \(ProgramOutput.maxLines + 499)")
    }

    static func state() -> TUIState {
        var s = TUIFixtures.state(width: 100, height: 24)
        s.output = ProgramOutput()
        return reduce(s, .output(Self.output("\u{1B}[31mcannot bind port 80\u{1B}[0m\r\n$ ")))
    }

    @Test("w shows the output and gives the program the keys; ^] gives them back; w hides it")
    func focus() {
        var s = TUIFixtures.press(Self.state(), [.char("w")])
        #expect(s.showOutput && s.outputFocus)
        let screen = Screen.render(s).text
        #expect(screen.contains("PROGRAM OUTPUT") && screen.contains("cannot bind port 80"))
        s = TUIFixtures.press(s, [.char("K")])
        #expect(s.effects == [.sendToProgram([UInt8(ascii: "K")])])
        #expect(s.decisions == Decisions(), "K went to the program, not to the policy")
        for (key, bytes) in [(Key.enter, [UInt8(0x0D)]), (.ctrl("c"), [0x03]), (.up, Array("\u{1B}[A".utf8)),
                             (.char("q"), [UInt8(ascii: "q")])] {
            s = reduce(s, .key(key))
            #expect(s.effects == [.sendToProgram(bytes)])
            #expect(!s.shouldQuit)
        }
        s = reduce(s, .key(KeyBindings.leaveOutput))
        #expect(!s.outputFocus && s.showOutput && s.effects.isEmpty)
        s = TUIFixtures.press(s, [.char("K")])
        #expect(s.decisions.decision(for: "read").verdict == .kill, "the keys are the TUI's again")
        s = TUIFixtures.press(s, [.tab])
        #expect(s.outputFocus, "Tab gives the program the keys again")
        s = TUIFixtures.press(s, [KeyBindings.leaveOutput, .char("w")])
        #expect(!s.showOutput)
        #expect(HelpView.lines().contains { $0.text.contains("^] gives the keys back") })
    }

    @Test("when the program ends its last lines stay, the pane says how it ended, and the keys are the TUI's")
    func ended() {
        var s = TUIFixtures.press(Self.state(), [.char("w")])
        s = reduce(s, .traceEnded(.ended(.exited(1))))
        #expect(!s.outputFocus && s.showOutput)
        let screen = Screen.render(s).text
        #expect(screen.contains("cannot bind port 80"))
        #expect(screen.contains("[exited with code 1]"))
        #expect(reduce(s, .key(.char("q"))).shouldQuit)
        let hidden = reduce(Self.state(), .traceEnded(.ended(.exited(1))))
        #expect(hidden.message == "the program exited with code 1: w shows its last output")
    }

    @Test("PgUp and PgDn scroll the pane; a key sent goes back to the end")
    func scroll() {
        var s = TUIFixtures.state(width: 100, height: 24)
        s.output = ProgramOutput()
        s = reduce(s, .output(Self.output((0..<100).map { "line \($0)\r\n" }.joined())))
        s = TUIFixtures.press(s, [.char("w")])
        #expect(Screen.render(s).text.contains("line 99"))
        s = TUIFixtures.press(s, [.pageUp])
        #expect(s.outputScroll > 0 && s.effects.isEmpty)
        let up = Screen.render(s).text
        #expect(!up.contains("line 99") && up.contains("more"))
        s = TUIFixtures.press(s, [.char("x")])
        #expect(s.outputScroll == 0)
    }
}
