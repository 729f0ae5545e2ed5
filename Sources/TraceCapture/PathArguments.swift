import CTraceCapture
import PolicyModel

/// Which arguments of each (architecture, syscall number) are path strings, for the tracers and
/// the ask supervisor that read them from the caller's memory.
struct PathArguments: Sendable {
    private let indices: [UInt64: [Int]]

    /// Every path argument of `table`'s syscalls.
    init(table: SyscallTable = .shared) {
        var indices: [UInt64: [Int]] = [:]
        for d in table.definitions {
            let paths = d.arguments.indices.filter { d.arguments[$0].isPath }
            guard !paths.isEmpty else { continue }
            for (arch, nr) in d.numbers { indices[PathArguments.key(arch, nr)] = paths }
        }
        self.indices = indices
    }

    private init(indices: [UInt64: [Int]]) { self.indices = indices }

    /// None: nothing is read.
    static let none = PathArguments(indices: [:])

    /// The path argument indices of `nr` on `arch` (empty for none).
    @inline(__always)
    func of(_ arch: Arch, _ nr: Int32) -> [Int] { indices[PathArguments.key(arch, nr)] ?? [] }

    var isEmpty: Bool { indices.isEmpty }

    @inline(__always)
    private static func key(_ arch: Arch, _ nr: Int32) -> UInt64 {
        UInt64(arch.auditArch) << 32 | UInt64(UInt32(bitPattern: nr))
    }
}

extension PathArguments {
    /// Reads the path arguments of `e` from thread `tid`'s memory into `e.paths` (at most
    /// `buffer.count - 1` bytes each); unreadable ones are left out.
    func read(into e: inout SyscallEvent, from tid: Int32, buffer: inout [CChar]) {
        for i in of(e.arch, e.nr) {
            let addr = e.arguments[i] & (e.arch.is32Bit ? 0xFFFF_FFFF : .max)
            guard addr != 0 else { continue }
            let n = buffer.withUnsafeMutableBufferPointer {
                CTraceCapture_read_string(tid, addr, $0.baseAddress, UInt($0.count))
            }
            if n >= 0 {
                e.paths[i] = buffer.withUnsafeBufferPointer { b in
                    String(decoding: UnsafeRawBufferPointer(start: b.baseAddress, count: n), as: UTF8.self)
                }
            }
        }
    }
}

extension Arch {
    /// The architecture of a call as the kernel reports it (`seccomp_data.arch` or
    /// PTRACE_GET_SYSCALL_INFO's `arch`): x32 is an x86_64 call number with the x32 bit.
    static func ofCall(auditArch: UInt32, nr: Int32) -> Arch {
        switch auditArch {
        case Arch.i386.auditArch: return .i386
        case Arch.aarch64.auditArch: return .aarch64
        default: return UInt32(bitPattern: nr) & Arch.x32SyscallBit != 0 ? .x32 : .x86_64
        }
    }
}
