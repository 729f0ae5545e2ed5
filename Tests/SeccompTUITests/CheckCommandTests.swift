import ArgumentParser
import Foundation
import PolicyModel
import Testing
@testable import seccomp_tui
import TestScratch

@Suite struct CheckCommandTests {
    func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("check exits 1 when a recorded call would be refused and succeeds when all are allowed")
    func exitStatus() throws {
        let dir = TestScratch.root.appendingPathComponent("check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
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
        #expect(throws: ExitCode(1)) { try Check.parse(["--policy", strict, profilePath]).run() }
        try Check.parse(["--policy", loose, profilePath]).run()
        #expect {
            try Check.parse(["--policy", loose, dir.appendingPathComponent("missing.json").path]).run()
        } throws: { "\($0)".hasSuffix("missing.json: cannot read: no such file") }
        #expect {
            try Check.parse(["--policy", loose, loose]).run()
        } throws: { "\($0)" == "\(loose): not a profile but a policy (profiles are written by 'seccomp-tui record -o')" }
        let text = try write("@default kill\nread: allow\n", "p.policy", in: dir)
        #expect {
            try Check.parse(["--policy", loose, text]).run()
        } throws: { "\($0)".hasSuffix("p.policy: not a profile but a policy (profiles are written by 'seccomp-tui record -o')") }
    }
}
