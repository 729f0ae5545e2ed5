import Foundation
import PolicyModel
import Testing
import TestSupport
import TUI

/// The container round trip in real podman (runc): record a container through our OCI hook,
/// generate a policy, run the same container under it. Needs root (podman's hooks, runc, perf);
/// `scripts/install-deps` installs podman.
@Suite(.serialized, .requiresRoot, .requires(Requirement.podman), .requires(Requirement.runc))
struct PodmanTests {
    typealias S = EnforceTestSupport

    static let image = "localhost/seccomp-tui-test:1"  // bump when makeImage changes
    static let script = "echo hi; ls /; cat /etc/motd"
    static let expected = "hi\nbin\ndev\netc\nproc\nrun\nsys\nwelcome\n"

    /// podman on PATH.
    static func podmanPath() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return try #require(path.split(separator: ":").map { "\($0)/podman" }.first { FileManager.default.isExecutableFile(atPath: $0) },
                            "podman is not installed: run scripts/install-deps")
    }

    /// podman with runc and the rlimits this machine can grant (it lacks CAP_SYS_RESOURCE).
    static func podman(_ arguments: [String], hooks: URL? = nil) throws -> ProcessOutput {
        let podman = try podmanPath()
        var args = [podman, "--runtime", "/usr/sbin/runc"]
        if let hooks { args += ["--hooks-dir", hooks.path] }
        args += arguments
        if arguments.first == "run" {
            args.insert(contentsOf: ["--pull", "never", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"],
                        at: args.firstIndex(of: "run")! + 1)
        }
        return try ProcessRunner.run(args)
    }

    /// The test image: a static busybox and an /etc/motd, imported (no registry here). Made once.
    static func makeImage() throws {
        if try podman(["image", "exists", image]).status == 0 { return }
        let dir = try TestScratch.directory("podman-image")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rootfs = dir.appendingPathComponent("rootfs")
        let bin = rootfs.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: rootfs.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: bin.appendingPathComponent("busybox").path)
        for applet in ["sh", "ls", "cat", "echo", "mkdir", "sleep"] {
            try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(applet).path, withDestinationPath: "busybox")
        }
        try "welcome\n".write(to: rootfs.appendingPathComponent("etc/motd"), atomically: true, encoding: .utf8)
        let tar = dir.appendingPathComponent("rootfs.tar")
        let packed = try ProcessRunner.run(["/usr/bin/tar", "-C", rootfs.path, "-cf", tar.path, "."])
        try #require(packed.status == 0, "\(packed.stderr)")
        let imported = try podman(["import", "-q", tar.path, image])
        try #require(imported.status == 0, "\(imported.stderr)")
    }

    /// A hooks directory holding the shipped `contrib/hooks.d/seccomp-tui-hook.json`, pointed at
    /// the built binary and a log in `dir`.
    static func hooksDir(in dir: URL, backend: String = "auto") throws -> URL {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("contrib/hooks.d/seccomp-tui-hook.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: shipped)) as? [String: Any])
        var hook = try #require(config["hook"] as? [String: Any])
        hook["path"] = try SeccompTUIBinary.path()
        hook["args"] = (hook["args"] as? [String] ?? []) + ["--log", dir.appendingPathComponent("hook.log").path, "--backend", backend]
        config["hook"] = hook
        let hooks = dir.appendingPathComponent("hooks.d")
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: config).write(to: hooks.appendingPathComponent("seccomp-tui-hook.json"))
        return hooks
    }

    /// Runs the script in a container annotated for the hook and waits for the profile (the
    /// tracer writes it once the container's last process ended).
    static func recordThroughHook(_ annotation: String, output: URL, in dir: URL, script: String = script,
                                  backend: String = "auto") throws -> ProcessOutput {
        let run = try podman(["run", "--rm", "--annotation", "io.containers.trace-syscall=\(annotation)", image, "sh", "-c", script],
                             hooks: try hooksDir(in: dir, backend: backend))
        waitFor { FileManager.default.fileExists(atPath: output.path) }
        return run
    }

    @Test("hook → generate --runtime runc → podman run --security-opt seccomp=: the same output; a call outside the profile gets EPERM; without the runtime's calls the container does not start; Docker's default profile runs it")
    func roundTrip() throws {
        try Self.makeImage()
        let dir = try TestScratch.directory("podman-round-trip")
        defer { try? FileManager.default.removeItem(at: dir) }
        let profilePath = dir.appendingPathComponent("recorded.json")
        let recorded = try Self.recordThroughHook("of:\(profilePath.path)", output: profilePath, in: dir)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stdout == Self.expected)
        let profile = try ProfileIO.load(path: profilePath.path)
        // The program's calls, from its execve on; the runtime's init apart.
        #expect(profile.metadata.command == ["sh", "-c", Self.script])
        #expect(profile.syscalls.first?.name == "execve")
        #expect(profile.syscall(named: "getdents64", arch: .x86_64) != nil)  // ls
        let runtime = profile.metadata.runtimeSyscalls[.x86_64] ?? []
        #expect(runtime.isSuperset(of: ["openat", "close", "fstatfs", "getdents64"]), "\(runtime.sorted())")  // runc's /proc/self/fd check
        #expect(!runtime.contains("mount") && !runtime.contains("pivot_root"), "set-up calls before the filter point")
        let log = try String(contentsOf: dir.appendingPathComponent("hook.log"), encoding: .utf8)
        #expect(log.contains("wrote \(profilePath.path)"), "\(log)")

        let policy = dir.appendingPathComponent("policy.json").path
        let generated = try ProcessRunner.run([try SeccompTUIBinary.path(), "generate", profilePath.path, "--runtime", "runc", "-o", policy])
        try #require(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stderr.contains("allowed for runc (as recorded)'s init"))
        let confined = try Self.podman(["run", "--rm", "--security-opt", "seccomp=\(policy)", Self.image, "sh", "-c", Self.script])
        #expect(confined.status == 0, "\(confined.stderr)")
        #expect(confined.stdout == Self.expected)

        let denied = try Self.podman(["run", "--rm", "--security-opt", "seccomp=\(policy)", Self.image, "sh", "-c", "mkdir /tmp/d"])
        #expect(denied.status == 1)
        #expect(denied.stderr.contains("can't create directory '/tmp/d': Operation not permitted"), "\(denied.stderr)")

        let programOnly = dir.appendingPathComponent("program-only.json").path
        let g2 = try ProcessRunner.run([try SeccompTUIBinary.path(), "generate", profilePath.path, "-o", programOnly])
        #expect(g2.stderr.contains("give --runtime to allow them"))
        let refused = try Self.podman(["run", "--rm", "--security-opt", "seccomp=\(programOnly)", Self.image, "sh", "-c", Self.script])
        #expect(refused.status != 0 && refused.stdout.isEmpty, "\(refused.stderr)")

        let dockerDefault = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PolicyModelTests/Fixtures/docker-default.json").path
        let docker = try Self.podman(["run", "--rm", "--security-opt", "seccomp=\(dockerDefault)", Self.image, "sh", "-c", Self.script])
        #expect(docker.status == 0, "\(docker.stderr)")
        #expect(docker.stdout == Self.expected)
    }

    @Test("hook with if: merges the earlier profile into the new one; the ptrace backend records the runtime's calls apart too")
    func hookMergesInput() throws {
        try Self.makeImage()
        let dir = try TestScratch.directory("podman-merge")
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = dir.appendingPathComponent("first.json"), second = dir.appendingPathComponent("second.json")
        _ = try Self.recordThroughHook("of:\(first.path)", output: first, in: dir, script: "echo one", backend: "ptrace")
        let run = try Self.recordThroughHook("if:\(first.path);of:\(second.path)", output: second, in: dir, script: "ls /")
        #expect(run.status == 0, "\(run.stderr)")
        let a = try ProfileIO.load(path: first.path), b = try ProfileIO.load(path: second.path)
        #expect(b.metadata.traces == 2)
        #expect(a.metadata.backend == "ptrace")
        #expect((a.metadata.runtimeSyscalls[.x86_64] ?? []).isSuperset(of: ["openat", "close", "fstatfs", "getdents64"]))
        #expect(a.syscall(named: "nanosleep", arch: .x86_64) == nil, "the Go runtime's calls before the exec completed are runc's")
        #expect(a.syscall(named: "getdents64", arch: .x86_64) == nil)
        #expect(b.syscall(named: "getdents64", arch: .x86_64) != nil)
        #expect(b.syscall(named: "execve", arch: .x86_64)?.count == 2)
    }

    @Test("hook: an unreadable if: profile stops the container before it starts, with the reason")
    func hookRefusesBadInput() throws {
        try Self.makeImage()
        let dir = try TestScratch.directory("podman-bad-input")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.json")
        let run = try Self.podman(["run", "--rm", "--annotation", "io.containers.trace-syscall=if:/nonexistent/p.json;of:\(out.path)",
                                   Self.image, "echo", "never"], hooks: try Self.hooksDir(in: dir))
        #expect(run.status != 0)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("/nonexistent/p.json"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("record --container attaches to every process of a running container, with the start-up warning")
    func recordContainer() throws {
        try Self.makeImage()
        let dir = try TestScratch.directory("podman-record")
        defer { try? FileManager.default.removeItem(at: dir) }
        let name = "seccomp-tui-test-\(UUID().uuidString.prefix(8))"
        defer { _ = try? Self.podman(["rm", "-f", name]) }
        // Two processes when the recording starts: the shell and its sleep.
        // Not waited for: Foundation sees a child's end when a socket it inherited closes, and
        // conmon inherits it and lives as long as the container.
        _ = try ProcessRunner.start([try Self.podmanPath(), "--runtime", "/usr/sbin/runc", "run", "-d", "--pull", "never",
                                     "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--name", name, Self.image,
                                     "sh", "-c", "sleep 3; ls /"])
        try #require(try waitFor(timeout: 5) {
            try Self.podman(["inspect", "--format", "{{.State.Status}}", name]).stdout == "running\n"
        })
        let out = dir.appendingPathComponent("attached.json")
        let recorded = try ProcessRunner.run([try SeccompTUIBinary.path(), "record", "--container", name, "-o", out.path])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stderr.contains("warning: attached to running container \(name) (podman, 2 processes): the calls it made while starting are not recorded"))
        let profile = try ProfileIO.load(path: out.path)
        #expect(profile.syscall(named: "getdents64", arch: .x86_64) != nil)  // ls, after the attach
        #expect(profile.metadata.pids.count >= 2)
    }
}
