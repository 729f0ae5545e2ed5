/// One classic BPF instruction, laid out as the kernel's `struct sock_filter`
/// (`u16 code; u8 jt; u8 jf; u32 k`, 8 bytes, host byte order).
public struct SockFilter: Hashable, Sendable {
    public var code: UInt16
    public var jt: UInt8
    public var jf: UInt8
    public var k: UInt32

    public init(code: UInt16, jt: UInt8 = 0, jf: UInt8 = 0, k: UInt32 = 0) {
        self.code = code
        self.jt = jt
        self.jf = jf
        self.k = k
    }

    /// The program as raw bytes, 8 per instruction, little endian (what `bwrap --seccomp FD`
    /// and `seccomp_export_bpf` use on x86_64 and aarch64).
    public static func bytes(of program: [SockFilter]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(program.count * 8)
        for ins in program {
            out += [UInt8(ins.code & 0xFF), UInt8(ins.code >> 8), ins.jt, ins.jf]
            out += [UInt8(ins.k & 0xFF), UInt8((ins.k >> 8) & 0xFF), UInt8((ins.k >> 16) & 0xFF), UInt8(ins.k >> 24)]
        }
        return out
    }
}
