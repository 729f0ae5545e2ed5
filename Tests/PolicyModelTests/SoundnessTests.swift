import Testing
@testable import PolicyModel
import TestSupport

/// Tests that cannot mean what they say are errors; what seccomp cannot see is said.
@Suite struct SoundnessTests {
    static func rule(_ name: String, _ c: Condition) -> Policy {
        Policy(defaultAction: .allow, architectures: [.x86_64, .i386], rules: [Rule(syscall: name, action: .errno(1), conditions: [c])])
    }

    @Test("a masked test with bits outside its mask is an error, not cut")
    func maskedOutside() {
        let c = Condition(index: 1, op: .maskedEq, value: 0x3, valueTwo: 0x7, width: .bits32)
        #expect(c.meaningProblem(on: .x86_64)?.contains("bits outside the mask 0x3 (0x4), so the test can never match") == true)
        #expect(throws: PolicyMeaningError.self) { try Self.rule("kill", c).checkMeaning() }
        #expect(Condition(index: 1, op: .maskedEq, value: 0x3, valueTwo: 0x2, width: .bits32).meaningProblem(on: .x86_64) == nil)
        #expect(throws: OCIWriteError.self) { _ = try OCIWriter.text(Self.rule("kill", c)) }
    }

    @Test("a constant above 32 bits is an error on a 32-bit argument or architecture; a sign-extended negative one fits")
    func wideConstants() throws {
        let offset = Condition(index: 1, op: .lt, value: 0x1_0000_0000, width: .bits64)
        #expect(offset.meaningProblem(on: .x86_64) == nil)
        #expect(offset.meaningProblem(on: .i386)?.contains("arguments on i386 are 32 bits wide") == true)
        #expect(throws: PolicyMeaningError.self) { try Self.rule("lseek", offset).checkMeaning() }
        let fd = Condition(index: 0, op: .eq, value: 0x1_0000_0003, width: .bits32)
        #expect(fd.meaningProblem(on: .x86_64)?.contains("the argument is 32 bits wide") == true)
        let atFdcwd = Condition(index: 0, op: .eq, value: UInt64(bitPattern: -100), width: .bits32)
        #expect(atFdcwd.meaningProblem(on: .x86_64) == nil && atFdcwd.meaningProblem(on: .i386) == nil)
        let highMask = Condition(index: 0, op: .maskedEq, value: 0xFFFF_FFFF_0000_0000, valueTwo: 0, width: .bits64)
        #expect(highMask.meaningProblem(on: .i386) != nil)
        try Self.rule("openat", atFdcwd).checkMeaning()
    }

    @Test("the text writer never names a masked value with an enumeration's names")
    func maskedEnumeration() throws {
        let width = SyscallTable.shared.definition(named: "kill")!.arguments[1].width
        let policy = Policy(defaultAction: .allow, rules: [
            Rule(syscall: "kill", action: .errno(1), conditions: [Condition(index: 1, op: .maskedEq, value: 3, valueTwo: 1, width: width)]),
            Rule(syscall: "kill", action: .errno(2), conditions: [Condition(index: 1, op: .eq, value: 3, width: width)]),
        ])
        let text = TextPolicy.format(policy)
        #expect(text.contains("sig & 0x3 == 0x1"), "\(text)")
        #expect(text.contains("sig == SIGQUIT"), "\(text)")
        #expect(try TextPolicy.parse(text).policy.rules == policy.rules)
    }

    @Test("io_uring, clone3 beside clone rules, and multiplexed argument rules are warned about")
    func blindSpots() {
        let flags = Condition(index: 0, op: .maskedEq, value: 0x1_0000, valueTwo: 0)
        var p = Policy(defaultAction: .errno(1), architectures: [.x86_64], rules: [Rule(syscall: "read", action: .allow)])
        #expect(p.blindSpotWarnings().isEmpty)
        p.rules.append(Rule(syscall: "io_uring_setup", action: .allow, conditions: [Condition(index: 0, op: .lt, value: 8, width: .bits32)]))
        #expect(p.blindSpotWarnings().count == 1)
        #expect(p.blindSpotWarnings()[0].hasPrefix("io_uring_setup is allowed"))
        p.rules.append(Rule(syscall: "clone", action: .allow, conditions: [flags]))
        #expect(p.blindSpotWarnings().count == 1, "clone3 is refused by the default action")
        p.defaultAction = .allow
        #expect(p.blindSpotWarnings().count == 2)
        #expect(p.refusingClone3BesideCloneRules().blindSpotWarnings().count == 1)
        #expect(p.refusingClone3BesideCloneRules().decide(SeccompData(nr: sysno("clone3", .x86_64), arch: .x86_64)) == .errno(38))
        p.rules.append(Rule(syscall: "io_uring_setup", action: .killProcess))
        #expect(p.blindSpotWarnings().count == 1, "an unconditional kill wins over the conditional allow")
    }

    @Test("generate --arg-rules safe refuses clone3 with ENOSYS when clone gets argument rules")
    func generateClone3() {
        var profile = Profile()
        let clone = SyscallTable.shared.number(of: "clone", arch: .x86_64)!
        let clone3 = SyscallTable.shared.number(of: "clone3", arch: .x86_64)!
        profile.add([SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: clone, args: [0x1200011, 0, 0, 0, 0, 0]),
                     SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: clone3, args: [0, 88, 0, 0, 0, 0])])
        let safe = PolicyGeneration.policy(from: [profile], options: .init(argumentRules: .safe)).policy
        #expect(safe.rules(for: "clone3") == [Rule(syscall: "clone3", action: .errno(38))])
        #expect(safe.blindSpotWarnings().isEmpty)
        let plain = PolicyGeneration.policy(from: [profile]).policy
        #expect(plain.rules(for: "clone3") == [Rule(syscall: "clone3", action: .allow)])
    }

    @Test("numbers no syscall has: -1 gets the default action, x86_64 numbers from 0x40000000 are x32's")
    func numbersWithoutSyscall() throws {
        let p = Policy(defaultAction: .errno(1), architectures: [.x86_64], badArchAction: .killProcess)
        let program = try BPFCompiler.compile(p)
        for (nr, expected) in [(UInt32.max, Action.errno(1)), (0xC000_0000, .killProcess), (0x8000_0000, .killProcess),
                               (0x4000_0000, .killProcess), (0x3FFF_FFFF, .errno(1)), (0xFFFF_FFFE, .killProcess)] {
            let data = SeccompData(nr: Int32(bitPattern: nr), arch: .x86_64)
            #expect(p.decide(data) == expected, "nr 0x\(String(nr, radix: 16))")
            #expect(try BPFEmulator.run(program, on: data).action == expected)
        }
        let x32 = Policy(defaultAction: .errno(1), architectures: [.x32], badArchAction: .killProcess)
        #expect(x32.decide(SeccompData(nr: -1, arch: .x86_64)) == .errno(1))
        #expect(x32.decide(SeccompData(nr: Int32(bitPattern: 0x8000_0000), arch: .x86_64)) == .errno(1))
        #expect(x32.decide(SeccompData(nr: sysno("write", .x86_64), arch: .x86_64)) == .killProcess)
    }
}
