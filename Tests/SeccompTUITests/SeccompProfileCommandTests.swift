import Foundation
import PolicyModel
import Testing
import TUI
import TestSupport

/// Kubernetes SeccompProfile objects through the commands: export writes them, every reader reads them.
@Suite struct SeccompProfileCommandTests {
    typealias S = EnforceTestSupport

    static let web = "@default errno EPERM\n@arch x86_64\nread: allow\nwrite: fd == 1 || fd == 2\nexit_group: allow\n"
    static let worker = "@default errno EPERM\n@arch x86_64\nread: allow\nfutex: allow\nexit_group: allow\n"

    @Test("export --format spo --name --namespace writes the object; -o NAME.yaml names it after the file")
    func export() throws {
        let dir = try TestScratch.directory("spo-export")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = dir.appendingPathComponent("web.policy")
        try Self.web.write(to: policy, atomically: true, encoding: .utf8)
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "export", policy.path, "--format", "spo", "--name", "web", "--namespace", "shop"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("""
            apiVersion: security-profiles-operator.x-k8s.io/v1
            kind: SeccompProfile
            metadata:
              name: web
              namespace: shop
            spec:
              defaultAction: SCMP_ACT_ERRNO
              architectures:
              - SCMP_ARCH_X86_64
              syscalls:
              - names:
            """))
        let out = dir.appendingPathComponent("Front End.yaml").path
        let named = try ProcessRunner.run([try SeccompTUIBinary.path(), "export", policy.path, "-o", out])
        #expect(named.status == 0, "\(named.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("metadata:\n  name: front-end\n"))
        let bad = try ProcessRunner.run([try SeccompTUIBinary.path(), "export", policy.path, "--format", "spo", "--name", "Web"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("cannot be written as a SeccompProfile: 'Web' is not a Kubernetes object name"))
        let misplaced = try ProcessRunner.run([try SeccompTUIBinary.path(), "export", policy.path, "--format", "oci", "--name", "web"])
        #expect(misplaced.status != 0 && misplaced.stderr.contains("--name and --namespace apply to --format spo"))
    }

    @Test("profiles of several replicas, one file with several documents, merge into one policy; check and export read YAML")
    func readers() throws {
        let dir = try TestScratch.directory("spo-read")
        defer { try? FileManager.default.removeItem(at: dir) }
        var docs: [String] = []
        for (name, text) in [("web", Self.web), ("worker", Self.worker)] {
            let p = dir.appendingPathComponent("\(name).policy")
            try text.write(to: p, atomically: true, encoding: .utf8)
            let y = dir.appendingPathComponent("\(name).yaml").path
            let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "export", p.path, "-o", y])
            try #require(r.status == 0, "\(r.stderr)")
            docs.append(try String(contentsOfFile: y, encoding: .utf8))
        }
        let both = dir.appendingPathComponent("replicas.yml").path
        try ("---\n" + docs.joined(separator: "---\n")).write(toFile: both, atomically: true, encoding: .utf8)
        let merged = dir.appendingPathComponent("merged.policy").path
        let m = try ProcessRunner.run([try SeccompTUIBinary.path(), "merge", both, "-o", merged])
        #expect(m.status == 0, "\(m.stderr)")
        let text = try String(contentsOfFile: merged, encoding: .utf8)
        // The YAML holds OCI's form of `fd == 1`: a masked test on the low 32 bits, the same meaning.
        for line in ["read: allow", "futex: allow", "write: fd & 0xffffffff == 0x1 || fd & 0xffffffff == 0x2"] {
            #expect(text.contains(line), "\(text)")
        }
        // Read by content without a YAML extension too.
        let noExt = dir.appendingPathComponent("replicas-copy").path
        try FileManager.default.copyItem(atPath: both, toPath: noExt)
        let t = try ProcessRunner.run([try SeccompTUIBinary.path(), "export", noExt, "--format", "text"])
        #expect(t.status == 0 && t.stdout.contains("futex: allow"), "\(t.stderr)")
    }
}
