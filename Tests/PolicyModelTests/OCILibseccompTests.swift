import Foundation
import Testing
@testable import PolicyModel
import TestSupport

/// Written profiles loaded by libseccomp the way runc loads them, and the kernel's decisions
/// compared with `Policy.decide` on the policy that was written.
@Suite(.serialized, .requires(Requirement.libseccompPython)) struct OCILibseccompTests {
    /// Harmless calls whose arguments the filter sees: no arguments (tests compare 64 bits) and
    /// one `pid_t` (32 bits).
    static let syscalls = ["getppid", "getuid", "getgid", "getpgid", "getsid"]
    /// What the reporting child needs after the filter is loaded.
    static let plumbing = ["write", "exit_group", "exit", "brk", "mmap", "munmap", "mprotect", "madvise",
                           "futex", "rt_sigreturn", "rt_sigprocmask", "close", "getpid", "gettid", "sigaltstack"]

    static func randomPolicy(_ rng: inout SplitMix64) -> Policy {
        let defaultAction: Action = Bool.random(using: &rng) ? .errno(150) : .allow
        let actions: [Action] = [.allow, .errno(101), .errno(102), .errno(103), .errno(150)]
        var rules = plumbing.map { Rule(syscall: $0, action: .allow) }
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            let name = syscalls.randomElement(using: &rng)!
            let def = SyscallTable.shared.definition(named: name)!
            let indices = Array(0...5).shuffled(using: &rng).prefix(Int.random(in: 0...2, using: &rng))
            let conditions = indices.map { i -> Condition in
                let width = i < def.arguments.count ? def.arguments[i].width : .bits64
                let value = interesting.randomElement(using: &rng)! & width.mask
                return Condition(index: i, op: CompareOp.allCases.randomElement(using: &rng)!, value: value,
                                 valueTwo: interesting.randomElement(using: &rng)! & value, width: width)
            }
            rules.append(Rule(syscall: name, action: actions.randomElement(using: &rng)!, conditions: conditions))
        }
        return Policy(defaultAction: defaultAction, architectures: [.x86_64], badArchAction: .killThread, rules: rules)
    }

    static let interesting: [UInt64] = [0, 1, 2, 3, 0x10, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
                                         0x1_0000_0001, 0xFFFF_FFFF_0000_0000, .max]

    /// Calls with argument values around the policy's, kept within each argument's width
    /// (above it the kernel's register contents are not meaningful: libseccomp issue 383).
    static func calls(_ rng: inout SplitMix64) -> [SeccompData] {
        var out: [SeccompData] = []
        for name in syscalls {
            let def = SyscallTable.shared.definition(named: name)!
            for _ in 0..<12 {
                let args = (0..<6).map { i -> UInt64 in
                    let width = i < def.arguments.count ? def.arguments[i].width : .bits64
                    let v = interesting.randomElement(using: &rng)!
                    let nudged = [v, v &+ 1, v &- 1].randomElement(using: &rng)!
                    return nudged & width.mask
                }
                out.append(SeccompData(nr: def.numbers[.x86_64]!, arch: .x86_64, args: args))
            }
        }
        return out
    }

    @Test("libseccomp, loaded as runc loads the written profile, decides every call as the policy does")
    func kernelAgrees() throws {
        let script = try #require(Bundle.module.url(forResource: "libseccomp_oci", withExtension: "py", subdirectory: "Fixtures"))
        var rng = SplitMix64(seed: 383)
        var policies: [Policy] = [], items: [[String: Any]] = [], callLists: [[SeccompData]] = []
        var refused = 0, narrowed = 0
        while policies.count < 60 {
            let policy = Self.randomPolicy(&rng)
            let bytes: [UInt8]
            do { bytes = try OCIWriter.encode(policy) } catch is OCIWriteError { refused += 1; continue }
            if try !Set(OCIRuntimeRules.rules(for: OCILibseccompForms.folded(policy))).isSubset(of: Set(policy.rules)) { narrowed += 1 }
            let calls = Self.calls(&rng)
            policies.append(policy)
            callLists.append(calls)
            items.append(["profile": try JSONSerialization.jsonObject(with: Data(bytes)),
                          "calls": calls.map { [UInt64(UInt32(bitPattern: $0.nr))] + $0.args }])
        }
        let r = try ProcessRunner.run(["/usr/bin/python3", script.path], input: try JSONSerialization.data(withJSONObject: items))
        try #require(r.status == 0, "\(r.stderr)")
        let results = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [Any])
        #expect(results.count == policies.count)
        var compared = 0
        for (i, result) in results.enumerated() {
            let errnos = try #require(result as? [Int], "policy \(i): \(result)")
            for (call, errno) in zip(callLists[i], errnos) {
                let expected: Int
                switch policies[i].decide(call) {
                case .errno(let e) where e >= 100: expected = Int(e)
                default: expected = 0
                }
                #expect(errno == expected, "policy \(i) \(policies[i].rules.filter { Self.syscalls.contains($0.syscall) }) call \(call)")
                compared += 1
            }
        }
        #expect(compared == 60 * 60)
        #expect(refused > 0)  // the generator also makes policies runc could not enforce as meant
        #expect(narrowed > 0)  // and policies whose unconditional rule had to be narrowed
    }
}
