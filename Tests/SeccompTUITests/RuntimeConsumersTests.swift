import Foundation
import PolicyModel
import Testing
import TestSupport

/// Real consumers of our exports: runc runs a minimal OCI bundle under a profile learned on the
/// host (and under Docker's default profile after our import/export), bwrap installs our raw BPF.
@Suite(.serialized, .requiresRoot, .requires(Requirement.runc), .requires(Requirement.bwrap)) struct RuntimeConsumersTests {
    typealias S = EnforceTestSupport

    static let script = "echo hi; ls /; cat /etc/hostname; uname -s"

    /// A bundle in `dir`: a busybox rootfs, `runc spec` without cgroups, no terminal.
    func makeBundle(in dir: URL) throws {
        let rootfs = dir.appendingPathComponent("rootfs")
        let bin = rootfs.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: rootfs.appendingPathComponent("etc"), withIntermediateDirectories: true)
        // Copied by cp: a copy open in this process could leak into a program another test forks,
        // and runc's exec would fail with ETXTBSY.
        let copied = try ProcessRunner.run(["/bin/cp", "/bin/busybox", bin.appendingPathComponent("busybox").path])
        try #require(copied.status == 0, "\(copied.stderr)")
        for applet in ["sh", "ls", "cat", "echo", "uname"] {
            try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(applet).path, withDestinationPath: "busybox")
        }
        try "box\n".write(to: rootfs.appendingPathComponent("etc/hostname"), atomically: true, encoding: .utf8)
        let spec = try ProcessRunner.run(["/usr/sbin/runc", "spec"], in: dir)
        try #require(spec.status == 0, "\(spec.stderr)")
    }

    /// Rewrites config.json: the script as the process, no cgroups, and `seccomp` (OCI JSON text) or none.
    func configure(_ dir: URL, seccomp: String?, noNewPrivileges: Bool = true) throws {
        let url = dir.appendingPathComponent("config.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var process = try #require(config["process"] as? [String: Any])
        process["terminal"] = false
        process["args"] = ["/bin/sh", "-c", Self.script]
        process["noNewPrivileges"] = noNewPrivileges
        config["process"] = process
        var linux = try #require(config["linux"] as? [String: Any])
        linux["resources"] = nil
        linux["namespaces"] = (linux["namespaces"] as? [[String: Any]] ?? []).filter { $0["type"] as? String != "cgroup" }
        if let seccomp {
            linux["seccomp"] = try JSONSerialization.jsonObject(with: Data(seccomp.utf8))
        } else {
            linux["seccomp"] = nil
        }
        config["linux"] = linux
        config["mounts"] = (config["mounts"] as? [[String: Any]] ?? []).filter { $0["destination"] as? String != "/sys/fs/cgroup" }
        try JSONSerialization.data(withJSONObject: config).write(to: url)
    }

    func runc(_ dir: URL) throws -> ProcessOutput {
        let id = "seccomp-tui-test-\(UUID().uuidString.prefix(8))"
        defer { _ = try? ProcessRunner.run(["/usr/sbin/runc", "delete", "-f", id]) }
        return try ProcessRunner.run(["/usr/sbin/runc", "run", "--bundle", dir.path, id])
    }

    /// `export POLICY --format oci --runtime R` through the binary.
    func export(_ policyPath: String, runtime: String, in dir: URL) throws -> String {
        let out = dir.appendingPathComponent("exported-\(runtime).json")
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "export", policyPath, "--format", "oci", "--runtime", runtime, "-o", out.path])
        try #require(r.status == 0, "\(r.stderr)")
        return try String(contentsOf: out, encoding: .utf8)
    }

    @Test("runc: a profile learned on the host, exported for runc, gives the container's unconfined output; without runc's calls the container cannot start")
    func runcLearnedProfile() throws {
        let dir = try TestScratch.directory("runc-learned")
        defer { try? FileManager.default.removeItem(at: dir) }
        try makeBundle(in: dir)
        try configure(dir, seccomp: nil)
        let unconfined = try runc(dir)
        try #require(unconfined.status == 0, "\(unconfined.stderr)")
        #expect(unconfined.stdout.hasPrefix("hi\n") && unconfined.stdout.hasSuffix("box\nLinux\n"))

        let learned = try S.learn(["/bin/busybox", "sh", "-c", Self.script], in: dir, defaultAction: "errno EPERM")
        let learnedPath = try S.writeOCI(learned, to: dir, name: "learned.json")
        let forRunc = try export(learnedPath, runtime: "runc", in: dir)
        for nnp in [true, false] {
            try configure(dir, seccomp: forRunc, noNewPrivileges: nnp)
            let confined = try runc(dir)
            #expect(confined.status == 0, "noNewPrivileges \(nnp): \(confined.stderr)")
            #expect(confined.stdout == unconfined.stdout, "noNewPrivileges \(nnp)")
        }
        try configure(dir, seccomp: try export(learnedPath, runtime: "none", in: dir))
        let bare = try runc(dir)
        #expect(bare.status != 0, "runc init needs calls the program does not make")
        #expect(bare.stdout.isEmpty)
    }

    @Test("runc: the learned profile without clone makes the shell's fork fail with EPERM")
    func runcRemovedSyscall() throws {
        let dir = try TestScratch.directory("runc-removed")
        defer { try? FileManager.default.removeItem(at: dir) }
        try makeBundle(in: dir)
        var learned = try S.learn(["/bin/busybox", "sh", "-c", Self.script], in: dir, defaultAction: "errno EPERM")
        try #require(learned.rules.contains { $0.syscall == "clone" })
        learned.rules.removeAll { $0.syscall == "clone" }
        let path = try S.writeOCI(learned, to: dir, name: "no-clone.json")
        try configure(dir, seccomp: try export(path, runtime: "runc", in: dir))
        let r = try runc(dir)
        #expect(r.stdout.hasPrefix("hi\n"), "echo is a shell builtin and still runs")
        #expect(r.stderr.contains("can't fork: Operation not permitted"), "\(r.stderr)")
        #expect(r.status != 0)
    }

    @Test("runc: Docker's default profile runs the container after our import and export")
    func runcDockerDefault() throws {
        let dir = try TestScratch.directory("runc-docker")
        defer { try? FileManager.default.removeItem(at: dir) }
        try makeBundle(in: dir)
        try configure(dir, seccomp: nil)
        let unconfined = try runc(dir)
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../PolicyModelTests/Fixtures/docker-default.json").standardized.path
        // For x86_64, x32 and x86 at once the OCI writer refuses argument rules (libseccomp 2.5.4
        // compiles them wrongly for the second architecture): the profile is taken for x86_64 alone.
        let text = dir.appendingPathComponent("docker.policy").path
        let converted = try ProcessRunner.run([try SeccompTUIBinary.path(), "export", fixture, "--format", "text", "-o", text])
        try #require(converted.status == 0, "\(converted.stderr)")
        let lines = try String(contentsOfFile: text, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        try lines.map { $0.hasPrefix("@arch") ? "@arch x86_64" : String($0) }.joined(separator: "\n")
            .write(toFile: text, atomically: true, encoding: .utf8)
        for runtime in ["none", "runc"] {
            try configure(dir, seccomp: try export(text, runtime: runtime, in: dir), noNewPrivileges: false)
            let confined = try runc(dir)
            #expect(confined.status == 0, "\(runtime): \(confined.stderr)")
            #expect(confined.stdout == unconfined.stdout, "\(runtime)")
        }
    }

    @Test("bwrap: the raw BPF export of a learned profile runs the program with the same output, and refuses what was removed")
    func bwrapRawBPF() throws {
        let dir = try TestScratch.directory("bwrap")
        defer { try? FileManager.default.removeItem(at: dir) }
        let command = ["/bin/busybox", "sh", "-c", "echo hi; ls /usr; cat /etc/hostname; uname -s"]
        var learned = try S.learn(command, in: dir, defaultAction: "errno EPERM")
        let plain = try ProcessRunner.run(command, in: dir)
        func underBwrap(_ policy: Policy) throws -> ProcessOutput {
            let bpf = dir.appendingPathComponent("policy.bpf")
            let json = try S.writeOCI(policy, to: dir, name: "policy.json")
            let e = try ProcessRunner.run([try SeccompTUIBinary.path(), "export", json, "--format", "bpf", "-o", bpf.path])
            try #require(e.status == 0, "\(e.stderr)")
            let quoted = command.map { "'\($0)'" }.joined(separator: " ")
            return try ProcessRunner.run(["/bin/bash", "-c", "bwrap --ro-bind / / --seccomp 3 3<'\(bpf.path)' \(quoted)"], in: dir)
        }
        let confined = try underBwrap(learned)
        #expect(confined.status == 0, "\(confined.stderr)")
        #expect(confined.stdout == plain.stdout)
        learned.rules.removeAll { $0.syscall == "clone" }
        let refused = try underBwrap(learned)
        #expect(refused.stderr.contains("can't fork: Operation not permitted"), "\(refused.stderr)")
    }
}
