import Testing
@testable import TUI

extension TerminalScreen {
    static func text(_ cells: [TerminalCell]) -> String {
        var s = String(String.UnicodeScalarView(cells.map(\.scalar)))
        while s.last == " " { s.removeLast() }
        return s
    }

    /// The rows shown, as text without trailing blanks.
    var lines: [String] { rows.map(Self.text) }
    /// The scroll-back, oldest first.
    var history: [String] { (0..<scrollback.count).map { Self.text(scrollback[$0]) } }

    /// A screen of `width`×`height` fed `text`.
    static func fed(_ text: String, width: Int = 20, height: Int = 5) -> TerminalScreen {
        var screen = TerminalScreen(width: width, height: height)
        var parser = ANSIParser()
        parser.feed(Array(text.utf8), into: &screen)
        return screen
    }
}

/// The program's terminal screen fed with the sequences xterm programs send (issue 14, point 1:
/// full-screen programs keep their layout). Each test names the sequences it covers.
@Suite struct TerminalScreenTests {
    let esc = "\u{1B}"

    @Test("CUP/HVP place text; CUU/CUD/CUF/CUB/CNL/CPL/CHA/VPA/HPR/VPR move, clamped to the screen")
    func cursorMovement() {
        let s = TerminalScreen.fed("\(esc)[2;3Hab\(esc)[4;1fcd\(esc)[A\(esc)[2Ce\(esc)[9Bf\(esc)[99Dg\(esc)[2Fh"
            + "\(esc)[Ei\(esc)[10Gj\(esc)[2dk\(esc)[3al\(esc)[e")
        #expect(s.lines == ["", "  ab      k   l", "h   e", "id       j", "g    f"])
        #expect(s.cursor == .init(x: 15, y: 2))
    }

