import Testing
import PolicyModel
@testable import TraceCapture
import TestSupport

/// Random hand-written programs (valid and not) against the real kernel: `BPFValidator` accepts
/// exactly the programs `seccomp(SECCOMP_SET_MODE_FILTER)` accepts, and on those the emulator's
/// action is what the call gets.
@Suite(.serialized) struct ValidatorKernelTests {
    /// `LD nr; if (A == exit_group) return ALLOW` so the child can always leave.
    static let prefix: [SockFilter] = [
        .loadWord(SeccompData.nrOffset), .jump(BPF.jmp | BPF.jeq | BPF.k, 231, 0, 1), .ret(Action.allow.returnValue),
    ]

    static func instruction(_ g: inout SplitMix64, valid: Bool) -> SockFilter {
        let small = UInt32.random(in: 0...5, using: &g)
        let returns: [UInt32] = [Action.allow.returnValue, Action.log.returnValue, 0x7FF0_0003, Action.userNotif.returnValue,
                                 0x0005_0000 | UInt32.random(in: 0...0xFFFF, using: &g), 0x0005_0000 | small + 1,
                                 Action.trap.returnValue, Action.killThread.returnValue, Action.killProcess.returnValue,
                                 0x0001_0000, 0x7FFE_0000]
        let alu: [UInt16] = [BPF.add, BPF.sub, BPF.mul, BPF.div, BPF.or, BPF.and, BPF.lsh, BPF.rsh, BPF.xor]
        let jumps: [UInt16] = [BPF.jeq, BPF.jgt, BPF.jge, BPF.jset]
        let aluK: [UInt32] = [0, 1, 3, 31, 32, 0xFFFF_FFFF, UInt32.random(in: 0...UInt32.max, using: &g)]
        var choices: [SockFilter] = [
            .loadWord(UInt32.random(in: 0...15, using: &g) * 4),
            .stmt(BPF.ld | BPF.w | BPF.len, 0), .stmt(BPF.ldx | BPF.w | BPF.len, 0),
            .stmt(BPF.ld | BPF.imm, aluK.randomElement(using: &g)!), .stmt(BPF.ldx | BPF.imm, UInt32.random(in: 0...40, using: &g)),
            .stmt(BPF.ld | BPF.mem, small), .stmt(BPF.ldx | BPF.mem, small), .stmt(BPF.st, small), .stmt(BPF.stx, small),
            .stmt(BPF.alu | alu.randomElement(using: &g)! | BPF.x, 0),
            .stmt(BPF.alu | alu.randomElement(using: &g)! | BPF.k, aluK.randomElement(using: &g)!),
            .stmt(BPF.alu | BPF.neg, 0), .stmt(BPF.misc | BPF.tax, 0), .stmt(BPF.misc | BPF.txa, 0),
            .stmt(BPF.jmp | BPF.ja, small),
            .jump(BPF.jmp | jumps.randomElement(using: &g)! | (Bool.random(using: &g) ? BPF.k : BPF.x),
                  aluK.randomElement(using: &g)!, UInt8(small), UInt8.random(in: 0...5, using: &g)),
            .ret(returns.randomElement(using: &g)!), .ret(returns.randomElement(using: &g)!), .stmt(BPF.ret | BPF.a, 0),
        ]
        if !valid {
            choices += [
                .loadWord([2, 64, 68, 0xFFFF_F000].randomElement(using: &g)!), .stmt(BPF.ld | BPF.h | BPF.abs, 0),
                .stmt(BPF.ld | BPF.b | BPF.abs, 4), .stmt(BPF.ldx | BPF.w | BPF.abs, 0), .stmt(BPF.ld | BPF.ind, 0),
                .stmt(BPF.ldx | BPF.b | BPF.msh, 0), .stmt(BPF.alu | BPF.mod | BPF.k, 3), .stmt(BPF.alu | BPF.mod | BPF.x, 0),
                .stmt(BPF.ret | BPF.x, 0), .stmt(BPF.st, 16), .stmt(BPF.ld | BPF.mem, 16), .stmt(BPF.jmp | BPF.ja, 40),
                .stmt(0x0D, 0), .stmt(BPF.ld | BPF.w | BPF.abs | 0x100, 0),
            ]
        }
        return choices.randomElement(using: &g)!
    }

