import PolicyModel
import Testing
@testable import TUI

/// The traced program's terminal in the output pane (issue 14, point 1): what it wrote, with its
/// colours and within bounds, and the keys that go to it.
@Suite struct OutputPaneTests {
    static func output(_ text: String, width: Int = 40, height: Int = 10) -> ProgramOutput {
        var o = ProgramOutput(width: width, height: height)
        o.feed(Array(text.utf8))
        return o
    }

    static func lines(_ o: ProgramOutput) -> [String] { o.screen.history + o.screen.lines }

    @Test("text, CR LF, backspace, tabs and the line erase of line editors")
    func parse() {
        let o = Self.output("$ ecgo\u{8}\u{8}ho hi\r\nhi\r\nab\tc\r\n>>> x\u{1B}[K\rprompt> \u{1B}]0;title\u{7}é✓\r\n")
        #expect(Self.lines(o).prefix(5) == ["$ echo hi", "hi", "ab      c", "prompt> é✓", ""])
    }

    @Test("SGR colours become roles; cursor addressing and clears are carried out, not dropped")
    func colours() {
        let o = Self.output("old\r\n\u{1B}[2J\u{1B}[H\u{1B}[1;31merror\u{1B}[0m: \u{1B}[32mok\u{1B}[m \u{1B}[38;5;208mx")
        let line = o.screen.rows[0]
        #expect(Self.lines(o)[0] == "error: ok x")
        #expect(OutputView.look(line[0].style) == (.programRed, [.bold]))
        #expect(OutputView.look(line[5].style) == (.normal, []))
        #expect(OutputView.look(line[7].style) == (.programGreen, []))
        #expect(OutputView.look(line[10].style) == (.programYellow, []))
        #expect(!Self.lines(o).contains("old"))
    }

    @Test("memory is bounded: the pane shows the last lines and says how many were dropped")
    func bounded() {
        var s = TUIFixtures.state(width: 100, height: 24)
        var o = ProgramOutput(width: s.programSize.width, height: s.programSize.height)
        for i in 0..<(TerminalScreen.scrollbackLimit + 500) { o.feed(Array("line \(i)\r\n".utf8)) }
        #expect(o.screen.scrollback.count == TerminalScreen.scrollbackLimit)
        #expect(o.droppedLines == 500 - (o.screen.height - 1), "the screen holds the last lines less the cursor's")
        s.output = o
        s = TUIFixtures.press(s, [.char("w")])
        #expect(Screen.render(s).text.contains("line \(TerminalScreen.scrollbackLimit + 499)"))
        for _ in 0..<200 { s = reduce(s, .key(.pageUp)) }
        let top = Screen.render(s).text
        #expect(top.contains("(\(o.droppedLines) earlier lines dropped)"))
        #expect(top.contains("│ line \(o.droppedLines)\n"), "the oldest line kept follows the note")
    }

    static func state() -> TUIState {
        var s = TUIFixtures.state(width: 100, height: 24)
        s.output = ProgramOutput()
        return reduce(s, .output(Self.output("\u{1B}[31mcannot bind port 80\u{1B}[0m\r\n$ ", width: s.programSize.width, height: s.programSize.height)))
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

    @Test("on a full-screen program's alternate screen PgUp/PgDn and the cursor keys (DECCKM) go to it")
    func fullScreenKeys() {
        var s = TUIFixtures.state(width: 100, height: 24)
        s.output = ProgramOutput()
        s = reduce(s, .output(Self.output("\u{1B}[?1049h\u{1B}[?1h\u{1B}=page 1", width: s.programSize.width,
                                          height: s.programSize.height)))
        s = TUIFixtures.press(s, [.char("w")])
        for (key, bytes) in [(Key.pageUp, "\u{1B}[5~"), (.pageDown, "\u{1B}[6~"), (.up, "\u{1B}OA"), (.left, "\u{1B}OD")] {
            s = reduce(s, .key(key))
            #expect(s.effects == [.sendToProgram(Array(bytes.utf8))])
            #expect(s.outputScroll == 0)
        }
        s = reduce(s, .output(Self.output("\u{1B}[?1049l\u{1B}[?1l", width: s.programSize.width, height: s.programSize.height)))
        s = reduce(s, .key(.up))
        #expect(s.effects == [.sendToProgram(Array("\u{1B}[A".utf8))], "back to normal cursor keys")
    }

    @Test("the program's cursor is shown (reverse video) while it has the keys, and not once hidden (?25l)")
    func cursor() {
        var s = TUIFixtures.state(width: 100, height: 24)
        s.output = ProgramOutput()
        let size = s.programSize
        s = reduce(s, .output(Self.output("\u{1B}[?1049h\u{1B}[3;5Hx", width: size.width, height: size.height)))
        s = TUIFixtures.press(s, [.char("w")])
        let x = s.leftWidth + 2 + 5, y = 2 + 1 + 2  // pane title row, then row 3 of the screen
        var buf = Screen.render(s)
        #expect(buf[x - 1, y].character == "x")
        #expect(buf[x, y].attributes.contains(.reverse) && !buf[x - 1, y].attributes.contains(.reverse))
        s = reduce(s, .output(Self.output("\u{1B}[?1049h\u{1B}[?25l\u{1B}[3;5Hx", width: size.width, height: size.height)))
        buf = Screen.render(s)
        #expect(!buf[x, y].attributes.contains(.reverse))
    }

    @Test("PgUp and PgDn scroll the pane; a key sent goes back to the end")
    func scroll() {
        var s = TUIFixtures.state(width: 100, height: 24)
        s.output = ProgramOutput()
        s = reduce(s, .output(Self.output((0..<100).map { "line \($0)\r\n" }.joined(), width: s.programSize.width, height: s.programSize.height)))
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
