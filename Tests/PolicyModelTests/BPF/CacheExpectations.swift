import Testing
@testable import PolicyModel
import TestSupport

/// Checks the kernel-cache duty on a compiled program: every listed (non-x32) architecture's
/// syscall whose outcome is `allow` whatever the arguments is cached as always allowed, and
/// nothing else is (a cached number must be allowed for any arguments).
enum CacheExpectations {
    static func check(_ program: [SockFilter], policy p: Policy, table: SyscallTable,
                      sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        var g = SplitMix64(seed: 99)
        for arch in Set(p.architectures) where arch != .x32 {
            let top = (table.definitions(for: arch).compactMap { $0.numbers[arch] }.max() ?? 0) + 8
            for nr in 0..<top {
                let cached = BPFCacheEmulation.isConstantAllow(program, nr: nr, auditArch: arch.auditArch)
                let name = table.name(of: nr, arch: arch)
                let independent = name.map { RandomFilterPolicies.argumentIndependent(p, name: $0, on: arch) } ?? true
                let sample = SeccompData(nr: nr, arch: arch, args: [])
                if independent && p.decide(sample, table: table) == .allow {
                    #expect(cached, "\(arch) nr \(nr) (\(name ?? "no name")) is always allowed but not cacheable",
                            sourceLocation: sourceLocation)
                }
                if cached {
                    for _ in 0..<4 {
                        let args = (0..<6).map { _ in RandomFilterPolicies.value(&g) }
                        #expect(p.decide(SeccompData(nr: nr, arch: arch, args: args), table: table) == .allow,
                                "\(arch) nr \(nr) is cached as allowed but the policy refuses it",
                                sourceLocation: sourceLocation)
                    }
                }
            }
        }
    }
}
