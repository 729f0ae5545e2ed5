/// Why the kernel would refuse a seccomp program (`seccomp_check_filter` and `bpf_check_classic`).
public struct BPFValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The index of the instruction at fault, nil for faults of the whole program.
    public var index: Int?
    public var reason: String

    public init(index: Int?, reason: String) {
        self.index = index
        self.reason = reason
    }

    public var description: String {
        if let index { return "instruction \(index): \(reason)" }
        return reason
    }
}

/// Checks programs the way the kernel does before it attaches a seccomp filter.
public enum BPFValidator {
    /// The opcodes `seccomp_check_filter` lets through (besides `LD|W|ABS` and the `LEN` loads it rewrites).
    static let allowedCodes: Set<UInt16> = {
        var s: Set<UInt16> = [BPF.ret | BPF.k, BPF.ret | BPF.a, BPF.alu | BPF.neg, BPF.ld | BPF.imm,
                              BPF.ldx | BPF.imm, BPF.misc | BPF.tax, BPF.misc | BPF.txa, BPF.ld | BPF.mem,
                              BPF.ldx | BPF.mem, BPF.st, BPF.stx, BPF.jmp | BPF.ja,
                              BPF.ld | BPF.w | BPF.abs, BPF.ld | BPF.w | BPF.len, BPF.ldx | BPF.w | BPF.len]
        for op in [BPF.add, BPF.sub, BPF.mul, BPF.div, BPF.and, BPF.or, BPF.xor, BPF.lsh, BPF.rsh] {
            s.insert(BPF.alu | op | BPF.k)
            s.insert(BPF.alu | op | BPF.x)
        }
        for op in [BPF.jeq, BPF.jge, BPF.jgt, BPF.jset] {
            s.insert(BPF.jmp | op | BPF.k)
            s.insert(BPF.jmp | op | BPF.x)
        }
        return s
    }()

    /// Throws the first fault the kernel would find, naming the instruction.
    public static func validate(_ program: [SockFilter]) throws {
        guard !program.isEmpty else { throw BPFValidationError(index: nil, reason: "the program is empty") }
        guard program.count <= BPF.maxInstructions else {
            throw BPFValidationError(index: nil, reason:
                "the program has \(program.count) instructions, more than the kernel's limit of \(BPF.maxInstructions)")
        }
        let count = program.count
        for (pc, ins) in program.enumerated() {
            let hex = "0x" + String(ins.code, radix: 16)
            guard allowedCodes.contains(ins.code) else {
                throw BPFValidationError(index: pc, reason: "opcode \(hex) is not allowed in a seccomp filter")
            }
            switch ins.code {
            case BPF.ld | BPF.w | BPF.abs:
                if ins.k >= BPF.seccompDataSize || ins.k % 4 != 0 {
                    throw BPFValidationError(index: pc, reason:
                        "load at offset \(ins.k) is not an aligned 32-bit word inside seccomp_data (0...60)")
                }
            case BPF.alu | BPF.div | BPF.k where ins.k == 0:
                throw BPFValidationError(index: pc, reason: "division by the constant 0")
            case BPF.alu | BPF.lsh | BPF.k, BPF.alu | BPF.rsh | BPF.k:
                if ins.k >= 32 { throw BPFValidationError(index: pc, reason: "shift by \(ins.k), 32 or more") }
            case BPF.ld | BPF.mem, BPF.ldx | BPF.mem, BPF.st, BPF.stx:
                if ins.k >= UInt32(BPF.memoryWords) {
                    throw BPFValidationError(index: pc, reason: "scratch memory slot \(ins.k) is out of range 0...15")
                }
            case BPF.jmp | BPF.ja:
                if UInt64(ins.k) >= UInt64(count - pc - 1) {
                    throw BPFValidationError(index: pc, reason: "jump by \(ins.k) leaves the program")
                }
            default:
                if BPF.instructionClass(ins.code) == BPF.jmp {
                    if pc + 1 + Int(ins.jt) >= count || pc + 1 + Int(ins.jf) >= count {
                        throw BPFValidationError(index: pc, reason: "jump target \(pc + 1 + Int(max(ins.jt, ins.jf))) leaves the program")
                    }
                }
            }
        }
        guard BPF.instructionClass(program[count - 1].code) == BPF.ret else {
            throw BPFValidationError(index: count - 1, reason: "the last instruction is not a return")
        }
        try checkScratchMemory(program)
    }

    /// `check_load_and_stores`: every scratch slot must be written on every path before it is read.
    static func checkScratchMemory(_ program: [SockFilter]) throws {
        var masks = [UInt16](repeating: 0xFFFF, count: program.count)
        var valid: UInt16 = 0
        for (pc, ins) in program.enumerated() {
            valid &= masks[pc]
            switch ins.code {
            case BPF.st, BPF.stx:
                valid |= 1 << UInt16(ins.k)
            case BPF.ld | BPF.mem, BPF.ldx | BPF.mem:
                if valid & (1 << UInt16(ins.k)) == 0 {
                    throw BPFValidationError(index: pc, reason: "scratch memory slot \(ins.k) is read before it is written")
                }
            case BPF.jmp | BPF.ja:
                masks[pc + 1 + Int(ins.k)] &= valid
                valid = 0xFFFF
            default:
                if BPF.instructionClass(ins.code) == BPF.jmp {
                    masks[pc + 1 + Int(ins.jt)] &= valid
                    masks[pc + 1 + Int(ins.jf)] &= valid
                    valid = 0xFFFF
                }
            }
        }
    }
}
