import Foundation
import Glibc
import PolicyModel
import Testing
import TUI
import TestSupport

/// `inspect` leaves the process as it was: a confined server blocked in `poll` with a timeout,
/// inspected ten times, keeps serving and exits 0 on SIGTERM — under a policy learned by
/// record + generate (which allows restart_syscall), and under a policy without restart_syscall
/// (inspect then makes the kernel re-issue the interrupted poll instead of restarting it).
@Suite(.serialized, .requiresRoot, .requires(Requirement.ptrace)) struct InspectConfinedServerTests {
    typealias S = EnforceTestSupport

    /// Learns the server with `record` (one connection) and `generate` (default errno EPERM).
    static func learnServer(in dir: URL) throws -> Policy {
        let ready = dir.appendingPathComponent("learn.port").path
        let profile = dir.appendingPathComponent("server.profile.json").path
        let record = try ProcessRunner.start([try SeccompTUIBinary.path(), "record", "--backend", "ptrace", "-o", profile, "--"]
                                             + (try SmallServer.command(in: dir, ready: ready, limit: 1)))
        let port = try #require(SmallServer.waitForPort(ready))
        #expect(SmallServer.ask(port: port) == "ok\n")
        record.waitUntilExit()
        #expect(record.terminationStatus == 0)
        let policyPath = dir.appendingPathComponent("server.json").path
        let generated = try ProcessRunner.run([try SeccompTUIBinary.path(), "generate", profile, "-o", policyPath, "--default-action", "errno EPERM"])
        #expect(generated.status == 0, "\(generated.stderr)")
        return try PolicyIO.load(path: policyPath)
    }

    @Test("a confined server inspected ten times keeps serving and exits 0 on SIGTERM", arguments: [true, false])
    func inspectedServerKeepsServing(withRestartSyscall: Bool) throws {
        let dir = try TestScratch.directory("inspect-server")
        defer { try? FileManager.default.removeItem(at: dir) }
        var policy = try Self.learnServer(in: dir)
        #expect(policy.rules(for: "restart_syscall") == [Rule(syscall: "restart_syscall", action: .allow)])
        if !withRestartSyscall { policy.rules.removeAll { $0.syscall == "restart_syscall" } }
        let policyPath = try S.writeOCI(policy, to: dir, name: "enforced.json")

        let served = try SmallServer.enforced(try SeccompTUIBinary.path(), policy: policyPath, in: dir)
        defer { if served.enforce.isRunning { kill(served.enforce.processIdentifier, SIGKILL) } }
        for _ in 0..<10 {
            SmallServer.waitUntilSleeping(served.pid)
            let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "inspect", "--summary-only", String(served.pid)])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("filter 1 of 1"))
        }
        let end = served.serveThenStop()
        #expect(end.answer == "ok\n")
        #expect(end.status == 0, "\(end.stderr)")
        #expect(!end.stderr.contains("refused"), "\(end.stderr)")
    }
}
