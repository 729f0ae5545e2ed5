/// What a program returned for one call, and how many instructions it executed to get there.
public struct BPFRun: Hashable, Sendable {
    public var returnValue: UInt32
    public var executed: Int
    public var action: Action { Action(returnValue: returnValue) }
}

/// Runs classic BPF seccomp programs the way the kernel does.
public enum BPFEmulator {
    /// Validates `program` like the kernel, then runs it on `data`.
    public static func run(_ program: [SockFilter], on data: SeccompData) throws -> BPFRun {
        try BPFValidator.validate(program)
        return runValidated(program, on: data)
    }

    /// Runs a program that already passed `BPFValidator.validate` (undefined for others).
    public static func runValidated(_ program: [SockFilter], on data: SeccompData) -> BPFRun {
        var a: UInt32 = 0
        var x: UInt32 = 0
        var memory = [UInt32](repeating: 0, count: BPF.memoryWords)
        var pc = 0
        var executed = 0
        while pc < program.count {
            let ins = program[pc]
            executed += 1
            pc += 1
            let operand = BPF.source(ins.code) == BPF.x ? x : ins.k
            switch BPF.instructionClass(ins.code) {
            case BPF.ld:
                switch ins.code & 0xE0 {
                case BPF.abs: a = data.word(at: ins.k) ?? 0
                case BPF.len: a = BPF.seccompDataSize
                case BPF.mem: a = memory[Int(ins.k)]
                default: a = ins.k
                }
            case BPF.ldx:
                switch ins.code & 0xE0 {
                case BPF.len: x = BPF.seccompDataSize
                case BPF.mem: x = memory[Int(ins.k)]
                default: x = ins.k
                }
            case BPF.st: memory[Int(ins.k)] = a
            case BPF.stx: memory[Int(ins.k)] = x
            case BPF.alu:
                switch BPF.operation(ins.code) {
                case BPF.add: a = a &+ operand
                case BPF.sub: a = a &- operand
                case BPF.mul: a = a &* operand
                case BPF.div:
                    // The kernel's conversion of classic BPF returns 0 on a division by zero.
                    if operand == 0 { return BPFRun(returnValue: 0, executed: executed) }
                    a = a / operand
                case BPF.and: a &= operand
                case BPF.or: a |= operand
                case BPF.xor: a ^= operand
                // The kernel's interpreter and JITs shift a 32-bit register by the amount modulo 32
                // (the validator refuses constant amounts of 32 or more; X may hold any).
                case BPF.lsh: a = a << (operand & 31)
                case BPF.rsh: a = a >> (operand & 31)
                case BPF.neg: a = 0 &- a
                default: return BPFRun(returnValue: 0, executed: executed)
                }
            case BPF.jmp:
                let op = BPF.operation(ins.code)
                if op == BPF.ja {
                    pc += Int(ins.k)
                    continue
                }
                let taken: Bool
                switch op {
                case BPF.jeq: taken = a == operand
                case BPF.jgt: taken = a > operand
                case BPF.jge: taken = a >= operand
                default: taken = a & operand != 0
                }
                pc += Int(taken ? ins.jt : ins.jf)
            case BPF.ret:
                return BPFRun(returnValue: ins.code & 0x18 == BPF.a ? a : ins.k, executed: executed)
            default:
                if ins.code & BPF.txa != 0 { a = x } else { x = a }
            }
        }
        return BPFRun(returnValue: 0, executed: executed)
    }
}
