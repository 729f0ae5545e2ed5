import Foundation
import Glibc
import Testing
@testable import TraceCapture
import TestSupport

/// SIGHUP (the terminal went away) to `seccomp-tui record` ends the recording like SIGTERM: an
/// attached process is detached and keeps running, and the profile is written.
@Suite(.serialized, .requires(Requirement.ptrace)) struct RecordHangupTests {
    @Test("SIGHUP detaches an attached process, which keeps running untraced, and the profile is written")
    func sighupDetaches() throws {
        let dir = try TestScratch.directory("record-sighup")
        let out = dir.appendingPathComponent("p.json").path
        let loop = try Spawn.start(["sh", "-c", "while :; do sleep 0.02; done"], filter: [], noNewPrivs: .never, stopSelf: false)
        defer { kill(loop.pid, SIGKILL); var s: Int32 = 0; waitpid(loop.pid, &s, 0) }
        let record = try Spawn.start([try SeccompTUIBinary.path(), "record", "--backend", "ptrace", "-o", out, "-p", "\(loop.pid)"],
                                     filter: [], noNewPrivs: .never, stopSelf: false).pid
        // Traced, and record's quit handling is on.
        #expect(waitFor { (ProcFS.tracerPid(of: loop.pid) ?? 0) != 0 && RecordSignalTests.handles(SIGHUP, record) })
        kill(record, SIGHUP)
        var status: Int32 = 0
        _ = valueOrErrno { waitpid(record, &status, 0) }
        #expect(status & 0x7F == 0, "record was killed by signal \(status & 0x7F)")
        #expect((status >> 8) & 0xFF == 0)
        #expect(FileManager.default.fileExists(atPath: out))
        #expect(ProcFS.tracerPid(of: loop.pid) == 0)
        // Running, sleeping, or in a short uninterruptible wait (D: the loop forks and execs all the
        // time): anything but stopped (T, t) or gone (Z, X).
        #expect(waitFor { ProcFS.state(of: loop.pid).map { "RSD".contains($0) } == true },
                "state after detach: \(ProcFS.state(of: loop.pid).map(String.init) ?? "gone")")
    }
}
