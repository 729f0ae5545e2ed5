import Foundation
import Testing
@testable import TraceCapture
import TestSupport

/// Commands that work against their tracer or their policy: one that makes us its tracer with
/// PTRACE_TRACEME, one that fails to exec under a policy refusing `write`, and the command of a
/// perf trace whose tracer is killed.
@Suite(.serialized) struct HostileProcessTests {
    typealias S = EnforceTestSupport

    /// Calls PTRACE_TRACEME (the tool, its parent, becomes its tracer), prints what that returned,
    /// then execs `sh -c 'kill -USR1 $$; exit 7'`-like work: a SIGTRAP stop at the exec, a signal
    /// after it.
    static let tracemeSource = """
        #include <errno.h>
        #include <stdio.h>
        #include <sys/ptrace.h>
        #include <unistd.h>
        int main(void) {
            long r = ptrace(PTRACE_TRACEME, 0, 0, 0);
            printf("traceme %ld %d\\n", r, r < 0 ? errno : 0);
            fflush(stdout);
            execl("/bin/sh", "sh", "-c", "trap 'exit 7' USR1; kill -USR1 $$; sleep 5; exit 1", (char *)0);
            return 99;
        }
        """

    static func traceme() throws -> String {
        try ProcessRunner.compileC(tracemeSource, name: "traceme", flags: ["-O2"])
    }

    /// `arguments` run under `timeout`: a hang fails the test instead of stopping the suite.
    static func bounded(_ arguments: [String], seconds: Int = 30) throws -> ProcessOutput {
        try ProcessRunner.run(["/usr/bin/timeout", "-s", "KILL", "\(seconds)"] + arguments)
    }

    @Test("a command that calls PTRACE_TRACEME runs to its end under record --backend perf, record --backend ptrace and enforce",
          arguments: ["perf", "ptrace", "enforce"])
    func tracemeRunsOn(_ mode: String) throws {
        let exe = try Self.traceme()
        let dir = try TestScratch.directory("traceme-\(mode)")
        let r: ProcessOutput
        if mode == "enforce" {
            let policy = dir.appendingPathComponent("all.policy").path
            try "@default allow\n".write(toFile: policy, atomically: true, encoding: .utf8)
            r = try Self.bounded([try SeccompTUIBinary.path(), "enforce", "--policy", policy, "--", exe])
        } else {
            let out = dir.appendingPathComponent("p.json").path
            r = try Self.bounded([try SeccompTUIBinary.path(), "record", "--backend", mode, "-o", out, "--", exe])
            #expect(FileManager.default.fileExists(atPath: out), "\(r.stderr)")
        }
        // The shell's trap ran (the signal reached it) and its status is the command's.
        #expect(r.status == 7, "\(r.stderr)")
        // Under the ptrace backend the command is already traced: TRACEME fails with EPERM.
        #expect(r.stdout.hasPrefix(mode == "ptrace" ? "traceme -1 1\n" : "traceme 0 0\n"), "\(r.stdout)")
    }

    /// A policy that allows the exec and the exit, and refuses everything else (write included).
    static func noWritePolicy() throws -> String {
        let path = try TestScratch.directory("nowrite").appendingPathComponent("nowrite.policy").path
        try "@default errno EPERM\nexecve: allow\nexit_group: allow\nexit: allow\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("enforce reports an exec failure even when the policy refuses write: 126 for a file that is not executable")
    func execPermissionDenied() throws {
        let r = try Self.bounded([try SeccompTUIBinary.path(), "enforce", "--policy", try Self.noWritePolicy(), "--", "/etc/passwd"])
        #expect(r.status == 126)
        #expect(r.stderr.contains("cannot run '/etc/passwd': permission denied"), "\(r.stderr)")
    }

    @Test("enforce reports an exec failure even when the policy refuses write: 127 for a missing command")
    func execNotFound() throws {
        let r = try Self.bounded([try SeccompTUIBinary.path(), "enforce", "--policy", try Self.noWritePolicy(), "--", "no-such-command-here"])
        #expect(r.status == 127)
        #expect(r.stderr.contains("cannot run 'no-such-command-here': no such file or directory"), "\(r.stderr)")
    }


    /// Whether `pid` still runs (exists and is not a zombie).
    static func runs(_ pid: Int32) -> Bool {
        ![nil, "Z"].contains(ProcFS.state(of: pid))
    }

    @Test("the command of a perf trace ends when the tracer is killed with SIGKILL", .requires(TraceBackends.perfUnavailableReason()))
    func perfTracerKilled() throws {
        let dir = try TestScratch.directory("perf-killed")
        let record = try ProcessRunner.start([try SeccompTUIBinary.path(), "record", "--backend", "perf",
                                              "-o", dir.appendingPathComponent("p.json").path, "--", "/bin/sleep", "60"])
        var command: Int32?
        waitFor(timeout: 20) {
            command = childProcesses(of: record.processIdentifier).first { pid in
                (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) == "sleep\n"
            }
            return command != nil
        }
        let sleep = try #require(command, "the traced sleep never started")
        defer { kill(sleep, SIGKILL) }
        kill(record.processIdentifier, SIGKILL)
        record.waitUntilExit()
        #expect(waitFor { !Self.runs(sleep) }, "the command runs on, untraced, after its tracer died")
    }
}
