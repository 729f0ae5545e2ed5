import Foundation
import Testing
import TestSupport

/// The TUI commands' arguments and their errors, without a terminal.
@Suite struct TUICommandTests {
    /// Runs the binary with no terminal; returns the status and stderr.
    static func run(_ args: [String]) throws -> (Int32, String) {
        let r = try EnforceTestSupport.seccompTUI(args)
        return (r.status, r.stderr)
    }

    @Test("without a terminal the TUI refuses to start, and nothing is traced")
    func noTerminal() throws {
        let marker = TestScratch.root.appendingPathComponent("tui-notty-\(getpid())").path
        let (status, err) = try Self.run(["--", "/bin/mkdir", marker])
        #expect(status == 1)
        #expect(err.contains("the TUI needs a terminal"))
        #expect(!FileManager.default.fileExists(atPath: marker), "the command was not started")
    }

    @Test("learn takes one of a command, -p PID or --container NAME")
    func learnArguments() throws {
        for (args, message) in [(["-p", "1", "--", "ls"], "give one of -p PID, --container NAME or a command after --"),
                                (["-p", "1", "--container", "web"], "give one of -p PID, --container NAME or a command after --"),
                                ([], "nothing to trace: give a command after -- (seccomp-tui -- CMD), -p PID or --container NAME"),
                                (["-p", "0"], "-p takes a process id above 0, not 0")] {
            let out = try EnforceTestSupport.seccompTUI(["learn"] + args)
            #expect(out.status == 64, "\(args)")  // EX_USAGE: refused while parsing
            #expect(EnforceTestSupport.Failure(output: out).message == message)
        }
        // Parsed: it gets as far as wanting a terminal.
        let parsed = try EnforceTestSupport.seccompTUI(["learn", "-o", "/dev/null", "--", "ls", "-l"])
        #expect(parsed.status == 1)
        #expect(parsed.stderr.contains("the TUI needs a terminal"), "\(parsed.stderr)")
    }

    @Test("open names the file when it is not a profile")
    func openBadProfile() throws {
        let path = TestScratch.root.appendingPathComponent("tui-bad-\(getpid()).json").path
        try "{\"version\": 99}".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (status, err) = try Self.run(["open", path])
        #expect(status == 1)
        #expect(err.contains("\(path): not a profile"))
    }
}
