import Foundation
import Testing
import TestSupport
@testable import PolicyModel

/// `PolicyDiff` is exact: every difference it reports has a witness the reference decision and
/// the emulator confirm, and calls sampled around every constant never differ where it says equal.
@Suite struct DiffExactnessTests {
    typealias R = RandomFilterPolicies

    /// A second policy: often the first one changed a little (so that the pair is nearly or
    /// exactly equal), else an unrelated one.
    static func partner(of p: Policy, _ g: inout SplitMix64) -> Policy {
        var q = p
        switch Int.random(in: 0..<6, using: &g) {
        case 0: return R.policy(&g)
        case 1:
            // The same meaning written differently: rules shuffled and one repeated.
            q.rules.shuffle(using: &g)
            if let r = q.rules.randomElement(using: &g) { q.rules.append(r) }
        case 2:
            if !q.rules.isEmpty { q.rules.remove(at: Int.random(in: 0..<q.rules.count, using: &g)) }
        case 3:
            let extra = R.policy(&g, ruleCount: 1...2)
            q.rules += extra.rules
        case 4:
            if !q.rules.isEmpty {
                let i = Int.random(in: 0..<q.rules.count, using: &g)
                if q.rules[i].conditions.isEmpty || Bool.random(using: &g) {
                    q.rules[i].action = R.actions.randomElement(using: &g)!
                } else {
                    let k = Int.random(in: 0..<q.rules[i].conditions.count, using: &g)
                    q.rules[i].conditions[k].value = q.rules[i].conditions[k].value &+ (Bool.random(using: &g) ? 1 : ~0)
                }
            }
        default:
            q.defaultAction = R.actions.randomElement(using: &g)!
        }
        return q
    }

    /// Calls at and around every constant either policy compares with, for every syscall either
    /// names and a few it does not, on every architecture, an x32 number and a foreign `arch`.
    static func samples(_ a: Policy, _ b: Policy, table: SyscallTable, _ g: inout SplitMix64) -> [SeccompData] {
        var constants: Set<UInt64> = [0, 1, .max, 0xFFFF_FFFF, 0x1_0000_0000]
        for c in (a.rules + b.rules).flatMap(\.conditions) {
            for v in [c.value, c.valueTwo, c.value & c.valueTwo] {
                for w in [v, v &+ 1, v &- 1, v & 0xFFFF_FFFF, v | 0xFFFF_FFFF_0000_0000, v ^ 0x1_0000_0000, ~v] {
                    constants.insert(w)
                }
            }
        }
        let values = constants.sorted()
        var out: [SeccompData] = []
        let names = Set((a.rules + b.rules).map(\.syscall)).union(table.definitions.prefix(3).map(\.name)).sorted()
        for arch in Arch.allCases {
            var numbers = names.compactMap { table.number(of: $0, arch: arch) }
            numbers.append(Int32.random(in: 90..<200, using: &g))
            if arch == .x86_64 { numbers.append(Int32(bitPattern: 0x4000_0000 | UInt32.random(in: 0..<90, using: &g))) }
            for nr in numbers {
                for _ in 0..<8 {
                    let args = (0..<6).map { i in i < 3 ? values.randomElement(using: &g)! : 0 }
                    out.append(SeccompData(nr: nr, arch: arch, args: args))
                }
            }
        }
        for _ in 0..<8 {
            out.append(SeccompData(nr: Int32.random(in: 0..<90, using: &g), arch: 0x1234_5678,
                                   args: [values.randomElement(using: &g)!]))
        }
        return out
    }

    struct Figures {
        var pairs = 0, equalPairs = 0, differences = 0, witnessesConfirmed = 0, samples = 0, samplesDiffering = 0
    }

    static func check(_ a: Policy, _ b: Policy, options: PolicyDiff.Options, table: SyscallTable,
                      _ g: inout SplitMix64, figures: inout Figures) throws {
        let programA = try BPFCompiler.compile(a, table: table)
        let programB = try BPFCompiler.compile(b, table: table)
        let diff = try PolicyDiff(try FilterPaths.explore([programA]), try FilterPaths.explore([programB]),
                                  options: options, table: table)
        figures.pairs += 1
        if diff.isEqual { figures.equalPairs += 1 }
        for d in diff.differences {
            figures.differences += 1
            let w = d.witness
            #expect(d.region.contains(w), "witness outside its region")
            let decidedA = a.decide(w, table: table), decidedB = b.decide(w, table: table)
            let ranA = BPFEmulator.runValidated(programA, on: w).action, ranB = BPFEmulator.runValidated(programB, on: w).action
            guard decidedA == d.a, decidedB == d.b, ranA == d.a, ranB == d.b, options.differ(d.a, d.b) else {
                Issue.record("A \(a)\nB \(b)\n\(d.place): diff says \(d.a) / \(d.b) for \(w); decide \(decidedA) / \(decidedB), emulator \(ranA) / \(ranB)")
                return
            }
            // The witness belongs where the difference is reported.
            switch d.place {
            case .syscall(let arch, let name, let nr):
                #expect(a.architecture(of: w) == arch || !a.architectures.contains(arch))
                #expect(w.nr == nr && table.name(of: nr, arch: arch) == name)
            case .unnamed(let arch):
                #expect(Arch.candidates(auditArch: w.arch).contains(arch) && table.name(of: w.nr, arch: arch) == nil)
            case .otherArchitectures:
                #expect(Arch.candidates(auditArch: w.arch).isEmpty)
            }
            figures.witnessesConfirmed += 1
        }
        for s in samples(a, b, table: table, &g) {
            figures.samples += 1
            let da = a.decide(s, table: table), db = b.decide(s, table: table)
            guard options.differ(da, db) else { continue }
            figures.samplesDiffering += 1
            if !diff.differences.contains(where: { $0.region.contains(s) && $0.a == da && $0.b == db }) {
                Issue.record("A \(a)\nB \(b)\ncall \(s): A \(da), B \(db), but diff reports no difference there")
                return
            }
        }
    }

