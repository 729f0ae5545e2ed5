import Foundation
import PolicyModel
import Testing
import TUI
import TestSupport

/// `export --target-arch`: a policy learned on x86_64 is rewritten for the target; a profile that
/// covers the target itself (Docker's archMap) is resolved for it as before.
@Suite struct ExportTargetArchTests {
    typealias S = EnforceTestSupport

    @Test("a learned x86_64 OCI policy exported for aarch64 lists aarch64 only, with openat for open and a note per mapping")
    func learnedPolicy() throws {
        let dir = try TestScratch.directory("target-arch")
        defer { try? FileManager.default.removeItem(at: dir) }
        let learned = try TextPolicy.parse("@default errno EPERM\n@arch x86_64\nopen: allow\nread: allow\narch_prctl: allow\nexit_group: allow\n",
                                           file: "l.policy").policy
        let path = try S.writeOCI(learned, to: dir, name: "learned.json")
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "export", path, "--target-arch", "aarch64", "--format", "text"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("@arch aarch64\n") && !r.stdout.contains("x86_64"))
        #expect(r.stdout.contains("openat: allow") && !r.stdout.contains("arch_prctl"))
        #expect(r.stderr == "note: arch_prctl: dropped: aarch64 sets the thread pointer (TPIDR_EL0) without a syscall\nnote: open → openat\n")
        let bad = try TextPolicy.parse("@default errno EPERM\n@arch x86_64\nmodify_ldt: allow\n", file: "b.policy").policy
        let badPath = try S.writeOCI(bad, to: dir, name: "bad.json")
        let e = try ProcessRunner.run([try SeccompTUIBinary.path(), "export", badPath, "--target-arch", "aarch64", "--format", "oci"])
        #expect(e.status != 0 && e.stdout.isEmpty)
        #expect(e.stderr.contains("cannot be written for aarch64: modify_ldt has no counterpart on aarch64"))
    }

    @Test("Docker's default profile maps aarch64 in its archMap: resolved for it, nothing rewritten")
    func dockerDefault() throws {
        let docker = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PolicyModelTests/Fixtures/docker-default.json").path
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "export", docker, "--target-arch", "aarch64", "--format", "text"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("note:"))
        #expect(r.stdout.contains("@arch aarch64"))
    }
}
