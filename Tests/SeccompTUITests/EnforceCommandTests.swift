import Foundation
import PolicyModel
import Testing
import TestSupport

/// The `enforce` command end to end: bad input fails closed with one clear error, complain mode
/// writes a profile.
@Suite(.serialized) struct EnforceCommandTests {
    typealias S = EnforceTestSupport

    /// Runs `enforce --policy POLICY -- touch MARKER` and expects a refusal naming `expected`,
    /// status 125 and no marker.
    func expectRefused(policy: String, in dir: URL, _ expected: String, extra: [String] = []) throws {
        let marker = dir.appendingPathComponent("ran")
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--policy", policy] + extra + ["--", "/usr/bin/touch", marker.path])
        #expect(r.status == 125, "\(r.stderr)")
        #expect(r.stderr.contains(expected), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker.path), "the command must not run")
    }

    func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("missing, unreadable and malformed policies: the file is named, nothing runs")
    func unreadablePolicies() throws {
        let dir = try TestScratch.directory("enforce-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        try expectRefused(policy: dir.appendingPathComponent("missing.json").path, in: dir,
                          "missing.json: cannot read: no such file")
        // A directory cannot be read as a file (root reads any file, so permissions cannot show it).
        let sub = dir.appendingPathComponent("adir.json")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try expectRefused(policy: sub.path, in: dir, "adir.json: cannot read")
        let malformed = try write("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [", "malformed.json", in: dir)
        try expectRefused(policy: malformed, in: dir, "malformed.json:1:")
        let badAction = try write("{\"defaultAction\": \"SCMP_ACT_DENY\"}", "action.json", in: dir)
        try expectRefused(policy: badAction, in: dir, "action.json:1:19: defaultAction: unknown action \"SCMP_ACT_DENY\"")
    }

    @Test("NO_NEW_PRIVS is set only when the child lacks CAP_SYS_ADMIN")
    func noNewPrivs() throws {
        let dir = try TestScratch.directory("enforce-nnp")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try S.writeOCI(Policy(defaultAction: .allow, rules: [Rule(syscall: "uname", action: .errno(1))]),
                                    to: dir, name: "p.json")
        let command = ["enforce", "--policy", policy, "--", "/bin/grep", "NoNewPrivs", "/proc/self/status"]
        let privileged = try ProcessRunner.run([try SeccompTUIBinary.path()] + command)
        #expect(privileged.stdout == "NoNewPrivs:\t0\n", "root holds CAP_SYS_ADMIN: \(privileged.stderr)")
        let dropped = try ProcessRunner.run(["/usr/bin/setpriv", "--inh-caps=-sys_admin", "--bounding-set=-sys_admin", try SeccompTUIBinary.path()] + command)
        #expect(dropped.stdout == "NoNewPrivs:\t1\n", "\(dropped.stderr)")
    }

    @Test("a command that cannot be found exits 127 with the reason")
    func missingCommand() throws {
        let dir = try TestScratch.directory("enforce-nocmd")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try S.writeOCI(Policy(defaultAction: .allow), to: dir, name: "p.json")
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--policy", policy, "--", "/nonexistent/cmd"])
        #expect(r.status == 127)
        #expect(r.stderr.contains("cannot run '/nonexistent/cmd': no such file or directory"), "\(r.stderr)")
    }

    @Test("an unknown architecture is named, nothing runs")
    func unknownArchitecture() throws {
        let dir = try TestScratch.directory("enforce-arch")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try write("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_PDP11\"]}", "arch.json", in: dir)
        try expectRefused(policy: policy, in: dir, "SCMP_ARCH_PDP11")
    }

    @Test("a policy compiling to more than 4096 instructions is refused by the compiler, nothing runs")
    func tooLong() throws {
        let dir = try TestScratch.directory("enforce-long")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = (0..<2100).map { Rule(syscall: "ioctl", action: .allow, conditions: [Condition(index: 2, op: .eq, value: UInt64($0) << 33 | 5)]) }
        let path = try S.writeOCI(Policy(defaultAction: .errno(1), rules: rules), to: dir, name: "long.json")
        try expectRefused(policy: path, in: dir, "the policy cannot be compiled: the compiled filter has")
    }

    @Test("a policy that refuses execve says so; nothing runs")
    func refusesExecve() throws {
        let dir = try TestScratch.directory("enforce-exec")
        defer { try? FileManager.default.removeItem(at: dir) }
        let errno = try S.writeOCI(Policy(defaultAction: .allow, rules: [Rule(syscall: "execve", action: .errno(1))]),
                                   to: dir, name: "noexec.json")
        try expectRefused(policy: errno, in: dir, "the policy refuses execve on x86_64 (errno 1): '/usr/bin/touch' cannot start")
        let killed = try S.writeOCI(Policy(defaultAction: .killProcess, rules: [Rule(syscall: "read", action: .allow)]),
                                    to: dir, name: "kill.json")
        try expectRefused(policy: killed, in: dir, "the policy refuses execve on x86_64", extra: ["--report"])
    }

