import Foundation
import Glibc
import Testing
import TraceCapture
import TestSupport

/// SIGINT/SIGTERM to `seccomp-tui record`: a spawned command is killed (exit status 128+9), an
/// attached process is detached and keeps running; the profile is written either way.
@Suite(.serialized, .requires(Requirement.ptrace)) struct RecordSignalTests {
    func startRecord(_ args: [String]) throws -> Int32 {
        try Spawn.start([try SeccompTUIBinary.path(), "record", "--backend", "ptrace"] + args, filter: [], noNewPrivs: .never, stopSelf: false).pid
    }

    func exitStatus(of pid: Int32) -> Int32 {
        var status: Int32 = 0
        _ = valueOrErrno { waitpid(pid, &status, 0) }
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    func pids(running pattern: String) throws -> [Int32] {
        let r = try ProcessRunner.run(["/usr/bin/pgrep", "-f", pattern])
        return r.stdout.split(separator: "\n").compactMap { Int32($0) }
    }

    @Test("SIGINT kills the spawned command and record exits with 128+SIGKILL")
    func sigintKillsSpawned() throws {
        let dir = try TestScratch.directory("record-sigint")
        let out = dir.appendingPathComponent("p.json").path
        let record = try startRecord(["-o", out, "--", "sh", "-c", "sleep 31.7; echo survived"])
        #expect(TracerTestWait.until { (try? pids(running: "^sleep 31.7$").count) == 1 })
        kill(record, SIGINT)
        #expect(exitStatus(of: record) == 128 + SIGKILL)
        #expect(TracerTestWait.until { (try? pids(running: "^sleep 31.7$").isEmpty) == true })
        #expect(FileManager.default.fileExists(atPath: out))
    }

    @Test("SIGTERM detaches an attached process, which keeps running untraced")
    func sigtermDetaches() throws {
        let loop = try Spawn.start(["sh", "-c", "while :; do sleep 0.02; done"], filter: [], noNewPrivs: .never, stopSelf: false)
        defer { kill(loop.pid, SIGKILL); var s: Int32 = 0; waitpid(loop.pid, &s, 0) }
        let record = try startRecord(["-p", "\(loop.pid)"])
        #expect(TracerTestWait.until { TracerTestWait.field("TracerPid", of: loop.pid).map { $0 != "0" } ?? false })
        usleep(200_000)
        kill(record, SIGTERM)
        #expect(exitStatus(of: record) == 0)
        #expect(TracerTestWait.field("TracerPid", of: loop.pid) == "0")
        usleep(100_000)
        // Anything but stopped (T, t) or gone: D is a short wait of a loop that forks all the time.
        let state = TracerTestWait.field("State", of: loop.pid)
        #expect(state.map { ["R", "S", "D"].contains($0.prefix(1)) } == true, "state after detach: \(state ?? "gone")")
    }
}

enum TracerTestWait {
    static func until(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    /// A field of /proc/PID/status, trimmed.
    static func field(_ name: String, of pid: Int32) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            return line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