    @Test("thousands of random policy pairs: every difference has a confirmed witness; sampled calls never differ where diff says equal")
    func randomPairs() throws {
        var g = SplitMix64(seed: 1616)
        var figures = Figures()
        let table = R.table
        for i in 0..<3000 {
            let a = R.policy(&g)
            let b = Self.partner(of: a, &g)
            let options = PolicyDiff.Options(subset: i % 5 == 3, ignoreErrno: i % 7 == 2)
            try Self.check(a, b, options: options, table: table, &g, figures: &figures)
        }
        print("diff exactness: \(figures.pairs) pairs (\(figures.equalPairs) equal), \(figures.differences) differences "
            + "with \(figures.witnessesConfirmed) witnesses confirmed by decide and the emulator; \(figures.samples) "
            + "sampled calls, \(figures.samplesDiffering) decided differently, every one inside a reported difference")
        #expect(figures.witnessesConfirmed == figures.differences)
        #expect(figures.equalPairs > 100 && figures.differences > 1000, "the pairs exercise both outcomes")
    }

    @Test("a policy compared with itself rewritten (rules shuffled, repeated, split) is equal")
    func sameMeaning() throws {
        var g = SplitMix64(seed: 99)
        for _ in 0..<300 {
            let a = R.policy(&g)
            var b = a
            b.rules.shuffle(using: &g)
            b.rules += b.rules.prefix(2)
            let diff = try PolicyDiff(try FilterPaths.explore([try BPFCompiler.compile(a, table: R.table)]),
                                      try FilterPaths.explore([try BPFCompiler.compile(b, table: R.table)]), table: R.table)
            #expect(diff.isEqual, "\(a)")
        }
    }

    @Test("Docker's default profile against itself exported to raw BPF and read back is equal")
    func dockerRoundTrip() throws {
        let docker = try OCIDockerProfileTests.policy().policy
        let bytes = SockFilter.bytes(of: try BPFCompiler.compile(docker))
        let program = try #require(SockFilter.program(from: bytes))
        try BPFValidator.validate(program)
        // One side compiled with another dispatch order, so the two programs differ instruction by instruction.
        let weights = SyscallWeights(counts: ["read": 1000, "futex": 500, "clone": 3], arch: .x86_64)
        let other = try BPFCompiler.compile(docker, weights: weights)
        #expect(other != program)
        let diff = try PolicyDiff(try FilterPaths.explore([other]), try FilterPaths.explore([program]))
        #expect(diff.isEqual, "\(diff.lines().prefix(10).joined(separator: "\n"))")
        // And one change is found, exactly there.
        var changed = docker
        changed.rules.append(Rule(syscall: "socket", action: .errno(13),
                                  conditions: [Condition(index: 0, op: .eq, value: 16, width: .bits32)]))
        let d2 = try PolicyDiff(try FilterPaths.explore([program]), try FilterPaths.explore([try BPFCompiler.compile(changed)]))
        // Docker's profile lists x86_64, x32 and i386: socket differs on each, nowhere else.
        #expect(d2.differences.map(\.place) == [Arch.x86_64, .x32, .i386].map { .syscall($0, name: "socket", nr: sysno("socket", $0)) })
        #expect(d2.lines().contains("  socket: A allows domain == AF_NETLINK, B refuses it with errno EACCES (13)"),
                "\(d2.lines())")
    }

    /// A policy learned from a profile in which `names` were seen.
    static func learned(_ names: [String]) -> Policy {
        var profile = Profile()
        for n in names {
            profile.add(SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: SyscallTable.shared.number(of: n, arch: .x86_64)!, args: []))
        }
        return PolicyGeneration.policy(from: [profile]).policy
    }

    @Test("against a learned policy, the subset relation matches the names each allows")
    func learnedSubset() throws {
        let docker = try OCIDockerProfileTests.policy().policy
        let dockerPaths = try FilterPaths.explore([try BPFCompiler.compile(docker)])
        // Names Docker allows whatever the arguments, names it allows only with some, names it refuses.
        let x86 = SyscallTable.shared.definitions(for: .x86_64).map(\.name)
        let always = x86.filter { BPFCompiler.constantAction(of: $0, in: docker, on: .x86_64)?.letsCallRun == true }
        let never = x86.filter { BPFCompiler.constantAction(of: $0, in: docker, on: .x86_64).map { !$0.letsCallRun } ?? false }
        let sometimes = x86.filter { BPFCompiler.constantAction(of: $0, in: docker, on: .x86_64) == nil }
        #expect(always.count > 250 && never.count > 20 && sometimes.count >= 3, "\(sometimes)")
        var g = SplitMix64(seed: 4)
        for round in 0..<40 {
            var names = Array(always.shuffled(using: &g).prefix(Int.random(in: 5...60, using: &g)))
            if round % 2 == 1 { names += never.shuffled(using: &g).prefix(Int.random(in: 1...3, using: &g)) }
            if round % 4 == 2 { names.append(sometimes.randomElement(using: &g)!) }
            let policy = Self.learned(names)
            let allowedByLearned = Set(policy.rules.filter { $0.action.letsCallRun }.map(\.syscall))
            let looser = allowedByLearned.subtracting(always)
            let paths = try FilterPaths.explore([try BPFCompiler.compile(policy)])
            let subset = try PolicyDiff(dockerPaths, paths, options: .init(subset: true))
            let reported = Set(subset.differences.compactMap { d -> String? in
                if case .syscall(.x86_64, let name, _) = d.place { return name }
                return nil
            })
            #expect(reported == looser, "learned \(names.sorted())")
            #expect(subset.differences.allSatisfy { if case .syscall(.x86_64, _, _) = $0.place { true } else { false } })
            // The other way round, the learned policy never contains Docker's.
            #expect(!(try PolicyDiff(paths, dockerPaths, options: .init(subset: true))).isEqual)
        }
    }
}

