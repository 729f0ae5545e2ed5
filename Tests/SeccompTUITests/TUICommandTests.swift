import Foundation
import Testing
@testable import seccomp_tui
import TestScratch

/// The TUI commands' arguments and their errors, without a terminal.
@Suite struct TUICommandTests {
    /// Runs the binary with no terminal; returns the status and stderr.
    static func run(_ args: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TmuxSession.binary)
        p.arguments = args
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        p.standardError = err
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("without a terminal the TUI refuses to start, and nothing is traced")
    func noTerminal() throws {
        let marker = TestScratch.root.appendingPathComponent("tui-notty-\(getpid())").path
        let (status, err) = try Self.run(["--", "/bin/mkdir", marker])
        #expect(status == 1)
        #expect(err.contains("the TUI needs a terminal"))
        #expect(!FileManager.default.fileExists(atPath: marker), "the command was not started")
    }

    @Test("learn takes a command or -p PID, not both and not neither")
    func learnArguments() {
        #expect(throws: (any Error).self) { try Learn.parse(["-p", "1", "--", "ls"]) }
        #expect(throws: (any Error).self) { try Learn.parse([]) }
        #expect(throws: (any Error).self) { try Learn.parse(["-p", "0"]) }
        let l = try? Learn.parse(["-o", "x.json", "--policy", "p.policy", "--", "ls", "-l"])
        #expect(l?.command == ["ls", "-l"])
        #expect(l?.output == "x.json")
        #expect(l?.policy == "p.policy")
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
