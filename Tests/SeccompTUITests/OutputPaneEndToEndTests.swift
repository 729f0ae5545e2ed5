import Foundation
import Glibc
import Testing
import TestSupport

/// An interactive program learned through the output pane, on the real binary in tmux: the
/// program runs on the TUI's pseudo-terminal, `w` gives it the keys, ^] takes them back, its
/// output is also copied to --child-output, and how it ended stays on screen (issue 14, point 1).
@Suite(.serialized, .requires(Requirement.tmux), .requires(Requirement.ptrace)) struct OutputPaneEndToEndTests {
    @Test("an interactive sh through the output pane: typed commands run, ^] returns, exit 3 is shown")
    func interactiveShell() throws {
        let dir = try TestScratch.directory("output-pane").path
        let copy = dir + "/child.out"

        let t = try TmuxSession("PS1='sh$ ' \(TmuxSession.binary) --child-output \(copy) -- /bin/sh -i; "
            + "echo \"exit=$?\"; sleep 30")
        try t.waitFor("[running]")
        try t.send("w")
        try t.waitFor("keys go to the program")
        try t.waitFor("│ sh$")
        // Letters the TUI binds (K kills, q quits, d denies) go to the program while it has the keys.
        try t.type("echo Kqd-$((6*7)) $(tty)")
        try t.send("Enter")
        let shown = try t.waitFor("Kqd-42 /dev/pts/")
        #expect(!shown.contains("modified"), "no key was taken as a decision")
        try t.send("C-]")
        try t.waitFor("keys back to seccomp-tui")
        try t.send("w")
        try t.search("write", until: "write(unsigned int fd")
        try t.send("w")
        try t.waitFor("keys go to the program")
        try t.type("exit 3")
        try t.send("Enter")
        let ended = try t.waitFor("[exited with code 3]")
        #expect(ended.contains("Kqd-42"), "the last lines stay visible")
        try t.send("q")
        try t.waitFor("exit=0")
        let copied = try String(contentsOfFile: copy, encoding: .utf8)
        #expect(copied.contains("Kqd-42 /dev/pts/"), "--child-output has a copy: \(copied)")
    }

    /// The output pane's rows of a tmux capture of a window `height` rows high (from row 3: below
    /// the header and the pane's title, above the message line and the footer), the text right
    /// of the list's `│`.
    static func paneRows(_ screen: String, height: Int = 40) -> [String] {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return lines[3...(height - 3)].map { line in
            guard let bar = line.firstIndex(of: "│") else { return "" }
            return String(line[line.index(after: bar)...]).trimmingCharacters(in: .whitespaces)
        }
    }

    @Test("less keeps its layout in the output pane: its status line on the pane's bottom row, Space pages, a resize redraws it, q gives the main screen back")
    func fullScreenLess() throws {
        let dir = try TestScratch.directory("output-pane-less")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("rows.txt").path
        try (1...300).map { String(format: "row %03d", $0) }.joined(separator: "\n").write(toFile: file, atomically: true,
                                                                                           encoding: .utf8)
        // The program is told the pane's size and a TERM the pane carries out; it prints both
        // before less takes the screen.
        let t = try TmuxSession("\(TmuxSession.binary) -- sh -c 'echo TERM=$TERM size=$(stty size); exec less \(file)'; "
            + "echo \"exit=$?\"; sleep 30")
        try t.waitFor("[running]")
        try t.send("w")
        try t.waitFor("row 001")
        var pane = Self.paneRows(try t.waitFor("rows.txt"))
        let height = pane.count  // 35 rows: the pane less its title row
        #expect(pane[0] == "row 001", "less starts at the pane's top row: \(pane)")
        // The prompt names the file (less cuts a name too long for the width from the left).
        #expect(pane[height - 1].hasSuffix("/rows.txt"), "less's status line is the pane's bottom row: \(pane)")
        #expect(pane[height - 2] == String(format: "row %03d", height - 1))

        try t.send("Space")
        let next = String(format: "row %03d", height)
        try t.waitFor(next)
        pane = Self.paneRows(try t.capture())
        #expect(pane[0] == next, "Space shows the next page: \(pane)")
        #expect(pane[height - 1] == ":", "the prompt stays on the bottom row: \(pane)")
        #expect(!pane.contains("row 001"))

        // A smaller window: the screen and less (SIGWINCH) take the new pane size.
        try TmuxSession.run(["-L", t.socket, "resize-window", "-t", t.name, "-x", "100", "-y", "30"])
        // (Until less has redrawn: the old frame cut to the new size also ends in its prompt.)
        try waitFor(timeout: 20, interval: 0.1) {
            pane = Self.paneRows(try t.capture(), height: 30)
            return pane.last == ":" && pane.first == next
        }
        #expect(pane.count == 25 && pane[0] == next, "less redrew from the same line: \(pane)")
        #expect(pane[24] == ":", "its prompt is on the smaller pane's bottom row: \(pane)")
        #expect(pane[23] == String(format: "row %03d", height + 23))
        try TmuxSession.run(["-L", t.socket, "resize-window", "-t", t.name, "-x", "120", "-y", "40"])
        try t.waitFor(String(format: "row %03d", height + 33))

        try t.send("q")
        // (The header says how it ended as soon as it did; the pane shows the main screen once
        // less's last bytes are read.)
        try t.waitFor("│ TERM=xterm-256color size=")
        let ended = try t.waitFor("│ [exited with code 0]")
        pane = Self.paneRows(ended)
        // The pane starts right of the list's │, less one column of margin.
        let bar = try #require(ended.split(separator: "\n")[3].firstIndex(of: "│"))
        let width = 120 - ended.split(separator: "\n")[3].distance(from: ended.split(separator: "\n")[3].startIndex, to: bar) - 2
        #expect(pane[0] == "TERM=xterm-256color size=\(height) \(width)", "the main screen is back: \(pane)")
        #expect(!pane.contains(next), "less's screen is gone with it")
        try t.send("q")
        try t.waitFor("exit=0")
    }
}
