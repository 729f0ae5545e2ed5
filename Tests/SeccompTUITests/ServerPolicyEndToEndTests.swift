import Foundation
import Glibc
import PolicyModel
import Testing
@testable import TraceCapture
import TUI
import TestSupport

/// Issue 13 end to end on the real binary: a small server learned in the TUI and saved while it
/// runs holds in production (enforced, stopped and continued, inspected, serving, SIGTERM -> 0);
/// learned through record + generate it gives the same policy as through the TUI.
@Suite(.serialized, .requiresRoot, .requires(Requirement.tmux), .requires(Requirement.ptrace)) struct ServerPolicyEndToEndTests {
    typealias S = EnforceTestSupport

    func scratch(_ name: String) throws -> URL {
        try TestScratch.directory(name)
    }

    /// Learns the server in the TUI (ptrace backend) with one connection served; `limit` 0 saves
    /// while it runs, 1 after it exited. Returns the saved policy's path.
    func learnInTUI(in dir: URL, limit: Int) throws -> String {
        let ready = dir.appendingPathComponent("tui.port").path
        let out = dir.appendingPathComponent("tui.json").path
        let command = try SmallServer.command(in: dir, ready: ready, limit: limit).joined(separator: " ")
        let t = try TmuxSession("\(TmuxSession.binary) --backend ptrace -o \(out) -- \(command); echo \"exit=$?\"; sleep 60")
        let port = try #require(SmallServer.waitForPort(ready))
        #expect(SmallServer.ask(port: port) == "ok\n")
        try t.waitFor(limit == 0 ? "accept4" : "exited with code 0")
        try t.send("s")
        try t.waitFor("saved OCI JSON policy to \(out)")
        try t.send("q")
        // A syscall the server makes after the save makes the session unsaved: q then asks
        // (never quitting as if saved), and s in the question saves what is on screen.
        var screen = ""
        try waitFor(timeout: 30, interval: 0.1) {
            screen = try t.capture()
            if screen.contains("Unsaved changes. Quit anyway?") {
                try t.send("s")
                try t.waitFor("saved OCI JSON policy to \(out)")
                try t.send("q")
            }
            return screen.contains("exit=0")
        }
        #expect(screen.contains("seccomp-tui: policy saved to \(out)\n"), "\(screen)")
        #expect(screen.contains("exit=0"), "\(screen)")
        return out
    }

    @Test("learned in the TUI and saved while it runs: enforced, stopped and continued, inspected, it serves and exits 0 on SIGTERM")
    func savedWhileRunningHolds() throws {
        let dir = try scratch("server-e2e")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policyPath = try learnInTUI(in: dir, limit: 0)
        let policy = try PolicyIO.load(path: policyPath)
        for name in ["exit", "exit_group", "restart_syscall", "rt_sigreturn"] {
            #expect(policy.rules(for: name).contains(Rule(syscall: name, action: .allow)), "\(name)")
        }

        let served = try SmallServer.enforced(try SeccompTUIBinary.path(), policy: policyPath, in: dir)
        defer { if served.enforce.isRunning { kill(served.enforce.processIdentifier, SIGKILL) } }
        SmallServer.waitUntilSleeping(served.pid)
        kill(served.pid, SIGSTOP)
        #expect(waitFor { ProcFS.state(of: served.pid) == "T" })
        kill(served.pid, SIGCONT)
        SmallServer.waitUntilSleeping(served.pid)
        let inspected = try ProcessRunner.run([try SeccompTUIBinary.path(), "inspect", "--summary-only", String(served.pid)])
        #expect(inspected.status == 0, "\(inspected.stderr)")
        let end = served.serveThenStop()
        #expect(end.answer == "ok\n")
        #expect(end.status == 0, "\(end.stderr)")
        // Saved while it ran, the policy has not seen its exit after SIGTERM (Python's socket
        // finalizer calls getpeername): such calls are refused and listed, never the implicit ones.
        for name in ["exit_group", "restart_syscall", "rt_sigreturn"] {
            #expect(!end.stderr.contains("\n\(name) ×"), "\(end.stderr)")
        }
    }

    @Test("the same server learned through record + generate and through the TUI gives equal policies")
    func recordGenerateEqualsTUI() throws {
        let dir = try scratch("server-equal")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fromTUI = try PolicyIO.load(path: try learnInTUI(in: dir, limit: 1))
        let fromRecord = try InspectConfinedServerTests.learnServer(in: dir)
        #expect(fromTUI.defaultAction == fromRecord.defaultAction)
        #expect(fromTUI.architectures == fromRecord.architectures)
        let tuiNames = Set(fromTUI.syscallNames), recordNames = Set(fromRecord.syscallNames)
        #expect(tuiNames == recordNames,
                "only in the TUI's: \(tuiNames.subtracting(recordNames).sorted()); only in record's: \(recordNames.subtracting(tuiNames).sorted())")
        #expect(Set(fromTUI.rules) == Set(fromRecord.rules))
    }
}
