/// The kernel's `struct seccomp_data`: what a filter sees of one system call.
public struct SeccompData: Hashable, Sendable, CustomStringConvertible {
    public var nr: Int32
    public var arch: UInt32
    public var instructionPointer: UInt64
    public var args: [UInt64]

    public init(nr: Int32, arch: UInt32, instructionPointer: UInt64 = 0, args: [UInt64] = []) {
        precondition(args.count <= 6, "a system call has at most six arguments")
        self.nr = nr
        self.arch = arch
        self.instructionPointer = instructionPointer
        self.args = args + Array(repeating: 0, count: 6 - args.count)
    }

    public init(nr: Int32, arch: Arch, args: [UInt64] = []) {
        self.init(nr: nr, arch: arch.auditArch, args: args)
    }

    /// Reads the 32-bit word at `offset` of the struct as the kernel lays it out
    /// (host byte order: `nr` at 0, `arch` at 4, `instruction_pointer` at 8, `args` at 16).
    /// Returns nil for offsets that are not aligned word offsets inside the struct.
    public func word(at offset: UInt32) -> UInt32? {
        guard offset % 4 == 0, offset < 64 else { return nil }
        switch offset {
        case 0: return UInt32(bitPattern: nr)
        case 4: return arch
        case 8: return UInt32(truncatingIfNeeded: instructionPointer)
        case 12: return UInt32(truncatingIfNeeded: instructionPointer >> 32)
        default:
            let i = Int(offset - 16) / 8
            let high = (offset - 16) % 8 == 4
            return UInt32(truncatingIfNeeded: high ? args[i] >> 32 : args[i])
        }
    }

    /// Offset of `nr`, `arch` and the halves of argument `i` in `struct seccomp_data` (little endian).
    public static let nrOffset: UInt32 = 0
    public static let archOffset: UInt32 = 4
    public static func argLowOffset(_ i: Int) -> UInt32 { UInt32(16 + 8 * i) }
    public static func argHighOffset(_ i: Int) -> UInt32 { UInt32(16 + 8 * i + 4) }

    public var description: String {
        let a = args.map { "0x" + String($0, radix: 16) }.joined(separator: ", ")
        return "nr=\(nr) arch=0x\(String(arch, radix: 16)) args=[\(a)]"
    }
}