    @Test("a SIGSYS death is detected, and named with --report; the exit status is 128+31")
    func sigsysDeath() throws {
        let dir = try TestScratch.directory("enforce-sigsys")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try S.writeOCI(Policy(defaultAction: .allow, rules: [Rule(syscall: "getcwd", action: .killProcess)]),
                                    to: dir, name: "p.json")
        let plain = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--policy", policy, "--", "/bin/pwd"])
        #expect(plain.status == 159)
        // Named from the kernel log when it can be read and kept the record (rate limit), else a hint.
        #expect(plain.stderr.contains("'/bin/pwd' was killed by SIGSYS: the policy refused a system call when it called "
                                      + "getcwd (x86_64, nr 79; from the kernel log)")
                 || plain.stderr.contains("'/bin/pwd' was killed by SIGSYS: the policy refused a system call; run with --report"),
                 "\(plain.stderr)")
        // A shell reports its child's death as 159; the kernel log (when readable) names the call.
        let shell = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--policy", policy, "--", "/bin/sh", "-c", "/bin/pwd; exit $?"])
        #expect(shell.status == 159)
        if shell.stderr.contains("the kernel log shows") {
            #expect(shell.stderr.contains("exit status 159 is 128+SIGSYS; the kernel log shows the filter killing getcwd (x86_64) in pid"))
        }
        let reported = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--report", "--policy", policy, "--", "/bin/pwd"])
        #expect(reported.status == 159)
        #expect(reported.stderr.contains("when it called getcwd (x86_64, nr 79; from the kernel log)"), "\(reported.stderr)")
        let reportedShell = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--report", "--policy", policy, "--", "/bin/sh", "-c", "/bin/pwd; exit $?"])
        #expect(reportedShell.status == 159)
        #expect(reportedShell.stderr.contains("the policy killed in processes CMD started (from the kernel log): getcwd (x86_64) in pid"),
                "\(reportedShell.stderr)")
    }

    @Test("a crash (SIGSEGV) under the policy is named, with --complain as the way to find a refused call")
    func crashHint() throws {
        let dir = try TestScratch.directory("enforce-crash")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try S.writeOCI(Policy(defaultAction: .allow, rules: [Rule(syscall: "uname", action: .errno(1))]),
                                    to: dir, name: "p.json")
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--policy", policy, "--", "/bin/sh", "-c", "kill -SEGV $$"])
        #expect(r.status == 139)
        #expect(r.stderr.contains("'/bin/sh' was killed by SIGSEGV (exit status 139); if a call the policy refused "
                                  + "with an errno made it crash, --complain lists"), "\(r.stderr)")
        let fine = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--policy", policy, "--", "/bin/sh", "-c", "exit 3"])
        #expect(fine.status == 3)
        #expect(fine.stderr.isEmpty, "\(fine.stderr)")
    }

    @Test("--log-only refuses nothing and says where the kernel logs the calls")
    func logOnly() throws {
        let dir = try TestScratch.directory("enforce-log")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try S.writeOCI(Policy(defaultAction: .allow, rules: [Rule(syscall: "uname", action: .killProcess)]),
                                    to: dir, name: "p.json")
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--log-only", "--policy", policy, "--", "/bin/uname", "-s"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "Linux\n")
        #expect(r.stderr.contains("--log-only: the kernel logs each call the policy would refuse as an audit record"))
        let withOutput = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--log-only", "-o", "x.json", "--policy", policy, "--", "/bin/true"])
        #expect(withOutput.status != 0 && withOutput.stderr.contains("-o needs --complain without --log-only"))
    }

    @Test("--complain runs the program unchanged, reports each refused call once with its count, and -o writes a profile")
    func complainProfile() throws {
        let dir = try TestScratch.directory("enforce-complain")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try S.writeOCI(Policy(defaultAction: .allow, rules: [
            Rule(syscall: "uname", action: .errno(1)),
            Rule(syscall: "openat", action: .errno(13), conditions: [Condition(index: 2, op: .maskedEq, value: 3, valueTwo: 1)]),
        ]), to: dir, name: "p.json")
        let out = dir.appendingPathComponent("refused.json").path
        let script = "uname -s; uname -s; echo x > \(dir.path)/w; cat /etc/hostname >/dev/null"
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--complain", "-o", out, "--policy", policy, "--", "/bin/sh", "-c", script])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "Linux\nLinux\n")
        #expect(r.stderr.contains("uname ×2 (x86_64, nr 63;"), "\(r.stderr)")
        #expect(r.stderr.contains("openat ×2"), "the file and /dev/null are opened for writing: \(r.stderr)")
        #expect(r.stderr.contains("filename=\"\(dir.path)/w\""), "\(r.stderr)")
        #expect(r.stderr.contains("O_WRONLY"), "decoded flags: \(r.stderr)")
        let profile = try Profile.decodeJSON([UInt8](try Data(contentsOf: URL(fileURLWithPath: out))))
        #expect(profile.names(arch: .x86_64) == ["openat", "uname"])
        #expect(profile.syscall(named: "uname", arch: .x86_64)?.count == 2)
        // merge accepts it, with a profile recorded by `record`.
        let recorded = dir.appendingPathComponent("recorded.json").path
        let rec = try ProcessRunner.run([try SeccompTUIBinary.path(), "record", "--backend", "ptrace", "-o", recorded, "--", "/bin/uname", "-s"])
        try #require(rec.status == 0, "\(rec.stderr)")
        let mergedPath = dir.appendingPathComponent("merged.json").path
        let m = try ProcessRunner.run([try SeccompTUIBinary.path(), "merge", out, recorded, "-o", mergedPath])
        #expect(m.status == 0, "\(m.stderr)")
        let merged = try Profile.decodeJSON([UInt8](try Data(contentsOf: URL(fileURLWithPath: mergedPath))))
        #expect(merged.syscall(named: "uname", arch: .x86_64)?.count == 3)
        #expect(merged.syscall(named: "openat", arch: .x86_64) != nil)
    }
}
