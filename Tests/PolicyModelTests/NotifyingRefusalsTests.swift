import Testing
@testable import PolicyModel

/// `enforce`'s supervised filter: exactly the calls refused with an errno reach the listener,
/// with the policy's errno; allowed calls stay as cacheable as before.
@Suite struct NotifyingRefusalsTests {
    let policy = Policy(defaultAction: .errno(1), architectures: [.x86_64, .i386], rules: [
        Rule(syscall: "read", action: .allow),
        Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 1, width: .bits32)]),
        Rule(syscall: "write", action: .errno(9), conditions: [Condition(index: 0, op: .eq, value: 2, width: .bits32)]),
        Rule(syscall: "ptrace", action: .killProcess),
        Rule(syscall: "uname", action: .errno(0)),
        Rule(syscall: "getpid", action: .trace(7)),
        Rule(syscall: "getppid", action: .log),
    ])

    @Test("every call: notified exactly when the policy answers with an errno, and with that errno")
    func sameAnswers() throws {
        let notifying = policy.notifyingErrnoRefusals()
        for arch in [Arch.x86_64, .i386] {
            for d in SyscallTable.shared.definitions(for: arch) {
                for fd: UInt64 in [0, 1, 2, 0xFFFF_FFFF_0000_0001] {
                    let data = SeccompData(nr: d.numbers[arch]!, arch: arch, args: [fd, 0, 0, 0, 0, 0])
                    let original = policy.decide(data)
                    let installed = notifying.decide(data)
                    #expect((installed == .userNotif) == original.answersWithErrno, "\(d.name) \(original)")
                    if !original.answersWithErrno { #expect(installed == original) }
                }
            }
        }
        let nr = { (name: String) in SyscallTable.shared.number(of: name, arch: .x86_64)! }
        #expect(policy.notifiedErrno(for: SeccompData(nr: nr("write"), arch: .x86_64, args: [2])) == 9)
        #expect(policy.notifiedErrno(for: SeccompData(nr: nr("write"), arch: .x86_64, args: [3])) == 1)
        #expect(policy.notifiedErrno(for: SeccompData(nr: nr("uname"), arch: .x86_64)) == 0)
        #expect(policy.notifiedErrno(for: SeccompData(nr: nr("getpid"), arch: .x86_64)) == 38)
        #expect(policy.notifiedErrno(for: SeccompData(nr: nr("read"), arch: .x86_64)) == nil)
        #expect(!Policy(defaultAction: .killProcess, rules: [Rule(syscall: "read", action: .allow)]).refusesWithErrno)
        #expect(policy.refusesWithErrno)
    }

    @Test("the kernel's cache keeps every syscall it kept: allowed calls never reach the supervisor")
    func cacheKept() throws {
        let plain = try BPFCompiler.compile(policy)
        let notifying = try BPFCompiler.compile(policy.notifyingErrnoRefusals())
        for arch in [Arch.x86_64, .i386] {
            let before = BPFCacheEmulation.alwaysAllowed(plain, arch: arch, bitmapSize: 512)
            #expect(!before.isEmpty)
            #expect(BPFCacheEmulation.alwaysAllowed(notifying, arch: arch, bitmapSize: 512) == before)
        }
    }
}
