import Foundation
import PolicyModel
import Testing
import TestSupport

/// runc builds its filter with libseccomp, which adds the native architecture to every filter: a
/// profile that does not list x86_64 still decides x86_64 calls by its rules and default action,
/// where the policy kills them (its bad-architecture action). `export` says so; listing x86_64
/// makes the profile say what runc does.
@Suite(.serialized, .requiresRoot, .requires(Requirement.runc)) struct OCINativeArchitectureTests {
    @Test("an i386-only profile under runc: x86_64 mkdir gets the profile's EACCES rule, not the policy's kill; export warns")
    func nativeAdded() throws {
        try #require(Arch.host == .x86_64, "the runtime's native architecture is x86_64 here")
        let dir = try TestScratch.directory("native-arch")
        var outcomes: [String: ProcessOutput] = [:]
        for arches in ["i386", "x86_64 i386"] {
            let text = "@default allow\n@arch \(arches)\nmkdir: errno EACCES\nmkdirat: errno EACCES\n"
            let policy = try TextPolicy.parse(text, file: "p.policy").policy
            let mkdirX86_64 = SeccompData(nr: sysno("mkdir", .x86_64), arch: .x86_64)
            #expect(policy.decide(mkdirX86_64) == (arches == "i386" ? .killProcess : .errno(13)))
            let input = dir.appendingPathComponent("\(arches.count).policy")
            let output = dir.appendingPathComponent("\(arches.count).json")
            try text.write(to: input, atomically: true, encoding: .utf8)
            let export = try EnforceTestSupport.seccompTUI(["export", input.path, "--format", "oci", "-o", output.path])
            #expect(export.status == 0, "\(export.stderr)")
            let warned = export.stderr.contains("the profile does not list x86_64 (SCMP_ARCH_X86_64), but libseccomp adds the native architecture")
            #expect(warned == (arches == "i386"), "\(arches): \(export.stderr)")
            let spo = try EnforceTestSupport.seccompTUI(["export", input.path, "--format", "spo",
                                                         "-o", dir.appendingPathComponent("\(arches.count).yaml").path])
            #expect(spo.status == 0, "\(spo.stderr)")
            #expect(spo.stderr.contains("the profile does not list x86_64") == (arches == "i386"), "SeccompProfile: \(spo.stderr)")
            outcomes[arches] = try ExportRuncTests.runContainer(profile: output, script: "mkdir /tmp/d; echo mkdir=$?")
        }
        // Both containers run and refuse x86_64 mkdir with EACCES: runc decided it by the rule
        // either way; only the profile listing x86_64 says so.
        for (arches, outcome) in outcomes {
            #expect(outcome.status == 0, "\(arches): \(outcome.combined)")
            #expect(outcome.combined.contains("mkdir=1") && outcome.combined.contains("Permission denied"), "\(arches): \(outcome.combined)")
        }
    }
}
