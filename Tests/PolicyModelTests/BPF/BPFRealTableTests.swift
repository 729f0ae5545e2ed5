import Foundation
import Testing
@testable import PolicyModel
import TestSupport

/// The compiler on the real syscall table: Docker's default profile as runc would enforce it, and
/// random policies over real syscall names, against `Policy.decide` and the cache duty.
@Suite struct BPFRealTableTests {
    static func dockerDefault(capabilities: Set<String> = [], arch: Arch = .x86_64) throws -> Policy {
        let url = try #require(Bundle.module.url(forResource: "docker-default", withExtension: "json", subdirectory: "Fixtures"))
        let bytes = try [UInt8](Data(contentsOf: url))
        let target = OCITarget(arch: arch, capabilities: capabilities, kernel: KernelVersion(kernel: 6, major: 1))
        return try OCIProfile.read(bytes, source: "docker-default.json", target: target).policy
    }

    @Test("Docker's default profile compiles to a filter that decides as the policy and is fully cacheable",
          arguments: [Set<String>(), ["CAP_SYS_ADMIN", "CAP_SYS_PTRACE"]])
    func dockerDefault(capabilities: Set<String>) throws {
        let p = try Self.dockerDefault(capabilities: capabilities)
        let program = try BPFCompiler.compile(p)
        try BPFValidator.validate(program)
        #expect(program.count < 600)
        CacheExpectations.check(program, policy: p, table: .shared)
        var g = SplitMix64(seed: 1)
        let context = RandomFilterPolicies.CallContext(p, table: .shared)
        for _ in 0..<10_000 {
            let data = RandomFilterPolicies.call(context, &g)
            #expect(BPFEmulator.runValidated(program, on: data).action == p.decide(data))
        }
    }

    @Test("random policies over real syscall names decide as Policy.decide")
    func randomOnRealTable() throws {
        var g = SplitMix64(seed: 31)
        for _ in 0..<150 {
            let p = RandomFilterPolicies.policy(&g, table: .shared, ruleCount: 0...40)
            let program = try BPFCompiler.compile(p)
            try BPFValidator.validate(program)
            let context = RandomFilterPolicies.CallContext(p, table: .shared)
            for _ in 0..<50 {
                let data = RandomFilterPolicies.call(context, &g)
                let got = BPFEmulator.runValidated(program, on: data).action
                let expected = p.decide(data)
                if got != expected {
                    Issue.record("policy \(p)\ncall \(data): filter says \(got), decide says \(expected)")
                    return
                }
            }
        }
    }
}
