import Foundation
import Glibc
import Testing
import TestSupport

/// The real binary in tmux: the terminal is restored on every way out.
@Suite(.serialized, .requires(Requirement.tmux)) struct TerminalRestoreTests {
    /// The TUI over the synthetic feed, then the exit status and the terminal's canonical mode.
    static func start() throws -> TmuxSession {
        let cmd = "\(TmuxSession.binary) --synthetic-rate 5000; echo \"exit=$?\"; stty -a | grep -o -- '-\\?icanon'; sleep 30"
        let t = try TmuxSession(cmd, width: 100, height: 30)
        try t.waitFor("synthetic feed")
        return t
    }

    /// The TUI's pid: the only child of the pane's shell.
    static func tuiPid(_ t: TmuxSession) throws -> Int32 {
        let children = try String(contentsOfFile: "/proc/\(try t.panePid())/task/\(try t.panePid())/children", encoding: .utf8)
        return try #require(Int32(children.split(separator: " ").first ?? ""))
    }

    @Test("q quits with status 0 and the terminal back in canonical mode")
    func quit() throws {
        let t = try Self.start()
        try t.send("q")
        try t.waitFor("exit=0")
        let screen = try t.waitFor("icanon")
        #expect(!screen.contains("-icanon"), "stty reports canonical mode")
        #expect(!screen.contains("F1Help"), "the alternate screen is gone")
    }

    @Test("a signal ends the TUI with 128+N and restores the terminal", arguments: [SIGINT, SIGTERM, SIGHUP])
    func signal(_ sig: Int32) throws {
        let t = try Self.start()
        let pid = try Self.tuiPid(t)
        #expect(kill(pid, sig) == 0)
        try t.waitFor("exit=\(128 + sig)")
        let screen = try t.waitFor("icanon")
        #expect(!screen.contains("-icanon"), "stty reports canonical mode")
        #expect(!screen.contains("F1Help"))
    }
}
