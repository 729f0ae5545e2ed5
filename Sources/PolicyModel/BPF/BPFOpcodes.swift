/// Classic BPF opcode fields (`linux/bpf_common.h`, `linux/filter.h`).
public enum BPF {
    // Instruction classes.
    public static let ld: UInt16 = 0x00
    public static let ldx: UInt16 = 0x01
    public static let st: UInt16 = 0x02
    public static let stx: UInt16 = 0x03
    public static let alu: UInt16 = 0x04
    public static let jmp: UInt16 = 0x05
    public static let ret: UInt16 = 0x06
    public static let misc: UInt16 = 0x07

    // Load sizes and modes.
    public static let w: UInt16 = 0x00
    public static let h: UInt16 = 0x08
    public static let b: UInt16 = 0x10
    public static let imm: UInt16 = 0x00
    public static let abs: UInt16 = 0x20
    public static let ind: UInt16 = 0x40
    public static let mem: UInt16 = 0x60
    public static let len: UInt16 = 0x80
    public static let msh: UInt16 = 0xA0

    // ALU and jump operations.
    public static let add: UInt16 = 0x00
    public static let sub: UInt16 = 0x10
    public static let mul: UInt16 = 0x20
    public static let div: UInt16 = 0x30
    public static let or: UInt16 = 0x40
    public static let and: UInt16 = 0x50
    public static let lsh: UInt16 = 0x60
    public static let rsh: UInt16 = 0x70
    public static let neg: UInt16 = 0x80
    public static let mod: UInt16 = 0x90
    public static let xor: UInt16 = 0xA0
    public static let ja: UInt16 = 0x00
    public static let jeq: UInt16 = 0x10
    public static let jgt: UInt16 = 0x20
    public static let jge: UInt16 = 0x30
    public static let jset: UInt16 = 0x40

    // Operand sources.
    public static let k: UInt16 = 0x00
    public static let x: UInt16 = 0x08
    /// `BPF_A` for `RET`.
    public static let a: UInt16 = 0x10
    public static let tax: UInt16 = 0x00
    public static let txa: UInt16 = 0x80

    /// `BPF_MAXINSNS`: the longest program the kernel accepts.
    public static let maxInstructions = 4096
    /// `BPF_MEMWORDS`: scratch memory slots.
    public static let memoryWords = 16
    /// `sizeof(struct seccomp_data)`.
    public static let seccompDataSize: UInt32 = 64

    public static func instructionClass(_ code: UInt16) -> UInt16 { code & 0x07 }
    public static func operation(_ code: UInt16) -> UInt16 { code & 0xF0 }
    public static func source(_ code: UInt16) -> UInt16 { code & 0x08 }
}

extension SockFilter {
    /// `BPF_STMT(code, k)`.
    public static func stmt(_ code: UInt16, _ k: UInt32) -> SockFilter { SockFilter(code: code, k: k) }

    /// `BPF_JUMP(code, k, jt, jf)`.
    public static func jump(_ code: UInt16, _ k: UInt32, _ jt: UInt8, _ jf: UInt8) -> SockFilter {
        SockFilter(code: code, jt: jt, jf: jf, k: k)
    }

    /// `A = seccomp_data[offset]` (a 32-bit absolute load).
    public static func loadWord(_ offset: UInt32) -> SockFilter { stmt(BPF.ld | BPF.w | BPF.abs, offset) }

    /// `return value`.
    public static func ret(_ value: UInt32) -> SockFilter { stmt(BPF.ret | BPF.k, value) }

    /// Reads a program back from raw bytes (8 per instruction, little endian), the inverse of
    /// `bytes(of:)`. Nil when the length is not a multiple of 8.
    public static func program(from bytes: [UInt8]) -> [SockFilter]? {
        guard bytes.count % 8 == 0 else { return nil }
        return stride(from: 0, to: bytes.count, by: 8).map { i -> SockFilter in
            let code = UInt16(bytes[i]) | (UInt16(bytes[i + 1]) << 8)
            var k = UInt32(bytes[i + 4])
            k |= UInt32(bytes[i + 5]) << 8
            k |= UInt32(bytes[i + 6]) << 16
            k |= UInt32(bytes[i + 7]) << 24
            return SockFilter(code: code, jt: bytes[i + 2], jf: bytes[i + 3], k: k)
        }
    }
}
