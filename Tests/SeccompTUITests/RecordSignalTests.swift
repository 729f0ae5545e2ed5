import Foundation
import Glibc
import Testing
@testable import TraceCapture
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
        #expect(waitFor { (try? pids(running: "^sleep 31.7$").count) == 1 })
        kill(record, SIGINT)
        #expect(exitStatus(of: record) == 128 + SIGKILL)
        #expect(waitFor { (try? pids(running: "^sleep 31.7$").isEmpty) == true })
        #expect(FileManager.default.fileExists(atPath: out))
    }

    @Test("SIGTERM detaches an attached process, which keeps running untraced")
    func sigtermDetaches() throws {
        let loop = try Spawn.start(["sh", "-c", "while :; do sleep 0.02; done"], filter: [], noNewPrivs: .never, stopSelf: false)
        defer { kill(loop.pid, SIGKILL); var s: Int32 = 0; waitpid(loop.pid, &s, 0) }
        let record = try startRecord(["-p", "\(loop.pid)"])
        // Traced, and record's quit handling is on.
        #expect(waitFor { (ProcFS.tracerPid(of: loop.pid) ?? 0) != 0 && Self.handles(SIGTERM, record) })
        kill(record, SIGTERM)
        #expect(exitStatus(of: record) == 0)
        #expect(ProcFS.tracerPid(of: loop.pid) == 0)
        // Anything but stopped (T, t) or gone: D is a short wait of a loop that forks all the time.
        #expect(waitFor { ProcFS.state(of: loop.pid).map { "RSD".contains($0) } == true },
                "state after detach: \(ProcFS.state(of: loop.pid).map(String.init) ?? "gone")")
    }
}

extension RecordSignalTests {
    /// Whether `pid` catches or ignores `signal` (`SigCgt`, `SigIgn`): record's quit handling is on.
    static func handles(_ signal: Int32, _ pid: Int32) -> Bool {
        let bit = UInt64(1) << UInt64(signal - 1)
        return (ProcFS.read("/proc/\(pid)/status") ?? "").split(separator: "\n").contains { line in
            (line.hasPrefix("SigIgn:") || line.hasPrefix("SigCgt:"))
                && (UInt64(line.split(separator: "\t").last ?? "", radix: 16) ?? 0) & bit != 0
        }
    }
}