/// `diff` on programs this tool did not write: libseccomp's (python3-seccomp, `export_bpf`).
@Suite struct DiffLibseccompTests {
    /// The filter runc would install for `policy` written as OCI JSON: the profile loaded by
    /// `Fixtures/libseccomp_oci.py`'s `build` (runc's rules) and exported with `export_bpf`.
    static func runcProgram(_ policy: Policy) throws -> [SockFilter] {
        let fixture = try #require(Bundle.module.url(forResource: "libseccomp_oci", withExtension: "py", subdirectory: "Fixtures"))
        let dir = try TestScratch.directory("diff-libseccomp")
        defer { try? FileManager.default.removeItem(at: dir) }
        let profile = dir.appendingPathComponent("profile.json"), output = dir.appendingPathComponent("filter.bpf")
        try Data(try OCIWriter.encode(policy)).write(to: profile)
        let r = try ProcessRunner.run(["/usr/bin/python3", "-c", """
            import json, sys
            source = open(sys.argv[1]).read()
            exec(source[:source.index("\\ndef run(")])
            f = build(json.load(open(sys.argv[2])))
            with open(sys.argv[3], "wb") as o:
                f.export_bpf(o)
            """, fixture.path, profile.path, output.path])
        try #require(r.status == 0, "python3-seccomp failed: \(r.stderr)")
        return try #require(SockFilter.program(from: [UInt8](try Data(contentsOf: output))))
    }

    @Test("Docker's default for x86_64 written by us, built by libseccomp and by our compiler: no difference (32-bit arguments are written as masked tests on their low half)", .requires(Requirement.libseccompPython))
    func dockerThroughLibseccomp() throws {
        var docker = try OCIDockerProfileTests.policy().policy
        docker.architectures = [.x86_64]  // for several, the writer refuses argument tests (libseccomp 2.5.4)
        let theirs = try Self.runcProgram(docker)
        try BPFValidator.validate(theirs)
        let ours = try BPFCompiler.compile(docker)
        let diff = try PolicyDiff(try FilterPaths.explore([ours]), try FilterPaths.explore([theirs]))
        #expect(diff.isEqual, "\(diff.differences.prefix(3))")
        for d in diff.differences {
            let w = d.witness
            #expect(BPFEmulator.runValidated(ours, on: w).action == d.a && docker.decide(w) == d.a)
            #expect(BPFEmulator.runValidated(theirs, on: w).action == d.b)
            guard case .syscall(let arch, let name, _) = d.place else {
                Issue.record("a difference outside a named syscall: \(d.place)")
                continue
            }
            let arguments = SyscallTable.shared.definition(named: name)!.arguments
            let upper = arguments.indices.filter { i in
                (arch.is32Bit || arguments[i].width == .bits32) && w.args[i] >> 32 != 0
            }
            #expect(!upper.isEmpty, "\(name) on \(arch): \(w)")
            // The same call with the upper halves cleared is decided alike by both.
            var clean = w
            for i in upper { clean.args[i] &= 0xFFFF_FFFF }
            #expect(BPFEmulator.runValidated(ours, on: clean).action == BPFEmulator.runValidated(theirs, on: clean).action)
        }
        print("diff of Docker's default, ours against libseccomp's: \(diff.differences.count) differences in "
            + "\(Set(diff.differences.map(\.place)).count) syscalls, all in the upper half of 32-bit arguments")
    }
}
