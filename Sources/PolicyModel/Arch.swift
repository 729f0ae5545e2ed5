/// An architecture a seccomp filter can be written for.
///
/// `auditArch` is the value the kernel stores in `seccomp_data.arch` (`AUDIT_ARCH_*`).
/// x32 shares `AUDIT_ARCH_X86_64` with x86_64; its syscall numbers carry bit `0x40000000`.
public enum Arch: String, CaseIterable, Codable, Hashable, Sendable, Comparable {
    case x86_64
    case x32
    case i386
    case aarch64

    /// The x32 syscall bit (`__X32_SYSCALL_BIT`).
    public static let x32SyscallBit: UInt32 = 0x4000_0000

    /// `AUDIT_ARCH_*` from `linux/audit.h`.
    public var auditArch: UInt32 {
        switch self {
        case .x86_64, .x32: return 0xC000_003E  // AUDIT_ARCH_X86_64
        case .i386: return 0x4000_0003  // AUDIT_ARCH_I386
        case .aarch64: return 0xC000_00B7  // AUDIT_ARCH_AARCH64
        }
    }

    /// Whether `long` and pointers are 32 bits wide on this architecture.
    public var is32Bit: Bool { self == .i386 || self == .x32 }

    /// The name used in OCI seccomp profiles (`SCMP_ARCH_*`).
    public var ociName: String {
        switch self {
        case .x86_64: return "SCMP_ARCH_X86_64"
        case .x32: return "SCMP_ARCH_X32"
        case .i386: return "SCMP_ARCH_X86"
        case .aarch64: return "SCMP_ARCH_AARCH64"
        }
    }

    /// Accepts our names, OCI names and common aliases (`amd64`, `x86`, `arm64`).
    public init?(name: String) {
        let lower = name.lowercased()
        switch lower {
        case "x86_64", "amd64", "x86-64", "scmp_arch_x86_64": self = .x86_64
        case "x32", "scmp_arch_x32": self = .x32
        case "i386", "x86", "i686", "scmp_arch_x86": self = .i386
        case "aarch64", "arm64", "scmp_arch_aarch64": self = .aarch64
        default: return nil
        }
    }

    /// The architecture of call `nr` under the audit value `auditArch` (`seccomp_data.arch`), nil
    /// when the value is none of ours. Under `AUDIT_ARCH_X86_64` a number with the x32 bit is x32.
    public init?(auditArch: UInt32, nr: Int32) {
        let candidates = Arch.candidates(auditArch: auditArch)
        let isX32Number = UInt32(bitPattern: nr) & Arch.x32SyscallBit != 0
        guard let arch = candidates.first(where: { ($0 == .x32) == isX32Number }) ?? candidates.first(where: { $0 != .x32 })
        else { return nil }
        self = arch
    }

    /// The architectures that share an audit value, x86_64 first.
    public static func candidates(auditArch: UInt32) -> [Arch] {
        allCases.filter { $0.auditArch == auditArch }
    }

    /// The architecture this program was built for.
    public static var host: Arch {
        #if arch(x86_64)
        return .x86_64
        #elseif arch(arm64)
        return .aarch64
        #elseif arch(i386)
        return .i386
        #else
        #error("seccomp-tui knows the syscall tables of x86_64, i386 and aarch64 hosts only")
        #endif
    }

    public static func < (a: Arch, b: Arch) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
