import Foundation
import Testing
@testable import PolicyModel
import TestSupport

/// Random policies written as OCI profiles, built by libseccomp as runc builds them
/// (python3-seccomp, `seccomp_export_bpf`), and their filters run on calls with boundary values
/// and high bits set: libseccomp's decision must be `Policy.decide`'s, every one. Policies the
/// writer refuses are counted, not compared.
@Suite(.requires(Requirement.libseccompPython)) struct OCIDifferentialTests {
    /// Real syscalls (libseccomp resolves the names): arguments of both widths, i386's
    /// multiplexed calls and calls only they reach there (`accept`, `semop`).
    static let names = ["read", "write", "close", "lseek", "mprotect", "ioctl", "madvise", "kill", "fcntl", "prctl",
                        "futex", "openat", "personality", "mmap", "getppid", "clone", "socket", "sendto", "recvfrom",
                        "accept", "semget", "semop", "shmat", "socketcall", "ipc"]
    static let actions: [Action] = [.allow, .log, .trace(3), .errno(1), .errno(13), .errno(100), .trap, .killThread, .killProcess]
    static let edges: [UInt64] = [0, 1, 2, 3, 4, 7, 0x10, 0x5401, 0x5412, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF,
                                  0x1_0000_0000, 0x1_0000_5412, 0xFFFF_FFFF_0000_0000, 0xFFFF_FFFF_FFFF_FF9C,
                                  0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, .max]
    static let count = 3000
    static let archSets: [[Arch]] = [[.x86_64], [.x86_64], [.x86_64, .i386], [.x86_64, .i386], [.x86_64, .x32],
                                     [.x86_64, .i386, .x32], [.x86_64, .aarch64]]

    static func value(_ g: inout SplitMix64) -> UInt64 {
        Int.random(in: 0..<4, using: &g) == 0 ? g.next() >> UInt64.random(in: 0..<64, using: &g) : edges.randomElement(using: &g)!
    }

    /// A random policy; its tests mostly fit their arguments (the writer refuses the others).
    static func policy(_ g: inout SplitMix64) -> Policy {
        let archs = archSets.randomElement(using: &g)!
        let narrow = archs.contains(where: \.is32Bit)
        let defaultAction = actions.randomElement(using: &g)!
        var rules: [Rule] = []
        for _ in 0..<Int.random(in: 1...7, using: &g) {
            let name = names.randomElement(using: &g)!
            let def = SyscallTable.shared.definition(named: name)!
            let count = [0, 0, 1, 1, 1, 2, 3].randomElement(using: &g)!
            let indices = Array((0..<max(def.arguments.count, 1)).shuffled(using: &g).prefix(count))
            let conditions = indices.map { i -> Condition in
                let width = i < def.arguments.count ? def.arguments[i].width : .bits64
                let op = CompareOp.allCases.randomElement(using: &g)!
                var v = value(&g)
                var t = value(&g) & v
                if (narrow || width == .bits32) && Int.random(in: 0..<8, using: &g) > 0 {
                    v = Condition.fits32(v) ? v : v & 0xFFFF_FFFF
                    t = Condition.fits32(t) ? t & v : t & v & 0xFFFF_FFFF
                }
                return Condition(index: i, op: op, value: v, valueTwo: op == .maskedEq ? t : 0, width: width)
            }
            rules.append(Rule(syscall: name, action: actions.randomElement(using: &g)!, conditions: conditions))
        }
        return Policy(defaultAction: defaultAction, architectures: archs, badArchAction: .killThread, rules: rules)
    }

    /// Calls near the policy: its syscalls (and i386's multiplexed forms of them) on each listed
    /// architecture and an unlisted one, numbers no syscall has, arguments at and around its
    /// constants with the upper half set and cleared.
    static func calls(for p: Policy, count: Int, _ g: inout SplitMix64) -> [SeccompData] {
        let constants: [UInt64] = p.rules.flatMap(\.conditions).flatMap { [$0.value, $0.valueTwo] } + [0, 1]
        var out: [SeccompData] = []
        for _ in 0..<count {
            let arch = Int.random(in: 0..<10, using: &g) == 0 ? Arch.allCases.randomElement(using: &g)! : p.architectures.randomElement(using: &g)!
            var nr: Int32
            var args: [UInt64] = (0..<6).map { _ -> UInt64 in near(constants.randomElement(using: &g)!, &g) }
            let rule = p.rules.randomElement(using: &g)!
            switch Int.random(in: 0..<12, using: &g) {
            case 0: nr = [Int32(-1), 0x4000_0000, Int32(bitPattern: 0x8000_0000), Int32(bitPattern: 0xC000_0000),
                          Int32(bitPattern: 0xFFFF_FF93), 0x3FFF_FFFF, 1000].randomElement(using: &g)!
            case 1 where arch == .i386, 2 where arch == .i386:
                let mux = SyscallMultiplexer.allCases.randomElement(using: &g)!
                nr = SyscallTable.shared.number(of: mux.rawValue, arch: .i386)!
                let call = mux.calls.randomElement(using: &g)!.number
                args[0] = [call, call | 0x1_0000, call | 0x1_0000_0000, call + 1].randomElement(using: &g)!
            default:
                nr = SyscallTable.shared.number(of: rule.syscall, arch: arch)
                    ?? SyscallTable.shared.definitions(for: arch).randomElement(using: &g)!.numbers[arch]!
            }
            out.append(SeccompData(nr: nr, arch: arch, args: args))
        }
        return out
    }

    /// A value at or around `c`: one off, its upper half set or cleared or flipped, inverted.
    static func near(_ c: UInt64, _ g: inout SplitMix64) -> UInt64 {
        let r = g.next()
        let forms: [UInt64] = [c, c &+ 1, c &- 1, c | 0xFFFF_FFFF_0000_0000, c & 0xFFFF_FFFF, c ^ 0x1_0000_0000, ~c, c & r]
        return Int.random(in: 0..<9, using: &g) == 8 ? value(&g) : forms[Int.random(in: 0..<forms.count, using: &g)]
    }

    /// libseccomp's filter for each profile, nil where it refused the profile.
    static func libseccompPrograms(_ profiles: [[UInt8]]) throws -> [[SockFilter]?] {
        let script = try #require(Bundle.module.url(forResource: "libseccomp_oci", withExtension: "py", subdirectory: "Fixtures"))
        let dir = try TestScratch.directory("oci-differential")
        let list = try profiles.map { try JSONSerialization.jsonObject(with: Data($0)) }
        let r = try ProcessRunner.run(["/usr/bin/python3", script.path, "--export-bpf", dir.path],
                                      input: try JSONSerialization.data(withJSONObject: list))
        try #require(r.status == 0, "python3-seccomp failed: \(r.stderr)")
        let paths = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String])
        return try paths.enumerated().map { i, path in
            if path.hasPrefix("hang:") {
                Issue.record("libseccomp never finished building profile \(i):\n\(String(decoding: profiles[i], as: UTF8.self))")
                return nil
            }
            if path.hasPrefix("error:") { return nil }
            return SockFilter.program(from: try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
        }
    }

    @Test("libseccomp decides every call of thousands of exported random policies as Policy.decide")
    func differential() throws {
        var g = SplitMix64(seed: 0x0C1_D1FF)
        var policies: [Policy] = [], profiles: [[UInt8]] = []
        var refused: [String: Int] = [:]
        while policies.count < Self.count {
            let p = Self.policy(&g)
            do {
                profiles.append(try OCIWriter.encode(p))
                policies.append(p)
            } catch let e as OCIWriteError {
                let reason = e.message.contains("several architectures") ? "several architectures"
                    : e.message.contains("cannot be written for libseccomp") ? "forms"
                    : e.message.contains("cannot mean") || e.message.contains("does not fit") || e.message.contains("outside the mask") ? "meaning"
                    : e.message.contains("i386") ? "multiplexer" : "overlap"
                refused[reason, default: 0] += 1
            }
        }
        let programs = try Self.libseccompPrograms(profiles)
        var compared = 0, mismatches = 0, libseccompRefused = 0
        var byArchs: [String: Int] = [:]
        for (i, (p, program)) in zip(policies, programs).enumerated() {
            guard let program else { libseccompRefused += 1; continue }
            for call in Self.calls(for: p, count: 100, &g) {
                let expected = p.decide(call)
                let got = BPFEmulator.runValidated(program, on: call).action
                compared += 1
                if got != expected {
                    mismatches += 1
                    let key = p.architectures.map(\.rawValue).joined(separator: "+")
                    byArchs[key, default: 0] += 1
                    if byArchs[key] == 1 {
                        let profile = String(decoding: profiles[i], as: UTF8.self)
                        Issue.record("policy \(i): \(p)\ncall \(call): libseccomp \(got), decide \(expected)\n\(profile)")
                    }
                }
            }
        }
        print("OCI differential: \(policies.count) policies × 100 calls = \(compared) decisions, \(mismatches) mismatches; "
            + "\(byArchs); libseccomp refused \(libseccompRefused); the writer refused \(refused.values.reduce(0, +)) other policies \(refused)")
        #expect(mismatches == 0)
        #expect(libseccompRefused == 0)
        #expect(compared == Self.count * 100)
    }
}
