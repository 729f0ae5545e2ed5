import Foundation
import Glibc
import Testing
import TraceCapture
import TestSupport

/// SIGINT, SIGTERM and SIGHUP to `seccomp-tui enforce` are passed on to the confined command,
/// which decides what to do with them; enforce then exits with the command's status.
@Suite(.serialized) struct EnforceSignalTests {
    @Test("a signal to enforce reaches the command, whose trap decides the exit status", arguments: [SIGINT, SIGTERM, SIGHUP])
    func forwarded(_ sig: Int32) throws {
        let dir = try TestScratch.directory("enforce-signal")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = dir.appendingPathComponent("p.policy").path
        try "@default allow\nptrace: errno EPERM\n".write(toFile: policy, atomically: true, encoding: .utf8)
        let marker = dir.appendingPathComponent("trapped").path
        let script = "trap 'echo \(sig) > \(marker); exit 7' \(sig); sleep 31.3 & wait"
        let enforce = try Spawn.start([try SeccompTUIBinary.path(), "enforce", "--policy", policy, "--", "sh", "-c", script],
                                      filter: [], noNewPrivs: .never, stopSelf: false)
        #expect(waitFor { (try? RecordSignalTests().pids(running: "^sleep 31.3$").count) == 1 })
        kill(enforce.pid, sig)
        #expect(RecordSignalTests().exitStatus(of: enforce.pid) == 7)
        #expect(try String(contentsOfFile: marker, encoding: .utf8) == "\(sig)\n")
        _ = try ProcessRunner.run(["/usr/bin/pkill", "-f", "^sleep 31.3$"])
    }
}
