import Testing
import PolicyModel
@testable import TraceCapture
import TestSupport

/// Hand-written programs (not the compiler's) against the real kernel: the ALU on values taken from
/// the call's arguments, with X operands the compiler never produces (shifts by 32 or more), the
/// result returned as an errno. The emulator must compute what the kernel computes.
@Suite(.serialized) struct EmulatorALUKernelTests {
    /// `A = arg0 OP arg1` (X = arg1), returned as errno `0x800 | (A & 0x7FF)`; exit_group allowed.
    static func program(op: UInt16) -> [SockFilter] {
        [
            .loadWord(SeccompData.nrOffset),
            .jump(BPF.jmp | BPF.jeq | BPF.k, 231, 0, 1),
            .ret(Action.allow.returnValue),
            .loadWord(SeccompData.argLowOffset(1)),
            .stmt(BPF.misc | BPF.tax, 0),
            .loadWord(SeccompData.argLowOffset(0)),
            .stmt(BPF.alu | op | BPF.x, 0),
            .stmt(BPF.alu | BPF.and | BPF.k, 0x7FF),
            .stmt(BPF.alu | BPF.or | BPF.k, 0x0005_0800),
            .stmt(BPF.ret | BPF.a, 0),
        ]
    }

    @Test("ALU operations with X, shifts by 32 or more included, compute what the kernel computes",
          arguments: [BPF.add, BPF.sub, BPF.mul, BPF.div, BPF.and, BPF.or, BPF.xor, BPF.lsh, BPF.rsh])
    func aluWithX(op: UInt16) throws {
        var g = SplitMix64(seed: UInt64(op) &+ 17)
        let program = Self.program(op: op)
        try BPFValidator.validate(program)
        let calls = (0..<64).map { i -> FilterProbe.Call in
            let a = UInt64(UInt32.random(in: 0...UInt32.max, using: &g))
            // Shift amounts 0...70 (half of them 32 or more); never a zero divisor (that returns 0: kill).
            let x: UInt64 = (op == BPF.lsh || op == BPF.rsh) ? UInt64(i + i / 2 + Int.random(in: 0...1, using: &g))
                : UInt64(UInt32.random(in: 1...UInt32.max, using: &g) >> UInt32.random(in: 0...31, using: &g))
            return FilterProbe.Call("getpid", args: [a, max(x, 1)])
        }
        let result = try FilterProbe.run(program, calls: calls)
        try #require(result.errnos.count == calls.count, "the child ended early: signal \(result.terminationSignal)")
        for (call, kernelErrno) in zip(calls, result.errnos) {
            let emulated = try BPFEmulator.run(program, on: call.seccompData).action
            #expect(emulated == .errno(UInt16(kernelErrno)),
                    "op 0x\(String(op, radix: 16)) on \(call.args[0]), \(call.args[1]): kernel errno \(kernelErrno), emulator \(emulated)")
        }
    }
}
