import Testing
@testable import PolicyModel

/// The man pages' argument names (aliases from `scripts/gen-syscall-table`) in the text policy.
@Suite struct TextPolicyArgumentAliasTests {
    func rules(_ line: String) throws -> [Rule] {
        try TextPolicy.parse("@default allow\n@arch x86_64\n" + line + "\n").policy.rules
    }

    @Test("a man page name reads as the kernel's: ioctl's request is cmd, openat's dirfd is dfd")
    func aliasReadsAsKernelName() throws {
        #expect(try rules("ioctl: errno EPERM if request == TCGETS") == rules("ioctl: errno EPERM if cmd == TCGETS"))
        #expect(try rules("ioctl: errno EPERM if request == TCGETS").first?.conditions.first?.index == 1)
        #expect(try rules("openat: kill if dirfd == AT_FDCWD && flags & O_ACCMODE == O_RDWR")
                == rules("openat: kill if dfd == AT_FDCWD && flags & O_ACCMODE == O_RDWR"))
        #expect(try rules("wait4: errno ECHILD if wstatus == 0") == rules("wait4: errno ECHILD if stat_addr == 0"))
        // The alias picks the argument's decoder as the kernel name does.
        #expect(try rules("ioctl: errno EPERM if request == TIOCSTI").first?.conditions.first?.value == Constants.value(named: "TIOCSTI"))
    }

    @Test("the writer keeps the kernel's name")
    func writerKeepsKernelName() throws {
        let policy = try TextPolicy.parse("@default allow\n@arch x86_64\nioctl: errno EPERM if request == TCGETS\n").policy
        let text = TextPolicy.format(policy)
        #expect(text.contains("ioctl: errno EPERM if cmd == TCGETS"), "\(text)")
        #expect(!text.contains("request"))
    }

    @Test("an unknown argument name lists each argument with its man page names")
    func errorListsBothNames() throws {
        do {
            _ = try rules("ioctl: errno EPERM if requst == TCGETS")
            Issue.record("accepted an unknown argument name")
        } catch let e as TextPolicyDiagnostic {
            #expect("\(e)".contains("'ioctl' has no argument 'requst'; expected fd, cmd (request), arg, or arg0...arg2 (did you mean 'request'?)"),
                    "\(e)")
        }
    }

    @Test("a rule for a call missing on one listed architecture warns, naming both; none missing, no warning")
    func absentOnArchitecture() throws {
        let mixed = try TextPolicy.parse("@default allow\n@arch x86_64 aarch64\nopen: kill\nopenat: kill\n")
        #expect(mixed.warnings.map { "\($0)" } == ["<input>:3:1: 'open' has no syscall number on aarch64: the rule applies on x86_64 only"])
        let nowhere = try TextPolicy.parse("@default allow\n@arch aarch64\narch_prctl: kill\n")
        #expect(nowhere.warnings.map { "\($0)" }
                == ["<input>:3:1: 'arch_prctl' has no syscall number on aarch64, the policy's architectures: the rule is in no filter (only x86_64, x32, i386 have it)"])
        #expect(try TextPolicy.parse("@default allow\n@arch x86_64 i386\nfchmodat2: errno 33\n").warnings.isEmpty)
    }
}
