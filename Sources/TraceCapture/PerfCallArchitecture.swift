import CTraceCapture
import Foundation
import PolicyModel

/// The architecture of a call sampled on `raw_syscalls:sys_enter` of an x86_64 host. The
/// tracepoint has no architecture field and gives i386 (compat) calls — `int $0x80` from any
/// process, every call of 32-bit code — with their i386 numbers, so numbers alone would record
/// i386 `socketcall` (102) as x86_64 `getuid`. What tells them apart, taken by the kernel at the
/// same moment as the arguments (PERF_SAMPLE_REGS_USER: rcx, rsi and rip as saved at entry):
/// - 32-bit code (user CS 0x23, PERF_SAMPLE_REGS_ABI_32) enters only through the compat entries.
/// - The tracepoint's arguments are the compat registers (ebx, ecx, edx, esi, edi, ebp) for a
///   compat call and the native ones (rdi, rsi, rdx, r10, r8, r9) otherwise
///   (`syscall_get_arguments`, TS_COMPAT): a compat call has arg1 == rcx and arg3 == rsi, a
///   native one arg1 == rsi.
/// - The `syscall` instruction puts the return address in rcx, so a native call also has
///   rcx == rip. This holds without FRED only: under FRED `syscall` leaves rcx as it was.
/// - When the registers fit both (glibc's `syscall()` in a loop moves the previous call's rcx,
///   its own return address, into rsi) or neither (a ptracer changed them), the two bytes before
///   rip tell, read from the process's memory: `0f 05` (syscall) native, `cd 80` (int $0x80) or
///   `0f 34` (sysenter) compat. They are read when the sample is read, not when the call was
///   made: a process that has exited or unmapped that code leaves the call unknown. A process
///   that put other code at that address meanwhile (exec, JIT) could be misread; that needs the
///   registers to fit both entries and the code to change, and is not checked.
/// An unknown call is not recorded under a guessed architecture: the backend counts it
/// (`PerfBackend.unknownArchitectureCalls`).
struct PerfCallArchitecture: Sendable {
    /// How a call entered the kernel, from its registers alone.
    enum Entry: Equatable {
        case native, compat
        /// The registers do not tell: read the instruction before rip.
        case readCode
        /// The sample has no user registers.
        case unknown
    }

    /// Whether samples carry the registers (x86_64 hosts); without them every call is the host's
    /// (x32 by its number bit).
    let checks: Bool
    /// Whether the kernel enters through FRED (the `fred` CPU flag), where rcx tells nothing.
    let fred: Bool
    /// Reads bytes of a process's memory (pid or tid, address, count), nil when it cannot.
    let readCode: @Sendable (Int32, UInt64, Int) -> [UInt8]?

    init(checks: Bool = CTraceCapture_perf_regs_supported() != 0, fred: Bool = PerfCallArchitecture.fredEnabled(),
         readCode: @escaping @Sendable (Int32, UInt64, Int) -> [UInt8]? = PerfCallArchitecture.read) {
        self.checks = checks
        self.fred = fred
        self.readCode = readCode
    }

    /// The architecture of a sys_enter sample, nil when it cannot be told.
    func arch(of s: CTraceCapture_perf_sample) -> Arch? {
        let native = Self.arch(ofNumber: s.nr)
        guard checks else { return native }
        switch Self.entry(abi: s.user_abi, cx: s.user_cx, si: s.user_si, ip: s.user_ip,
                          arg1: s.args.1, arg3: s.args.3, fred: fred) {
        case .native: return native
        case .compat: return .i386
        case .unknown: return nil
        case .readCode:
            // The process rather than the thread: a thread that ended leaves its process's code.
            guard s.user_ip >= 2, let code = readCode(s.pid > 0 ? s.pid : s.tid, s.user_ip - 2, 2) else { return nil }
            switch Self.entry(instructionBefore: code) {
            case .native?: return native
            case .compat?: return .i386
            default: return nil
            }
        }
    }

    /// The architecture of a number on the host's raw_syscalls tracepoint for a native call: x32
    /// numbers carry `__X32_SYSCALL_BIT`.
    static func arch(ofNumber nr: Int64) -> Arch {
        guard nr >= 0 else { return .host }
        return Arch(auditArch: Arch.host.auditArch, nr: Int32(truncatingIfNeeded: nr)) ?? .host
    }

    /// How a call entered, from the ABI of its user registers (PERF_SAMPLE_REGS_ABI_*), rcx, rsi
    /// and rip at entry, and the arguments 1 and 3 (from 0) the tracepoint recorded.
    static func entry(abi: UInt32, cx: UInt64, si: UInt64, ip: UInt64, arg1: UInt64, arg3: UInt64, fred: Bool) -> Entry {
        switch abi {
        case 1: return .compat  // PERF_SAMPLE_REGS_ABI_32
        case 2: break  // PERF_SAMPLE_REGS_ABI_64
        default: return .unknown
        }
        let compat = arg1 == cx && arg3 == si
        let native = arg1 == si && (fred || cx == ip)
        if compat != native { return native ? .native : .compat }
        return .readCode
    }

    /// How a call entered, from the two bytes before its return address; nil for other bytes.
    static func entry(instructionBefore code: [UInt8]) -> Entry? {
        switch code {
        case [0x0F, 0x05]: return .native  // syscall
        case [0xCD, 0x80], [0x0F, 0x34]: return .compat  // int $0x80, sysenter
        default: return nil
        }
    }

    /// Whether /proc/cpuinfo lists the `fred` flag (the kernel clears it when FRED is off); an
    /// unreadable file counts as FRED, the case in which fewer calls are told by registers.
    static func fredEnabled(cpuinfo path: String = "/proc/cpuinfo") -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return true }
        guard let flags = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return true }
        return flags.split(separator: " ").contains("fred")
    }

    static func read(_ tid: Int32, _ address: UInt64, _ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        let n = bytes.withUnsafeMutableBytes { CTraceCapture_read_memory(tid, address, $0.baseAddress, count) }
        return n == count ? bytes : nil
    }
}
