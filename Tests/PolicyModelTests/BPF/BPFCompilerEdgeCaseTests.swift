import Testing
@testable import PolicyModel
import TestSupport

/// Edges of the compiler: policies the kernel cannot enforce as written, jump offsets at the
/// 255/256 boundary, and ALU semantics the compiler never uses but foreign programs may.
@Suite struct BPFCompilerEdgeCaseTests {
    @Test("a policy without architectures is refused: it would give every call the bad-architecture action")
    func noArchitectures() {
        let p = Policy(defaultAction: .allow, architectures: [], badArchAction: .killProcess,
                       rules: [Rule(syscall: "read", action: .allow)])
        #expect(p.decide(SeccompData(nr: sysno("read", .x86_64), arch: .x86_64)) == .killProcess)
        #expect {
            _ = try BPFCompiler.compile(p)
        } throws: { error in
            "\(error)".contains("lists no architecture")
        }
        var listed = p
        listed.architectures = [.x86_64, .x86_64]
        #expect(throws: Never.self) { try BPFCompiler.compile(listed) }
    }

    @Test("an errno above 4095 is refused: the kernel would return 4095 instead",
          arguments: [Action.errno(4096), .errno(UInt16.max)])
    func errnoAboveMax(action: Action) throws {
        let places: [Policy] = [
            Policy(defaultAction: action),
            Policy(defaultAction: .allow, badArchAction: action),
            Policy(defaultAction: .allow, rules: [Rule(syscall: "read", action: action,
                                                       conditions: [Condition(index: 0, op: .eq, value: 3)])]),
        ]
        for p in places {
            #expect {
                _ = try BPFCompiler.compile(p)
            } throws: { error in
                "\(error)".contains("above the kernel's largest errno 4095")
            }
        }
        #expect(Action(returnValue: action.returnValue) == .errno(4095))
        _ = try BPFCompiler.compile(Policy(defaultAction: .errno(4095)))
    }

    @Test("unknown action values act as kill_process, as the kernel's default case does")
    func unknownActions() {
        for v: UInt32 in [0x0001_0000, 0x0002_0001, 0x0004_0000, 0x7FFD_0000, 0x8001_0000, 0xFFFF_0000] {
            #expect(Action(returnValue: v) == .killProcess, "0x\(String(v, radix: 16))")
        }
        #expect(Action(returnValue: 0x0000_1234) == .killThread)
    }

    /// `LD nr; JEQ 5 → far (a label or a return) / filler; filler × n; RET errno 2; far: ...; RET errno 1`.
    static func jumpOver(_ n: Int, toReturn: Bool) -> [SockFilter] {
        var b = BPFCodeBuilder()
        let one = Action.errno(1).returnValue
        let far: BPFTarget = toReturn ? .ret(one) : b.emitStatement(.stmt(BPF.ld | BPF.imm, 0), next: .ret(one))
        if toReturn { _ = b.materialize(far) }
        var next = BPFTarget.ret(Action.errno(2).returnValue)
        for _ in 0..<n { next = b.emitStatement(.stmt(BPF.ld | BPF.imm, 7), next: next) }
        let entry = b.emitJump(BPF.jmp | BPF.jeq | BPF.k, 5, jt: far, jf: next)
        _ = b.emitStatement(.loadWord(SeccompData.nrOffset), next: entry)
        return b.program
    }

    @Test("conditional jumps of exactly 255 are direct; 256 and more go through a trampoline or a nearer return",
          arguments: [false, true])
    func jumpBoundary(toReturn: Bool) throws {
        for n in 245...265 {
            let program = Self.jumpOver(n, toReturn: toReturn)
            try BPFValidator.validate(program)
            #expect(BPFEmulator.runValidated(program, on: SeccompData(nr: 5, arch: .x86_64)).action == .errno(1), "\(n)")
            #expect(BPFEmulator.runValidated(program, on: SeccompData(nr: 6, arch: .x86_64)).action == .errno(2), "\(n)")
            // The jump skips the filler and `RET errno 2`: n + 1 instructions (+1 for the load of a label target).
            let distance = n + 1
            let direct = distance <= 255
            let helpers = program.count - (n + 4 + (toReturn ? 0 : 1))
            #expect(helpers == (direct ? 0 : 1), "n \(n): \(helpers) helper instructions")
            #expect(program[1].jt == (direct ? UInt8(distance) : 0), "n \(n)")
        }
    }

    @Test("shifts by X of 32 or more shift by the amount modulo 32, as the kernel does; the summary agrees")
    func shiftByX() throws {
        for (amount, expected) in [(UInt32(1), UInt16(2)), (33, 2), (32, 1), (63, 0)] {
            let program: [SockFilter] = [
                .stmt(BPF.ldx | BPF.imm, amount), .stmt(BPF.ld | BPF.imm, 1),
                .stmt(BPF.alu | BPF.lsh | BPF.x, 0), .stmt(BPF.alu | BPF.and | BPF.k, 0xFFFF),
                .stmt(BPF.alu | BPF.or | BPF.k, 0x0005_0000), .stmt(BPF.ret | BPF.a, 0),
            ]
            #expect(try BPFEmulator.run(program, on: SeccompData(nr: 0, arch: .x86_64)).action == .errno(expected), "<< \(amount)")
            #expect(FilterSummary.outcome(of: program, arch: .x86_64, nr: 0) == .constant(.errno(expected)), "<< \(amount)")
        }
    }

    @Test("a source file name holding */ cannot end the C header's comment early")
    func cHeaderSourceName() throws {
        let p = Policy(defaultAction: .allow)
        let header = BPFCHeader.render(try BPFCompiler.compile(p), policy: p, source: "x*/ int evil; /*.json")
        let comment = try #require(header.split(separator: "*/", maxSplits: 1).first)
        #expect(comment.contains("int evil"), "the name stays inside the first comment")
        #expect(!header.contains("*/ int evil"))
    }
}
