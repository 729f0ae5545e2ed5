import Foundation
import Glibc
import PolicyModel
import Testing
import TraceCapture
import TUI
import TestSupport

/// `diff` and `lint` as a user runs them: files of every format, a running process, exit statuses.
@Suite(.serialized) struct DiffLintCommandTests {
    typealias S = EnforceTestSupport

    static let a = """
        @default errno EPERM
        @arch x86_64
        read: allow
        write: fd == 1 || fd == 2
        socket: domain == AF_INET || domain == AF_INET6
        exit_group: allow
        """
    static let b = """
        @default errno EPERM
        @arch x86_64
        read: allow
        write: fd == 1 || fd == 2
        socket: domain == AF_INET || domain == AF_INET6 || domain == AF_NETLINK
        exit_group: allow
        """

    static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("diff: readable conditions and exit 1 when different, 0 when equal (text, OCI, raw BPF alike), 2 on an error")
    func diffFiles() throws {
        let dir = try TestScratch.directory("diff")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try Self.write(Self.a, "a.policy", in: dir), b = try Self.write(Self.b, "b.policy", in: dir)
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "diff", a, b])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.contains("x86_64:\n  socket: B allows domain == AF_NETLINK, A refuses it with errno EPERM (1)\n      e.g. socket(16, 0, 0, 0, 0, 0)\n"),
                "\(r.stdout)")
        #expect(!r.stdout.contains("write:") && !r.stdout.contains("read:"), "syscalls decided alike print nothing")
        // B is looser than A, not the other way round.
        #expect(try ProcessRunner.run([try SeccompTUIBinary.path(), "diff", "--subset", a, b]).status == 1)
        #expect(try ProcessRunner.run([try SeccompTUIBinary.path(), "diff", "--subset", b, a]).status == 0)
        // A policy and its raw BPF export are equal, from text and from OCI JSON.
        let json = dir.appendingPathComponent("a.json").path, bpf = dir.appendingPathComponent("a.bpf").path
        let jsonBPF = dir.appendingPathComponent("a-json.bpf").path
        #expect(try ProcessRunner.run([try SeccompTUIBinary.path(), "export", a, "--format", "oci", "-o", json]).status == 0)
        #expect(try ProcessRunner.run([try SeccompTUIBinary.path(), "export", a, "--format", "bpf", "-o", bpf]).status == 0)
        #expect(try ProcessRunner.run([try SeccompTUIBinary.path(), "export", json, "--format", "bpf", "-o", jsonBPF]).status == 0)
        let same = try ProcessRunner.run([try SeccompTUIBinary.path(), "diff", bpf, a])
        #expect(same.status == 0 && same.stdout.contains("decide every call alike"), "\(same.stdout)\(same.stderr)")
        #expect(try ProcessRunner.run([try SeccompTUIBinary.path(), "diff", json, jsonBPF]).status == 0)
        // OCI JSON has no bad-architecture action: read back, it is libseccomp's kill-thread, not the text's kill.
        let viaJSON = try ProcessRunner.run([try SeccompTUIBinary.path(), "diff", a, json])
        #expect(viaJSON.status == 1)
        let i386Calls = SyscallTable.shared.definitions(for: .i386).count
        #expect(viaJSON.stdout.contains("i386:\n  every syscall (\(i386Calls)): A kills the process on it, B kills the thread on it\n"),
                "\(viaJSON.stdout)")
        // --ignore-errno: EPERM against ENOSYS is no difference.
        let enosys = try Self.write(Self.a.replacingOccurrences(of: "errno EPERM", with: "errno ENOSYS"), "c.policy", in: dir)
        #expect(try ProcessRunner.run([try SeccompTUIBinary.path(), "diff", a, enosys]).status == 1)
        #expect(try ProcessRunner.run([try SeccompTUIBinary.path(), "diff", "--ignore-errno", a, enosys]).status == 0)
        let missing = try ProcessRunner.run([try SeccompTUIBinary.path(), "diff", a, dir.appendingPathComponent("nope.json").path])
        #expect(missing.status == 2 && missing.stderr.contains("nope.json: cannot read: no such file"), "\(missing.stderr)")
    }

    @Test("diff pid:N compares the filters a running process has (two stacked) with a policy, exactly")
    func diffProcess() throws {
        let dir = try TestScratch.directory("diff-pid")
        defer { try? FileManager.default.removeItem(at: dir) }
        let inner = Policy(defaultAction: .allow, rules: [
            Rule(syscall: "getcwd", action: .killProcess),
            Rule(syscall: "socket", action: .errno(97), conditions: [Condition(index: 0, op: .eq, value: 10, width: .bits32)]),
        ])
        let outer = Policy(defaultAction: .allow, rules: [Rule(syscall: "uname", action: .errno(1))])
        let stacked = try S.sleepUnderTwoFilters(outer: outer, inner: inner, in: dir)
        defer { stacked.stop() }
        let pid = stacked.sleeper, innerPath = stacked.innerPath
        // Both filters together mean exactly this policy. enforce installs the inner policy's
        // errno refusals as user_notif: its supervisor answers them with the errno (97).
        let combined = try Self.write("""
            @default allow
            @arch \(Arch.host.rawValue)
            uname: errno 1
            getcwd: kill
            socket: notify if domain == AF_INET6
            """, "combined.policy", in: dir)
        let equal = try ProcessRunner.run([try SeccompTUIBinary.path(), "diff", "pid:\(pid)", combined])
        #expect(equal.status == 0, "\(equal.stdout)\(equal.stderr)")
        let inside = try ProcessRunner.run([try SeccompTUIBinary.path(), "diff", innerPath, "pid:\(pid)"])
        #expect(inside.status == 1)
        #expect(inside.stdout.contains("  uname: A allows it, B refuses it with errno EPERM (1)"), "\(inside.stdout)")
        #expect(kill(pid, 0) == 0, "the process keeps running")
    }

    @Test("lint: warnings with their fix, the score, --fail-on and --explain")
    func lint() throws {
        let dir = try TestScratch.directory("lint")
        defer { try? FileManager.default.removeItem(at: dir) }
        let open = try Self.write("@default allow\n@arch x86_64\n", "open.policy", in: dir)
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "lint", open])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("high   default-allow: the default action is allow\n       fix: "), "\(r.stdout)")
        #expect(r.stdout.contains("high   io-uring [x86_64]: io_uring_setup is allowed"))
        #expect(r.stdout.contains("exposure: 9.1/10"), "\(r.stdout)")
        #expect(try ProcessRunner.run([try SeccompTUIBinary.path(), "lint", open, "--fail-on", "high"]).status == 1)
        let a = try Self.write(Self.a.replacingOccurrences(of: "errno EPERM", with: "errno ENOSYS"), "a.policy", in: dir)
        let tight = try ProcessRunner.run([try SeccompTUIBinary.path(), "lint", a, "--fail-on", "info"])
        #expect(tight.status == 0 && tight.stdout.hasPrefix("no warnings\nexposure: 0.0/10"), "\(tight.stdout)")
        let eperm = try Self.write(Self.a, "eperm.policy", in: dir)
        #expect(try ProcessRunner.run([try SeccompTUIBinary.path(), "lint", eperm, "--fail-on", "medium"]).status == 1, "clone3 refused with EPERM")
        #expect(try ProcessRunner.run([try SeccompTUIBinary.path(), "lint", eperm, "--fail-on", "high"]).status == 0)
        let explain = try ProcessRunner.run([try SeccompTUIBinary.path(), "lint", "--explain", "clone3-errno"])
        #expect(explain.status == 0 && explain.stdout.contains("fall back to clone only"), "\(explain.stdout)")
        let unknown = try ProcessRunner.run([try SeccompTUIBinary.path(), "lint", "--explain", "nonsense"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no warning is called 'nonsense'"))
    }
}