    @Test("ED and EL erase below, above, all; ECH erases n cells; ED 3 clears the scroll-back")
    func erasing() {
        let full = (0..<5).map { _ in "abcdefghij" }.joined(separator: "\r\n")
        #expect(TerminalScreen.fed(full + "\(esc)[3;4H\(esc)[J", width: 10).lines == ["abcdefghij", "abcdefghij", "abc", "", ""])
        #expect(TerminalScreen.fed(full + "\(esc)[3;4H\(esc)[1J", width: 10).lines
            == ["", "", "    efghij", "abcdefghij", "abcdefghij"])
        #expect(TerminalScreen.fed(full + "\(esc)[2J", width: 10).lines == ["", "", "", "", ""])
        #expect(TerminalScreen.fed(full + "\(esc)[2;4H\(esc)[K\(esc)[3;4H\(esc)[1K\(esc)[4;4H\(esc)[2K\(esc)[5;4H\(esc)[3X",
                                   width: 10).lines == ["abcdefghij", "abc", "    efghij", "", "abc   ghij"])
        let scrolled = TerminalScreen.fed((1...8).map(String.init).joined(separator: "\r\n"), width: 10)
        #expect(scrolled.history == ["1", "2", "3"])
        #expect(TerminalScreen.fed((1...8).map(String.init).joined(separator: "\r\n") + "\(esc)[3J", width: 10).history == [])
    }

    @Test("ICH/DCH shift within the line; IL/DL within the scroll region; IRM inserts")
    func insertDelete() {
        let line = "abcdefghij"
        #expect(TerminalScreen.fed(line + "\(esc)[1;3H\(esc)[2@", width: 10).lines[0] == "ab  cdefgh")
        #expect(TerminalScreen.fed(line + "\(esc)[1;3H\(esc)[2P", width: 10).lines[0] == "abefghij")
        #expect(TerminalScreen.fed(line + "\(esc)[1;3H\(esc)[4hXY\(esc)[4lZ", width: 10).lines[0] == "abXYZdefgh")
        let rows = "1\r\n2\r\n3\r\n4\r\n5"
        #expect(TerminalScreen.fed(rows + "\(esc)[2;4r\(esc)[3;1H\(esc)[L", width: 10).lines == ["1", "2", "", "3", "5"])
        #expect(TerminalScreen.fed(rows + "\(esc)[2;4r\(esc)[2;1H\(esc)[2M", width: 10).lines == ["1", "4", "", "", "5"])
        #expect(TerminalScreen.fed(rows + "\(esc)[2;4r\(esc)[5;1H\(esc)[L", width: 10).lines == ["1", "2", "3", "4", "5"],
                "IL outside the region does nothing")
    }

    @Test("DECSTBM: LF at the region's bottom scrolls only the region; RI at its top scrolls down; only a region at the top feeds the scroll-back")
    func scrollRegions() {
        let rows = "1\r\n2\r\n3\r\n4\r\n5"
        var s = TerminalScreen.fed(rows + "\(esc)[2;4r\(esc)[4;1H\nx", width: 10)
        #expect(s.lines == ["1", "3", "4", "x", "5"])
        #expect(s.history.isEmpty, "a region below the top row keeps nothing")
        s = TerminalScreen.fed(rows + "\(esc)[2;4r\(esc)[2;1H\(esc)My", width: 10)
        #expect(s.lines == ["1", "y", "2", "3", "5"])
        s = TerminalScreen.fed(rows + "\(esc)[1;3r\(esc)[3;1H\(esc)D\(esc)Dz", width: 10)
        #expect(s.lines == ["3", "", "z", "4", "5"])
        #expect(s.history == ["1", "2"])
        s = TerminalScreen.fed(rows + "\(esc)[2S", width: 10)
        #expect(s.lines == ["3", "4", "5", "", ""] && s.history == ["1", "2"])
        s = TerminalScreen.fed(rows + "\(esc)[2T", width: 10)
        #expect(s.lines == ["", "", "1", "2", "3"])
        s = TerminalScreen.fed(rows + "\(esc)[3;1H\(esc)Ew", width: 10)
        #expect(s.lines[3] == "w", "NEL goes to the next line's first column")
        #expect(TerminalScreen.fed("\(esc)[3;2r\(esc)[5;1Hq", width: 10).lines[4] == "q", "an empty region is refused")
    }

    @Test("origin mode counts rows from the region's top")
    func originMode() {
        let s = TerminalScreen.fed("\(esc)[2;4r\(esc)[?6h\(esc)[1;1Ha\(esc)[9;1Hb\(esc)[?6l\(esc)[1;1Hc", width: 10)
        #expect(s.lines == ["c", "a", "", "b", ""])
    }

    @Test("DECSC/DECRC and CSI s/u save and restore the cursor and the style")
    func saveRestore() {
        let s = TerminalScreen.fed("\(esc)[2;3H\(esc)[31m\(esc)7\(esc)[0m\(esc)[5;1Hx\(esc)8y\(esc)[4;4H\(esc)[sz\(esc)[1;1H\(esc)[uw")
        #expect(s.lines == ["", "  y", "", "   w", "x"])
        #expect(s.rows[1][2].style.foreground == 2, "the colour came back with the cursor")
        #expect(s.rows[3][3].style.foreground == 2, "CSI s saves it too")
    }

    @Test("the alternate screen (?1049, ?1047, ?47) hides the main screen and gives it back, cursor included")
    func alternateScreen() {
        var s = TerminalScreen.fed("shell$ ls\r\nfile\r\nshell$ \(esc)[?1049h\(esc)[H\(esc)[2Jfull screen\(esc)[5;1Hstatus")
        #expect(s.isAlternate)
        #expect(s.lines == ["full screen", "", "", "", "status"])
        var parser = ANSIParser()
        parser.feed(Array("\(esc)[?1049l".utf8), into: &s)
        #expect(!s.isAlternate)
        #expect(s.lines == ["shell$ ls", "file", "shell$", "", ""])
        #expect(s.cursor == .init(x: 7, y: 2))
        for mode in [47, 1047] {
            let t = TerminalScreen.fed("main\(esc)[?\(mode)halt\(esc)[?\(mode)l")
            #expect(t.lines[0] == "main" && !t.isAlternate, "mode \(mode)")
        }
        let scrolled = TerminalScreen.fed("\(esc)[?1049h" + (1...9).map(String.init).joined(separator: "\r\n") + "\(esc)[?1049l")
        #expect(scrolled.history.isEmpty, "the alternate screen keeps no scroll-back")
    }

    @Test("autowrap: the last column waits, the next character wraps; ?7l overwrites the last column")
    func autowrap() {
        var s = TerminalScreen.fed("abcde", width: 5)
        #expect(s.lines == ["abcde", "", "", "", ""] && s.cursor == .init(x: 4, y: 0) && s.wrapPending)
        s = TerminalScreen.fed("abcdef", width: 5)
        #expect(s.lines == ["abcde", "f", "", "", ""])
        s = TerminalScreen.fed("abcde\r\n", width: 5)
        #expect(s.lines == ["abcde", "", "", "", ""] && s.cursor == .init(x: 0, y: 1), "CR LF after a full line makes no blank line")
        s = TerminalScreen.fed("\(esc)[?7labcdefg", width: 5)
        #expect(s.lines[0] == "abcdg")
    }

    @Test("tabs: every 8 columns, HTS/TBC set and clear, CHT and CBT")
    func tabs() {
        #expect(TerminalScreen.fed("a\tb\tc", width: 30).lines[0] == "a       b       c")
        #expect(TerminalScreen.fed("\(esc)[3g\(esc)[4G\(esc)H\ra\tb\tc", width: 30).lines[0]
                == "a  b" + String(repeating: " ", count: 25) + "c",
                "after TBC 3 only the stop set with HTS is left; then the line's last column")
        #expect(TerminalScreen.fed("\(esc)[2Ix\(esc)[2Zy", width: 30).lines[0] == "        y       x")
    }

    @Test("SGR: 16, 256 and 24-bit colours fold to the 16; bold, underline, reverse; 0 resets")
    func sgr() {
        let s = TerminalScreen.fed("\(esc)[1;31ma\(esc)[0;94mb\(esc)[38;5;208mc\(esc)[38;2;0;0;250md\(esc)[38:2::0:200:0me"
            + "\(esc)[4;7;42mf\(esc)[mg\(esc)[48;5;21mh\(esc)[39;49;22;24;27mi")
        let cells = s.rows[0]
        #expect(cells[0].style.foreground == 2 && cells[0].style.flags == [.bold])
        #expect(cells[1].style.foreground == 13 && cells[1].style.flags.isEmpty)
        #expect(cells[2].style.foreground == 4, "orange 208 is nearest to yellow (3)")
        #expect(cells[3].style.foreground == 5, "rgb(0,0,250) is blue (4)")
        #expect(cells[4].style.foreground == 3, "the colon form with a colour space: green (2)")
        #expect(cells[5].style.flags == [.underline, .reverse] && cells[5].style.background == 3)
        #expect(cells[6].style == TerminalStyle())
        #expect(cells[7].style.background == 5, "256-colour 21 (0,0,255) is nearest to blue (0,0,238)")
        #expect(cells[8].style == TerminalStyle())
        #expect(OutputView.look(cells[0].style) == (.programRed, [.bold]))
        #expect(OutputView.look(cells[5].style) == (.programGreen, [.underline]),
                "reverse over a green background: green text")
        #expect(OutputView.look(TerminalStyle(foreground: 9)) == (.dim, []), "bright black is dim")
        #expect(OutputView.look(TerminalStyle(background: 5)) == (.programBlue, [.reverse]))
    }

    @Test("erasing keeps the background colour (bce)")
    func backgroundErase() {
        let s = TerminalScreen.fed("\(esc)[44m\(esc)[2J\(esc)[m")
        #expect(s.rows[2][3].style.background == 5 && s.rows[2][3].scalar == " ")
    }

    @Test("unknown CSI, OSC, DCS, APC sequences and charset selections print nothing; DEC line drawing is drawn")
    func ignored() {
        let s = TerminalScreen.fed("a\(esc)]0;title\u{7}b\(esc)]8;;http://x\(esc)\\c\(esc)P+q544e\(esc)\\d\(esc)_apc\(esc)\\e"
            + "\(esc)[?2004h\(esc)[>4;1m\(esc)[22;0;0t\(esc)[2 q\(esc)(Bf\(esc)=\(esc)>g\(esc)[?1000;1006h\(esc)[12;99xh"
            + "\r\n\(esc)(0lqqk\(esc)(B x \u{E}q\u{F}q\(esc))0\u{E}x\u{F}", width: 30)
        #expect(s.lines[0] == "abcdefgh")
        #expect(s.lines[1] == "┌──┐ x qq│", "SO shifts to G1, line drawing only once ESC ) 0 made it so")
    }

    @Test("UTF-8 across reads, malformed bytes as U+FFFD, combining marks take no cell")
    func utf8() {
        var s = TerminalScreen(width: 20, height: 2)
        var parser = ANSIParser()
        let bytes = Array("é✓🙂".utf8)
        for b in bytes { parser.feed([b], into: &s) }
        parser.feed([0xFF, 0x41, 0xC3, 0x41, 0x65, 0xCC, 0x81], into: &s)
        #expect(s.lines[0] == "é✓🙂\u{FFFD}A\u{FFFD}Ae")
        // An overlong ESC (C0 9B) and a C1 CSI (U+009B as C2 9B) never reach a cell.
        parser.feed([0x0D, 0x0A, 0xC0, 0x9B, 0xC2, 0x9B, 0x5A], into: &s)
        #expect(s.lines[1] == "\u{FFFD}Z")
    }

    @Test("REP repeats, DECALN fills, DSR and DA are answered, RIS resets but keeps the scroll-back")
    func misc() {
        #expect(TerminalScreen.fed("ab\(esc)[3b").lines[0] == "abbbb")
        #expect(TerminalScreen.fed("\(esc)#8", width: 3, height: 2).lines == ["EEE", "EEE"])
        var s = TerminalScreen.fed("\(esc)[3;5H\(esc)[6n\(esc)[5n\(esc)[c\(esc)[>c")
        #expect(String(decoding: s.replies, as: UTF8.self) == "\(esc)[3;5R\(esc)[0n\(esc)[?1;2c")
        s = TerminalScreen.fed((1...7).map(String.init).joined(separator: "\r\n") + "\(esc)[31m\(esc)[?1hx\(esc)c")
        #expect(s.lines == ["", "", "", "", ""] && s.history == ["1", "2"])
        #expect(s.style == TerminalStyle() && !s.applicationCursorKeys && s.cursor == .init(x: 0, y: 0))
    }

    @Test("resizing cuts or pads rows, keeps the cursor's row on screen (rows above go to the scroll-back)")
    func resize() {
        var s = TerminalScreen.fed("1\r\n2\r\n3\r\n4\r\n5abcdefgh", width: 10)
        s.resize(width: 6, height: 3)
        #expect(s.lines == ["3", "4", "5abcde"] && s.history == ["1", "2"])
        #expect(s.cursor == .init(x: 5, y: 2))
        s.resize(width: 8, height: 6)
        #expect(s.lines == ["3", "4", "5abcde", "", "", ""] && s.cursor == .init(x: 5, y: 2))
        var alt = TerminalScreen.fed("main\(esc)[?1049h\(esc)[5;1Hbottom", width: 10)
        alt.resize(width: 10, height: 3)
        #expect(alt.lines == ["", "", "bottom"] && alt.history.isEmpty)
        var parser = ANSIParser()
        parser.feed(Array("\(esc)[?1049l".utf8), into: &alt)
        #expect(alt.lines == ["main", "", ""])
    }

    @Test("the scroll-back is bounded: the last lines stay, the dropped ones are counted")
    func bounded() {
        var s = TerminalScreen(width: 10, height: 5)
        var parser = ANSIParser()
        let lines = TerminalScreen.scrollbackLimit + 500
        for i in 0..<lines { parser.feed(Array("line \(i)\r\n".utf8), into: &s) }
        #expect(s.scrollback.count == TerminalScreen.scrollbackLimit)
        #expect(s.scrollback.dropped == lines - 4 - TerminalScreen.scrollbackLimit)
        #expect(s.history.last == "line \(lines - 5)" && s.lines[3] == "line \(lines - 1)")
        #expect(s.history.first == "line \(lines - 4 - TerminalScreen.scrollbackLimit)")
        #expect(s.scrollback[0].count <= 10, "lines are never wider than the screen")
    }

    @Test("cursor keys follow DECCKM")
    func cursorKeys() {
        #expect(Key.up.terminalBytes() == Array("\(esc)[A".utf8))
        #expect(Key.up.terminalBytes(applicationCursorKeys: true) == Array("\(esc)OA".utf8))
        #expect(Key.home.terminalBytes(applicationCursorKeys: true) == Array("\(esc)OH".utf8))
        #expect(Key.pageDown.terminalBytes(applicationCursorKeys: true) == Array("\(esc)[6~".utf8))
        #expect(TerminalScreen.fed("\(esc)[?1h").applicationCursorKeys)
    }
}
