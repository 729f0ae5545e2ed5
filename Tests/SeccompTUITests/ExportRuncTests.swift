import Foundation
import PolicyModel
import Testing
import TestSupport

/// `export --format oci` output handed to the real runc: it accepts it and enforces it.
/// Runs a busybox container as root without cgroups (see DESIGN.md, "Facts measured").
@Suite(.serialized, .requiresRoot, .requires(Requirement.runc)) struct ExportRuncTests {
    static let runc = "/usr/sbin/runc"
    static let busybox = "/bin/busybox"

    /// Runs `script` under busybox sh in a fresh container whose seccomp section is `profile`.
    static func runContainer(profile: URL, script: String) throws -> ProcessOutput {
        let fm = FileManager.default
        let dir = TestScratch.root.appendingPathComponent("runc-\(UUID().uuidString)")
        let bin = dir.appendingPathComponent("bundle/rootfs/bin")
        try fm.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        // Copied by cp, not by this process: a program another test forks meanwhile would inherit
        // the open copy and runc's exec would then fail with ETXTBSY ("text file busy").
        let copied = try ProcessRunner.run(["/bin/cp", busybox, bin.appendingPathComponent("busybox").path])
        try #require(copied.status == 0, "\(copied.stderr)")
        for applet in ["sh", "mkdir", "grep", "unshare", "echo"] {
            try fm.createSymbolicLink(atPath: bin.appendingPathComponent(applet).path, withDestinationPath: "busybox")
        }
        let bundle = dir.appendingPathComponent("bundle")
        _ = try ProcessRunner.run([runc, "spec", "--bundle", bundle.path])
        let configURL = bundle.appendingPathComponent("config.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any])
        var linux = try #require(config["linux"] as? [String: Any])
        linux["resources"] = nil
        linux["namespaces"] = (linux["namespaces"] as? [[String: Any]] ?? []).filter { ($0["type"] as? String) != "cgroup" }
        linux["seccomp"] = try JSONSerialization.jsonObject(with: Data(contentsOf: profile))
        config["linux"] = linux
        config["mounts"] = (config["mounts"] as? [[String: Any]] ?? []).filter { ($0["destination"] as? String) != "/sys/fs/cgroup" }
        var process = try #require(config["process"] as? [String: Any])
        process["terminal"] = false
        process["args"] = ["/bin/sh", "-c", script]
        config["process"] = process
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        return try ProcessRunner.run([runc, "--root", dir.appendingPathComponent("state").path, "run", "--bundle", bundle.path,
                              "seccomp-tui-test-\(UUID().uuidString.prefix(8))"])
    }

    static func export(_ text: String) throws -> URL {
        let dir = try TestScratch.directory("runc-export")
        let input = dir.appendingPathComponent("in.json")
        try Data(text.utf8).write(to: input)
        // Docker's profile lists x86_64, x32 and x86; with argument rules the OCI writer refuses
        // several architectures (libseccomp 2.5.4 compiles them wrongly for the second), so it is
        // taken through the text form for x86_64 alone.
        let policy = dir.appendingPathComponent("in.policy")
        let converted = try EnforceTestSupport.failure([
            "export", input.path, "--format", "text", "-o", policy.path, "--kernel", "6.18", "--target-arch", "x86_64"])
        try #require((converted ?? "").split(separator: "\n").allSatisfy { $0.hasPrefix("warning: ") }, "\(converted ?? "")")
        let lines = try String(contentsOf: policy, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        try lines.map { $0.hasPrefix("@arch") ? "@arch x86_64" : String($0) }.joined(separator: "\n")
            .write(to: policy, atomically: true, encoding: .utf8)
        let output = dir.appendingPathComponent("out.json")
        let failure = try EnforceTestSupport.failure(["export", policy.path, "--format", "oci", "-o", output.path])
        // Warnings (io_uring allowed) are not failures.
        let errors = (failure ?? "").split(separator: "\n").filter { !$0.hasPrefix("warning: ") }
        try #require(errors.isEmpty, "\(failure ?? "")")
        return output
    }

    @Test("runc runs a container under the exported docker profile and denies what it denies")
    func dockerProfile() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../PolicyModelTests/Fixtures/docker-default.json")
        let profile = try Self.export(String(contentsOf: fixture, encoding: .utf8))
        let outcome = try Self.runContainer(profile: profile, script:
            "grep Seccomp: /proc/self/status; unshare -U echo inside; echo unshare=$?")
        #expect(outcome.status == 0, "\(outcome.combined)")
        #expect(outcome.combined.contains("Seccomp:\t2"), "\(outcome.combined)")
        #expect(outcome.combined.contains("Operation not permitted"), "\(outcome.combined)")
        #expect(outcome.combined.contains("unshare=1"), "\(outcome.combined)")
    }

    @Test("runc enforces the errno of an exported rule")
    func errnoRule() throws {
        let profile = try Self.export("""
            {"defaultAction": "SCMP_ACT_ALLOW",
             "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
                          {"names": ["reboot"], "action": "SCMP_ACT_KILL"}]}
            """)
        let written = try String(contentsOf: profile, encoding: .utf8)
        #expect(written.contains("\"errnoRet\": 13"))
        let outcome = try Self.runContainer(profile: profile, script: "mkdir /tmp/x; echo mkdir=$?")
        #expect(outcome.status == 0, "\(outcome.combined)")
        #expect(outcome.combined.contains("Permission denied"), "\(outcome.combined)")  // EACCES = 13
        #expect(outcome.combined.contains("mkdir=1"), "\(outcome.combined)")
    }
}
