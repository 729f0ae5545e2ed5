import Foundation
import Glibc
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// `seccomp-tui ask` headless, run as the real binary against the kernel.
@Suite(.serialized, .requires(Requirement.userNotif))
struct AskCommandTests {
    /// Whether every thread of `pid` is stopped (state `T`).
    static func allStopped(_ pid: Int32) -> Bool {
        let tasks = ProcFS.threads(of: pid)
        return !tasks.isEmpty && tasks.allSatisfy { ProcFS.state(of: $0) == "T" }
    }

    @Test("the saved policy, enforced, runs the same program to the same output; denied calls stay denied")
    func savedPolicyRunsTheSame() throws {
        let dir = try TestScratch.directory("ask")
        let script = "echo hello; ls /usr; (cat /etc/hostname) | wc -c"
        let command = ["/bin/sh", "-c", script]
        let plain = try ProcessRunner.run(command)
        let policy = dir.appendingPathComponent("app.json").path
        let asked = try ProcessRunner.run([try SeccompTUIBinary.path(), "ask", "--quiet", "--answer", "allow",
                                                "-o", policy, "--"] + command)
        #expect(asked.status == 0, "\(asked.stderr)")
        #expect(asked.stdout == plain.stdout)
        let enforced = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--policy", policy, "--"] + command)
        #expect(enforced.status == 0, "\(enforced.stderr)")
        #expect(enforced.stdout == plain.stdout)
        // The profile of the asked calls is a profile the other commands read.
        let profileBytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent("app.profile.json")))
        let profile = try Profile.decodeJSON(profileBytes)
        #expect(profile.syscalls.contains { $0.name == "getdents64" })
        #expect(profile.syscalls.contains { $0.name == "execve" })

        // Denying uname always: the saved text policy denies it, and enforce refuses it the same way.
        let denied = dir.appendingPathComponent("deny.policy").path
        let unameCommand = ["/bin/sh", "-c", "uname -s || echo refused"]
        let d = try ProcessRunner.run([try SeccompTUIBinary.path(), "ask", "--policy", policy, "--answer", "deny:EACCES",
                                            "-o", denied, "--"] + unameCommand)
        #expect(d.stderr.contains("asked: uname("), "\(d.stderr)")
        #expect(d.stdout.contains("refused"))
        let text = try String(contentsOfFile: denied, encoding: .utf8)
        #expect(text.contains("uname: errno EACCES"))
        let again = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--policy", denied, "--"] + unameCommand)
        #expect(again.stdout == d.stdout)
    }

    @Test("the program holds no descriptor of the supervisor's (no listener, no pipe)")
    func noDescriptorLeaks() throws {
        let command = ["/bin/ls", "-l", "/proc/self/fd"]
        func targets(_ text: String) -> [String] {
            text.split(separator: "\n").compactMap { line in line.range(of: " -> ").map { String(line[$0.upperBound...]) } }
                .filter { !$0.hasPrefix("/proc/") }
                .map { $0.split(separator: ":").first.map(String.init) ?? $0 }.sorted()  // "pipe", "socket", "anon_inode"
        }
        let plain = try ProcessRunner.run(command)
        let asked = try ProcessRunner.run([try SeccompTUIBinary.path(), "ask", "--quiet", "--answer", "allow", "--"] + command)
        #expect(asked.status == 0)
        #expect(!asked.stdout.contains("seccomp"))
        #expect(asked.stdout.split(separator: "\n").count == plain.stdout.split(separator: "\n").count, "\(asked.stdout)")
        #expect(targets(asked.stdout) == targets(plain.stdout))
    }

    @Test("killing the supervisor unblocks the waiting call with ENOSYS; the program runs on")
    func killedSupervisorUnblocks() throws {
        let dir = try TestScratch.directory("ask")
        let bin = try ProcessRunner.compileC("""
            #include <errno.h>
            #include <stdio.h>
            #include <string.h>
            #include <sys/syscall.h>
            #include <unistd.h>
            int main(void) {
                char c, line[64];
                write(1, "ready\\n", 6);
                if (read(0, &c, 1) != 1) return 2;
                errno = 0;
                long r = syscall(SYS_getppid);
                int n = snprintf(line, sizeof line, "getppid %ld %d\\n", r, r < 0 ? errno : 0);
                write(1, line, n);
                return 0;
            }
            """, name: "waiter")
        // read and write are the policy's; everything else asks and is allowed always.
        let policy = dir.appendingPathComponent("base.policy").path
        try "@default errno EPERM\nread: allow\nwrite: allow\n".write(toFile: policy, atomically: true, encoding: .utf8)
        let input = Pipe(), output = Pipe()
        let p = try ProcessRunner.start([try SeccompTUIBinary.path(), "ask", "--quiet", "--policy", policy, "--answer", "allow",
                                         "--", bin], stdin: input, stdout: output)
        let reader = output.fileHandleForReading
        var text = ""
        while !text.contains("ready\n") {
            let d = reader.availableData
            if d.isEmpty { break }
            text += String(decoding: d, as: UTF8.self)
        }
        try #require(text == "ready\n")
        // The supervisor cannot answer while stopped: getppid waits in the kernel.
        kill(p.processIdentifier, SIGSTOP)
        // Each thread stops when it next runs: wait until all have (under load that takes a while).
        try #require(waitFor { Self.allStopped(p.processIdentifier) })
        input.fileHandleForWriting.write(Data("x".utf8))
        // Nothing to read for half a second: the call waits for an answer that does not come.
        var ready = pollfd(fd: reader.fileDescriptor, events: Int16(POLLIN), revents: 0)
        #expect(poll(&ready, 1, 500) == 0, "the call returned without an answer")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        // The orphaned program ends once its call failed; its output pipe then closes.
        let rest = String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        #expect(rest == "getppid -1 \(ENOSYS)\n")
    }

    @Test("--help says that ask is not a security boundary and why")
    func helpSafetyNote() throws {
        let bin = try SeccompTUIBinary.path()
        let help = try ProcessRunner.run([bin, "ask", "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("Not a security boundary while learning"))
        #expect(help.contains("SECCOMP_USER_NOTIF_FLAG_CONTINUE"))
        #expect(help.contains("fail with ENOSYS"))
        #expect(try ProcessRunner.run([bin, "--help"]).stdout.contains("ask"))
    }

    @Test("bad --answer values and a missing --answer are refused before anything runs")
    func badArguments() throws {
        let bin = try SeccompTUIBinary.path()
        let dir = try TestScratch.directory("ask")
        let marker = dir.appendingPathComponent("ran").path
        for answer in ["deny:ENOTANERRNO", "deny:0", "deny:4096", "maybe", "allow:1"] {
            let bad = try ProcessRunner.run([bin, "ask", "--answer", answer, "--", "/usr/bin/touch", marker])
            #expect(bad.status != 0)
            #expect(bad.stderr.contains("--answer"), "\(answer): \(bad.stderr)")
        }
        let none = try ProcessRunner.run([bin, "ask", "--", "/usr/bin/touch", marker])
        #expect(none.status != 0)
        let missing = try ProcessRunner.run([bin, "ask", "--answer", "allow", "-o", "/nonexistent-dir/p.json", "--",
                                                  "/usr/bin/touch", marker])
        #expect(missing.status == 125)
        #expect(missing.stderr.contains("was not run"))
        #expect(!FileManager.default.fileExists(atPath: marker))
        // deny:13 and a bare deny (EPERM): the written policy says which errno.
        for (answer, text) in [("deny:13", "errno EACCES"), ("deny", "errno EPERM")] {
            let out = dir.appendingPathComponent("p.policy").path
            _ = try ProcessRunner.run([bin, "ask", "--quiet", "--answer", answer, "-o", out, "--", "/bin/true"])
            #expect(try String(contentsOfFile: out, encoding: .utf8).contains("brk: \(text)"))
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("p.profile.json").path))
        }
    }
}
