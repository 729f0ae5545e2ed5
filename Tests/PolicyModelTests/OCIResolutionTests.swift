import Testing
@testable import PolicyModel

/// Docker's conditional entries, decided for a target the way moby's `setupSeccomp` does.
@Suite struct OCIResolutionTests {
    static let table = OCIReadErrorTests.table

    static let profile = """
        {
          "defaultAction": "SCMP_ACT_ERRNO",
          "archMap": [
            {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
            {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}
          ],
          "syscalls": [
            {"names": ["read"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "5.10"}},
            {"names": ["write"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN", "CAP_NET_ADMIN"]}},
            {"names": ["readv"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_SYS_ADMIN", "CAP_BPF"]}},
            {"names": ["mmap"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
            {"names": ["mmap"], "action": "SCMP_ACT_LOG", "excludes": {"arches": ["amd64"], "minKernel": "6.1"}},
            {"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5, "comment": "old kernels", "excludes": {"minKernel": "5.10"}}
          ]
        }
        """

    private func rules(arch: Arch = .x86_64, caps: Set<String> = [], kernel: String = "6.18") throws -> [String: [Action]] {
        let target = OCITarget(arch: arch, capabilities: caps, kernel: try #require(KernelVersion(release: kernel)))
        let policy = try OCIProfile.read(Array(Self.profile.utf8), source: "r.json", target: target, table: Self.table).policy
        return Dictionary(grouping: policy.rules, by: \.syscall).mapValues { $0.map(\.action) }
    }

    @Test("minKernel in includes needs at least that kernel; in excludes it removes the entry from that kernel on")
    func minKernel() throws {
        #expect(try rules(kernel: "6.18.0-1-amd64")["read"] == [.allow])
        #expect(try rules(kernel: "5.10")["read"] == [.allow])
        #expect(try rules(kernel: "5.9.16")["read"] == [.errno(5)])
        #expect(try rules(kernel: "4.19-rc5")["read"] == [.errno(5)])
    }

    @Test("includes.caps needs every capability; excludes.caps drops the entry on any of them")
    func caps() throws {
        #expect(try rules(caps: ["CAP_SYS_ADMIN"])["write"] == nil)
        #expect(try rules(caps: ["CAP_SYS_ADMIN", "net_admin"])["write"] == [.allow])
        #expect(try rules()["readv"] == [.allow])
        #expect(try rules(caps: ["CAP_BPF"])["readv"] == nil)
    }

    @Test("arches compare libseccomp's name of the target; archMap expands to its sub-architectures")
    func arches() throws {
        #expect(try rules(arch: .x86_64)["mmap"] == [.allow])
        #expect(try rules(arch: .x32, kernel: "6.0")["mmap"] == [.allow, .log])
        #expect(try rules(arch: .x32, kernel: "6.1")["mmap"] == [.allow])
        #expect(try rules(arch: .i386, kernel: "6.0")["mmap"] == [.log])
        #expect(try rules(arch: .i386, kernel: "6.1")["mmap"] == nil)

        let target = OCITarget(arch: .x86_64, kernel: KernelVersion(kernel: 6, major: 18))
        let raw = try OCIProfile.parse(Array(Self.profile.utf8), source: "r.json")
        #expect(raw.resolved(for: target).architectureNames == ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"])
        let arm = raw.resolved(for: OCITarget(arch: .aarch64, kernel: KernelVersion(kernel: 6, major: 18)))
        #expect(arm.architectureNames == ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"])
        let imported = try arm.policy(table: Self.table)
        #expect(imported.policy.architectures == [.aarch64])
        #expect(imported.warnings.map(\.message) == [
            "SCMP_ARCH_ARM dropped: policies cover SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_X86 and SCMP_ARCH_AARCH64 only",
        ])
    }

    @Test("the target's own architecture is always covered, as libseccomp adds the native one")
    func nativeArchitecture() throws {
        let text = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86\"]}"
        let policy = try OCIProfile.read(Array(text.utf8), source: "a.json",
                                         target: OCITarget(arch: .x86_64, kernel: KernelVersion(kernel: 6, major: 1)),
                                         table: Self.table).policy
        #expect(policy.architectures == [.x86_64, .i386])
        #expect(policy.badArchAction == .killThread)
    }

    @Test("runtime details: SCMP_ACT_KILL is kill-thread, errno and trace default to EPERM, default-action entries drop, repeated argument tests become alternatives")
    func runtimeDetails() throws {
        let text = """
            {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "syscalls": [
              {"names": ["read"], "action": "SCMP_ACT_KILL"},
              {"names": ["write"], "action": "SCMP_ACT_ERRNO"},
              {"names": ["readv"], "action": "SCMP_ACT_TRACE"},
              {"names": ["mmap"], "action": "SCMP_ACT_ALLOW",
               "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}
            ]}
            """
        let result = try OCIProfile.read(Array(text.utf8), source: "d.json",
                                         target: OCITarget(arch: .x86_64, kernel: KernelVersion(kernel: 6, major: 1)),
                                         table: Self.table)
        let p = result.policy
        #expect(p.rules(for: "read").map(\.action) == [.killThread])
        #expect(p.rules(for: "write").isEmpty)
        #expect(p.rules(for: "readv").map(\.action) == [.trace(1)])
        #expect(p.rules(for: "mmap").map(\.conditions) == [
            [Condition(index: 0, op: .eq, value: 1, width: .bits64)], [Condition(index: 0, op: .eq, value: 2, width: .bits64)],
        ])
        #expect(result.warnings.map(\.description) == [
            "d.json:5:3: syscalls[3].args: several tests on one argument: each test is a separate alternative, as runc applies them",
        ])
    }

    @Test("overlapping rules with different actions are kept, with a warning")
    func overlapWarning() throws {
        let text = """
            {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
              {"names": ["write"], "action": "SCMP_ACT_ALLOW"},
              {"names": ["write"], "action": "SCMP_ACT_KILL_PROCESS", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]},
              {"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_GT"}]},
              {"names": ["read"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_LE"}]}
            ]}
            """
        let result = try OCIProfile.read(Array(text.utf8), source: "o.json",
                                         target: OCITarget(arch: .x86_64, kernel: KernelVersion(kernel: 6, major: 1)),
                                         table: Self.table)
        #expect(result.policy.rules.count == 4)
        #expect(result.warnings.map(\.description) == [
            "o.json:3:14: syscalls[1].names[0]: write has rules with different actions that can match the same call (allow, kill): this policy takes the most restrictive, runtimes using libseccomp may not",
        ])
    }

    @Test("kernel versions read the way Docker reads them")
    func kernelVersions() {
        #expect(KernelVersion(release: "6.18.0-1-amd64") == KernelVersion(kernel: 6, major: 18))
        #expect(KernelVersion(release: "3.12-rc5\n") == KernelVersion(kernel: 3, major: 12))
        #expect(KernelVersion(release: "6") == nil)
        #expect(KernelVersion(release: "x6.1") == nil)
        #expect(KernelVersion(release: "99999999999.1") == nil)
        #expect(KernelVersion(kernel: 5, major: 10) < KernelVersion(kernel: 6, major: 1))
        #expect(KernelVersion(kernel: 4, major: 20) < KernelVersion(kernel: 5, major: 0))
    }
}
