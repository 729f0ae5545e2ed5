import Testing
@testable import PolicyModel

@Suite struct BPFDisassemblerTests {
    @Test("the disassembly names fields, architectures, syscalls of the architecture dispatched, and actions")
    func readable() throws {
        let p = Policy(defaultAction: .errno(1), architectures: [.x86_64, .i386], badArchAction: .killProcess, rules: [
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 2, width: .bits32)]),
            Rule(syscall: "read", action: .allow),
        ])
        // Weighted so that `write` is tested with JEQ (uniform weights give range tests only).
        let program = try BPFCompiler.compile(p, weights: SyscallWeights(counts: ["write": 1000]))
        let text = BPFDisassembler.lines(program)
        #expect(text.count == program.count)
        #expect(text[0] == "0000: A = arch")
        #expect(text[1].hasPrefix("0001: if (A == ARCH_X86_64) goto ") || text[1].hasPrefix("0001: if (A != ARCH_X86_64) goto "))
        #expect(text.contains { $0.hasSuffix(": A = sys_number") })
        #expect(text.contains { $0.hasSuffix(": A = args[0]") })
        #expect(text.contains { $0.hasSuffix(": return ERRNO(1)") })
        #expect(text.contains { $0.hasSuffix(": return KILL_PROCESS") })
        #expect(text.contains { $0.hasSuffix(": return ALLOW") })
        // `write` (the hot syscall, nr 1) is tested with JEQ in the x86_64 block.
        let writeTests = text.filter { $0.contains("A == write") || $0.contains("A != write") }
        #expect(writeTests.count == 1)
        // Raw columns.
        #expect(BPFDisassembler.lines(program, raw: true)[0] == "0000: 0x20 0x00 0x00 0x00000004  A = arch")
    }

    @Test("numbers are named from the table of the architecture the path checked")
    func perArchitectureNames() {
        let program: [SockFilter] = [
            .loadWord(SeccompData.archOffset),
            .jump(BPF.jmp | BPF.jeq | BPF.k, Arch.i386.auditArch, 0, 2),
            .loadWord(SeccompData.nrOffset),
            .jump(BPF.jmp | BPF.jeq | BPF.k, 4, 2, 0),      // i386 write
            .loadWord(SeccompData.nrOffset),
            .jump(BPF.jmp | BPF.jeq | BPF.k, 4, 0, 1),      // x86_64 stat
            .ret(Action.allow.returnValue),
            .ret(Action.killProcess.returnValue),
        ]
        let text = BPFDisassembler.lines(program)
        #expect(text[3] == "0003: if (A == write) goto 0006")
        #expect(text[5] == "0005: if (A != stat) goto 0007")
    }

    @Test("numbers under AUDIT_ARCH_X86_64 with the x32 bit are named from the x32 table")
    func x32Names() {
        let program: [SockFilter] = [
            .loadWord(SeccompData.archOffset),
            .jump(BPF.jmp | BPF.jeq | BPF.k, Arch.x86_64.auditArch, 0, 4),
            .loadWord(SeccompData.nrOffset),
            .jump(BPF.jmp | BPF.jeq | BPF.k, 0x4000_0001, 1, 0),
            .jump(BPF.jmp | BPF.jeq | BPF.k, 1, 0, 1),
            .ret(Action.allow.returnValue),
            .ret(Action.killProcess.returnValue),
        ]
        let text = BPFDisassembler.lines(program)
        #expect(text[3] == "0003: if (A == write) goto 0005")
        #expect(text[4] == "0004: if (A != write) goto 0006")
        #expect(text[1] == "0001: if (A != ARCH_X86_64) goto 0006")
    }
}
