import Testing
@testable import PolicyModel
import TestSupport

@Suite struct BPFEmulatorValidatorTests {
    static let ld = BPF.ld | BPF.w | BPF.abs

    @Test("the emulator runs ALU, X, scratch memory and RET A as the kernel defines them")
    func aluAndMemory() throws {
        let program: [SockFilter] = [
            .loadWord(SeccompData.argLowOffset(0)),      // A = args[0]
            .stmt(BPF.alu | BPF.add | BPF.k, 3),         // A += 3
            .stmt(BPF.st, 2),                            // mem[2] = A
            .stmt(BPF.ldx | BPF.imm, 2),                 // X = 2
            .stmt(BPF.alu | BPF.lsh | BPF.x, 0),         // A <<= X
            .stmt(BPF.misc | BPF.tax, 0),                // X = A
            .stmt(BPF.ld | BPF.mem, 2),                  // A = mem[2]
            .stmt(BPF.alu | BPF.sub | BPF.x, 0),         // A -= X
            .stmt(BPF.alu | BPF.neg, 0),                 // A = -A
            .stmt(BPF.alu | BPF.or | BPF.k, 0x5_0000),   // A |= ERRNO
            .stmt(BPF.ret | BPF.a, 0),
        ]
        // args[0] = 4: (4+3) << 2 = 28; 7 - 28 = -21; -(-21) = 21; ERRNO(21)
        let run = try BPFEmulator.run(program, on: SeccompData(nr: 0, arch: .x86_64, args: [4]))
        #expect(run.action == .errno(21))
        #expect(run.executed == 11)
    }

    @Test("division by a zero X returns 0, which the kernel reads as kill-thread")
    func divisionByZero() throws {
        let program: [SockFilter] = [.stmt(BPF.ldx | BPF.imm, 0), .stmt(BPF.alu | BPF.div | BPF.x, 0), .ret(Action.allow.returnValue)]
        #expect(try BPFEmulator.run(program, on: SeccompData(nr: 0, arch: .x86_64)).action == .killThread)
    }

    @Test("jumps count executed instructions only")
    func executedCount() throws {
        let program: [SockFilter] = [
            .loadWord(SeccompData.nrOffset),
            .jump(BPF.jmp | BPF.jeq | BPF.k, 1, 2, 0),
            .stmt(BPF.jmp | BPF.ja, 1),
            .ret(Action.errno(1).returnValue),
            .ret(Action.allow.returnValue),
        ]
        #expect(try BPFEmulator.run(program, on: SeccompData(nr: 1, arch: .x86_64)) == BPFRun(returnValue: 0x7FFF_0000, executed: 3))
        #expect(try BPFEmulator.run(program, on: SeccompData(nr: 2, arch: .x86_64)) == BPFRun(returnValue: 0x7FFF_0000, executed: 4))
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var program: [SockFilter]
        var index: Int?
        var reason: String
        init(_ program: [SockFilter], _ index: Int?, _ reason: String) {
            self.program = program
            self.index = index
            self.reason = reason
        }
        var description: String { reason }
    }

    static let ret0 = SockFilter.ret(0)
    static let refusals: [Refusal] = [
        Refusal([], nil, "empty"),
        Refusal([.loadWord(2), ret0], 0, "aligned 32-bit word"),
        Refusal([.loadWord(64), ret0], 0, "aligned 32-bit word"),
        Refusal([.stmt(BPF.ld | BPF.h | BPF.abs, 0), ret0], 0, "not allowed"),
        Refusal([.stmt(BPF.alu | BPF.mod | BPF.k, 3), ret0], 0, "not allowed"),
        Refusal([.loadWord(0), .jump(BPF.jmp | BPF.jeq | BPF.k, 0, 1, 0), ret0], 1, "leaves the program"),
        Refusal([.stmt(BPF.jmp | BPF.ja, 1), ret0], 0, "leaves the program"),
        Refusal([.loadWord(0)], 0, "not a return"),
        Refusal([.stmt(BPF.ld | BPF.mem, 3), ret0], 0, "read before it is written"),
        Refusal([.stmt(BPF.st, 16), ret0], 0, "out of range"),
        Refusal([.stmt(BPF.alu | BPF.div | BPF.k, 0), ret0], 0, "division"),
        Refusal([.stmt(BPF.alu | BPF.lsh | BPF.k, 32), ret0], 0, "shift"),
        Refusal(Array(repeating: ret0, count: 4097), nil, "limit of 4096"),
    ]

    @Test("the validator refuses what seccomp_check_filter and bpf_check_classic refuse, naming the instruction",
          arguments: refusals)
    func validatorRefuses(_ r: Refusal) {
        #expect {
            try BPFValidator.validate(r.program)
        } throws: { error in
            guard let e = error as? BPFValidationError else { return false }
            return e.index == r.index && e.reason.contains(r.reason)
        }
    }

    @Test("scratch memory written on only one path is refused")
    func memoryOnOnePath() {
        let program: [SockFilter] = [
            .loadWord(0),
            .jump(BPF.jmp | BPF.jeq | BPF.k, 1, 0, 1),
            .stmt(BPF.st, 0),
            .stmt(BPF.ld | BPF.mem, 0),
            .ret(0),
        ]
        #expect(throws: BPFValidationError(index: 3, reason: "scratch memory slot 0 is read before it is written")) {
            try BPFValidator.validate(program)
        }
    }

    @Test("raw bytes round-trip through bytes(of:) and program(from:)")
    func bytesRoundTrip() throws {
        var g = SplitMix64(seed: 1)
        let program = try BPFCompiler.compile(RandomFilterPolicies.policy(&g, ruleCount: 8...8), table: RandomFilterPolicies.table)
        #expect(SockFilter.program(from: SockFilter.bytes(of: program)) == program)
        #expect(SockFilter.program(from: [1, 2, 3]) == nil)
    }
}
