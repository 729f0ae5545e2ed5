import Foundation
import Testing
@testable import PolicyModel
import TestSupport

/// The same random policies built by libseccomp (python3-seccomp, `export_bpf`) and run through
/// our emulator must decide as `Policy.decide` does. Policies are kept to what libseccomp accepts
/// and means the same way: every rule of a syscall has one action (libseccomp does not take the
/// most restrictive of overlapping actions), no rule repeats the default action, one condition
/// per argument in a rule; masked-equal values within their mask (libseccomp compares
/// `(arg & mask) == (value & mask)`, OCI and `Policy.decide` `(arg & mask) == value`); 32-bit-wide conditions only meet arguments whose upper half is zero
/// (libseccomp compares all 64 bits, issue 383); no syscall number in 0x80000000...0xBFFFFFFF
/// (libseccomp refuses all numbers ≥ 0x40000000 as x32, we only those with the x32 bit), and not -1
/// (libseccomp lets it through to the default action for tracers that skip calls).
@Suite(.requires(Requirement.libseccompPython)) struct LibseccompComparisonTests {
    /// Real x86_64 and i386 numbers, so libseccomp resolves the same names.
    static let table: SyscallTable = {
        let calls: [(String, Int32, Int32, [ArgWidth])] = [
            ("read", 0, 3, [.bits32, .bits64, .bits64]), ("write", 1, 4, [.bits32, .bits64, .bits64]),
            ("close", 3, 6, [.bits32]), ("lseek", 8, 19, [.bits32, .bits64, .bits32]),
            ("mprotect", 10, 125, [.bits64, .bits64, .bits64]), ("ioctl", 16, 54, [.bits32, .bits32, .bits64]),
            ("madvise", 28, 219, [.bits64, .bits64, .bits32]), ("dup", 32, 41, [.bits32]), ("getpid", 39, 20, []),
            ("kill", 62, 37, [.bits32, .bits32]), ("fcntl", 72, 55, [.bits32, .bits32, .bits64]),
            ("umask", 95, 60, [.bits32]), ("getppid", 110, 64, []), ("personality", 135, 136, [.bits32]),
            ("getpriority", 140, 96, [.bits32, .bits32]), ("prctl", 157, 172, [.bits32, .bits64, .bits64]),
            ("futex", 202, 240, [.bits64, .bits32, .bits32, .bits64, .bits64, .bits32]),
            ("openat", 257, 295, [.bits32, .bits64, .bits32]),
        ]
        return SyscallTable(definitions: calls.map { name, x64, x86, widths in
            SyscallDefinition(name: name, numbers: [.x86_64: x64, .i386: x86], arguments: widths.enumerated().map {
                SyscallArgument(name: "a\($0.offset)", cType: "long", width: $0.element, isPointer: false, isPath: false)
            })
        })
    }()

    static let mergeSafe: [CompareOp] = [.eq, .ne, .maskedEq]

    static let actions: [Action] = [.allow, .log, .trace(3), .errno(1), .errno(13), .trap, .killThread, .killProcess]

    /// A random policy libseccomp accepts; `narrow`: every constant below 2^32 and 32-bit conditions allowed.
    static func policy(_ g: inout SplitMix64, narrow: Bool) -> Policy {
        let defaultAction = actions.randomElement(using: &g)!
        var actionOf: [String: Action] = [:]
        var rules: [Rule] = []
        let names = table.definitions.map(\.name)
        for _ in 0..<Int.random(in: 1...12, using: &g) {
            let name = names.randomElement(using: &g)!
            let action = actionOf[name] ?? actions.filter { $0 != defaultAction }.randomElement(using: &g)!
            actionOf[name] = action
            // Several rules for one syscall only with ==, != and masked ==: libseccomp 2.5.4 merges
            // range comparisons of several rules on 64-bit arguments wrongly.
            let several = rules.contains { $0.syscall == name }
            if several && rules.contains(where: { $0.syscall == name && $0.conditions.contains { !Self.mergeSafe.contains($0.op) } }) {
                continue
            }
            let indices = Array((0..<6).shuffled(using: &g).prefix([0, 1, 1, 2, 3].randomElement(using: &g)!))
            let conditions = indices.map { i -> Condition in
                let op = several ? Self.mergeSafe.randomElement(using: &g)! : CompareOp.allCases.randomElement(using: &g)!
                var v = RandomFilterPolicies.value(&g)
                var t = RandomFilterPolicies.value(&g)
                if narrow { v &= 0xFFFF_FFFF; t &= 0xFFFF_FFFF }
                if op == .maskedEq { t &= v }
                return Condition(index: i, op: op, value: v, valueTwo: op == .maskedEq ? t : 0,
                                 width: narrow && Bool.random(using: &g) ? .bits32 : .bits64)
            }
            rules.append(Rule(syscall: name, action: action, conditions: conditions))
        }
        let archs: [Arch] = narrow && Bool.random(using: &g) ? [.x86_64, .i386] : [.x86_64]
        return Policy(defaultAction: defaultAction, architectures: archs,
                      badArchAction: actions.randomElement(using: &g)!, rules: rules)
    }

    static func call(_ context: RandomFilterPolicies.CallContext, narrow: Bool, _ g: inout SplitMix64) -> SeccompData {
        var data = RandomFilterPolicies.call(context, &g)
        // libseccomp treats all numbers from 0x40000000 up as x32 and lets -1 through (ptrace skip).
        if (0x8000_0000...0xBFFF_FFFF).contains(UInt32(bitPattern: data.nr)) || data.nr == -1 { data.nr = 1 }
        if narrow { data.args = data.args.map { $0 & 0xFFFF_FFFF } }
        return data
    }

    static let script = """
    import json, sys, seccomp
    ops = {"SCMP_CMP_EQ": seccomp.EQ, "SCMP_CMP_NE": seccomp.NE, "SCMP_CMP_LT": seccomp.LT, "SCMP_CMP_LE": seccomp.LE,
           "SCMP_CMP_GT": seccomp.GT, "SCMP_CMP_GE": seccomp.GE, "SCMP_CMP_MASKED_EQ": seccomp.MASKED_EQ}
    archs = {"x86_64": seccomp.Arch.X86_64, "i386": seccomp.Arch.X86}
    def act(v):  # the binding takes actions as C ints
        return v - (1 << 32) if v >= (1 << 31) else v
    out = []
    for i, p in enumerate(json.load(open(sys.argv[1]))):
        try:
            f = seccomp.SyscallFilter(act(p["default"]))
            f.set_attr(seccomp.Attr.ACT_BADARCH, act(p["badarch"]))
            if p["optimize"] == 2:
                f.set_attr(seccomp.Attr.CTL_OPTIMIZE, 2)
            for a in p["archs"]:
                if archs[a] != seccomp.Arch.X86_64:
                    f.add_arch(archs[a])
            for r in p["rules"]:
                f.add_rule(act(r["action"]), r["name"], *[seccomp.Arg(c[0], ops[c[1]], c[2], c[3]) for c in r["args"]])
            path = sys.argv[2] + "/%d.bpf" % i
            with open(path, "wb") as o:
                f.export_bpf(o)
            out.append(path)
        except Exception as e:
            out.append("error: %r" % (e,))
    print(json.dumps(out))
    """

    /// Builds each policy with libseccomp; nil where libseccomp refused it.
    static func libseccompPrograms(_ policies: [(Policy, Int)]) throws -> [[SockFilter]?] {
        let dir = try TestScratch.directory("libseccomp")
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec: [[String: Any]] = policies.map { p, optimize in
            ["default": p.defaultAction.returnValue, "badarch": p.badArchAction.returnValue, "optimize": optimize,
             "archs": p.architectures.map(\.rawValue),
             "rules": p.rules.map { r in
                 ["name": r.syscall, "action": r.action.returnValue,
                  "args": r.conditions.map { [$0.index, $0.op.rawValue, $0.value, $0.valueTwo] as [Any] }] as [String: Any]
             }]
        }
        let specURL = dir.appendingPathComponent("spec.json")
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        let scriptURL = dir.appendingPathComponent("build.py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        let r = try ProcessRunner.run(["/usr/bin/python3", scriptURL.path, specURL.path, dir.path])
        try #require(r.status == 0, "python3-seccomp failed: \(r.stderr)")
        let paths = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String])
        return try paths.map { path in
            if path.hasPrefix("error:") { return nil }
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            return SockFilter.program(from: bytes)
        }
    }

    @Test("libseccomp's filters for the same random policies decide as Policy.decide and as ours")
    func sameDecisions() throws {
        var g = SplitMix64(seed: 383)
        let policies = (0..<600).map { i in (Self.policy(&g, narrow: i % 2 == 0), i % 3 == 0 ? 2 : 1) }
        let programs = try Self.libseccompPrograms(policies)
        let accepted = programs.compactMap { $0 }.count
        #expect(accepted == 600, "libseccomp accepted only \(accepted) of 600 policies")
        for ((p, _), libProgram) in zip(policies, programs) {
            guard let libProgram else { continue }
            try BPFValidator.validate(libProgram)
            let ours = try BPFCompiler.compile(p, table: Self.table)
            let narrow = p.rules.allSatisfy { $0.conditions.allSatisfy { $0.value <= 0xFFFF_FFFF } }
            let context = RandomFilterPolicies.CallContext(p, table: Self.table)
            for _ in 0..<60 {
                let data = Self.call(context, narrow: narrow, &g)
                let expected = p.decide(data, table: Self.table)
                let lib = BPFEmulator.runValidated(libProgram, on: data).action
                let our = BPFEmulator.runValidated(ours, on: data).action
                if lib != expected || our != expected {
                    Issue.record("policy \(p)\ncall \(data): libseccomp \(lib), ours \(our), decide \(expected)")
                    return
                }
            }
        }
    }
}
