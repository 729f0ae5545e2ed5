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
}