    @Test("the validator accepts exactly what the kernel accepts, and the emulator predicts what the call gets")
    func validatorAndEmulatorMatchKernel() throws {
        var g = SplitMix64(seed: 0xB0F)
        var accepted = 0
        for _ in 0..<800 {
            let valid = Int.random(in: 0..<4, using: &g) > 0
            var body = (0..<Int.random(in: 1...10, using: &g)).map { _ in Self.instruction(&g, valid: valid) }
            if Int.random(in: 0..<5, using: &g) > 0 { body.append(.ret(0x0005_0000 | UInt32.random(in: 1...9, using: &g))) }
            let program = Self.prefix + body
            let calls = (0..<3).map { _ in
                FilterProbe.Call("getpid", args: (0..<6).map { _ in Bool.random(using: &g) ? UInt64.random(in: 0...40, using: &g) : g.next() })
            }
            let validated: BPFValidationError?
            do { try BPFValidator.validate(program); validated = nil } catch let e as BPFValidationError { validated = e }
            let result: FilterProbeResult
            do {
                result = try FilterProbe.run(program, calls: calls)
            } catch let e as FilterProbeError {
                #expect(e.errno == 22, "\(e)")
                #expect(validated != nil, "the kernel refused (\(e)) a program the validator accepts: \(program)")
                continue
            }
            guard validated == nil else {
                Issue.record("the kernel accepted a program the validator refuses (\(validated!)): \(program)")
                continue
            }
            accepted += 1
            for (i, call) in calls.enumerated() {
                let action = BPFEmulator.runValidated(program, on: call.seccompData).action
                switch action {
                case .allow, .log, .errno, .trace, .userNotif:
                    let expected: Int32
                    switch action {
                    case .errno(let e): expected = Int32(e)
                    case .trace, .userNotif: expected = 38
                    default: expected = 0
                    }
                    try #require(i < result.errnos.count, "\(action) predicted, the child died of signal \(result.terminationSignal): \(program)")
                    #expect(result.errnos[i] == expected, "\(action) predicted, kernel errno \(result.errnos[i]): \(program) on \(call.args)")
                case .trap, .killThread, .killProcess:
                    #expect(result.errnos.count == i && result.terminationSignal == 31,
                            "\(action) predicted, the child made \(result.errnos.count) calls, signal \(result.terminationSignal): \(program)")
                }
                if result.errnos.count == i { break }
            }
        }
        #expect(accepted > 100)
    }

    @Test("4096 instructions are accepted, 4097 refused, by the kernel and the validator alike")
    func lengthLimit() throws {
        for count in [4096, 4097] {
            let program = Self.prefix + Array(repeating: .stmt(BPF.ld | BPF.imm, 1), count: count - Self.prefix.count - 1)
                + [.ret(0x0005_0000 | 17)]
            #expect(program.count == count)
            let call = FilterProbe.Call("getpid")
            if count <= BPF.maxInstructions {
                try BPFValidator.validate(program)
                #expect(try FilterProbe.run(program, calls: [call]).errnos == [17])
                #expect(BPFEmulator.runValidated(program, on: call.seccompData).executed == count - 1)
            } else {
                #expect(throws: BPFValidationError.self) { try BPFValidator.validate(program) }
                #expect(throws: FilterProbeError(operation: "seccomp(SECCOMP_SET_MODE_FILTER)", errno: 22)) {
                    _ = try FilterProbe.run(program, calls: [call])
                }
            }
        }
    }
}
