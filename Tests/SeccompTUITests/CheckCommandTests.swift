import Foundation
import PolicyModel
import Testing
import TestSupport

@Suite struct CheckCommandTests {
    func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("check exits 1 when a recorded call would be refused and succeeds when all are allowed")
    func exitStatus() throws {
        let dir = try TestScratch.directory("check")
        defer { try? FileManager.default.removeItem(at: dir) }
        var profile = Profile()
        let writeNr = SyscallTable.shared.number(of: "write", arch: .x86_64)!
        profile.add(SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: writeNr, args: [1, 0x1000, 3]))
        let profilePath = dir.appendingPathComponent("p.json").path
        try Data(profile.encodeJSON()).write(to: URL(fileURLWithPath: profilePath))
        let strict = try write("""
            {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
             "syscalls": [{"names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}]}
            """, "strict.json", in: dir)
        let loose = try write("""
            {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
             "syscalls": [{"names": ["write"], "action": "SCMP_ACT_ALLOW"}]}
            """, "loose.json", in: dir)
        let refused = try EnforceTestSupport.seccompTUI(["check", "--policy", strict, profilePath])
        #expect(refused.status == 1)
        #expect(try EnforceTestSupport.failure(["check", "--policy", loose, profilePath]) == nil)
        #expect(try EnforceTestSupport.failure(["check", "--policy", loose, dir.appendingPathComponent("missing.json").path])?
            .hasSuffix("missing.json: cannot read: no such file") == true)
        #expect(try EnforceTestSupport.failure(["check", "--policy", loose, loose])
                == "\(loose): not a profile but a policy (profiles are written by 'seccomp-tui record -o')")
        let text = try write("@default kill\nread: allow\n", "p.policy", in: dir)
        #expect(try EnforceTestSupport.failure(["check", "--policy", loose, text])?
            .hasSuffix("p.policy: not a profile but a policy (profiles are written by 'seccomp-tui record -o')") == true)
    }
}
