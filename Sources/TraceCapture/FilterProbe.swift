import CTraceCapture
import PolicyModel

/// Why a filter could not be installed or probed.
public struct FilterProbeError: Error, Equatable, CustomStringConvertible {
    public var operation: String
    public var errno: Int32
    public var description: String { "\(operation) failed: \(Errno(errno))" }
}

/// What a forked child saw when it installed a filter and made raw system calls under it.
public struct FilterProbeResult: Equatable, Sendable {
    /// The errno each completed call returned, 0 when it succeeded. Shorter than the list of
    /// calls when the child died (for instance killed by the filter).
    public var errnos: [Int32]
    /// The signal that ended the child, 0 when it exited.
    public var terminationSignal: Int32
    /// The child's exit status when it exited (0 after all calls), -1 when it was signalled.
    public var exitCode: Int32
}

/// Runs raw system calls in a forked child under a seccomp filter and reports each call's errno,
/// so the kernel's decisions can be compared with the emulator's. Give it only filters whose
/// every path returns an error for the calls made, or calls harmless to the child.
public enum FilterProbe {
    /// One raw call: the number and up to six arguments; `compat`: an i386 call made through
    /// `int $0x80` (x86_64 hosts with IA32 emulation), arguments cut to 32 bits.
    public struct Call: Hashable, Sendable {
        public var nr: Int
        public var args: [UInt64]
        public var compat: Bool
        public init(nr: Int, args: [UInt64] = [], compat: Bool = false) {
            precondition(args.count <= 6)
            self.nr = nr
            self.args = args + Array(repeating: 0, count: 6 - args.count)
            self.compat = compat
        }

        /// What the filter sees of this call.
        public var seccompData: SeccompData {
            compat ? SeccompData(nr: Int32(truncatingIfNeeded: nr), arch: .i386, args: args.map { $0 & 0xFFFF_FFFF })
                : SeccompData(nr: Int32(truncatingIfNeeded: nr), arch: Arch.host, args: args)
        }
    }

    public static func run(_ program: [SockFilter], flags: UInt32 = 0, calls: [Call]) throws -> FilterProbeResult {
        let filter = program.map { CTraceCapture_sock_filter(code: $0.code, jt: $0.jt, jf: $0.jf, k: $0.k) }
        let raw = calls.map { c in
            CTraceCapture_probe_call(nr: c.nr, args: (UInt(c.args[0]), UInt(c.args[1]), UInt(c.args[2]),
                                                      UInt(c.args[3]), UInt(c.args[4]), UInt(c.args[5])),
                                     compat: c.compat ? 1 : 0)
        }
        var errnos = [Int32](repeating: 0, count: max(calls.count, 1))
        var installError: Int32 = 0
        var signal: Int32 = 0
        var exitCode: Int32 = 0
        let n = CTraceCapture_filter_probe(filter, UInt16(clamping: filter.count), flags, raw, Int32(raw.count),
                                           &errnos, &installError, &signal, &exitCode)
        if n < 0 { throw FilterProbeError(operation: "filter probe", errno: -n) }
        if installError != 0 { throw FilterProbeError(operation: "seccomp(SECCOMP_SET_MODE_FILTER)", errno: installError) }
        return FilterProbeResult(errnos: Array(errnos.prefix(Int(n))), terminationSignal: signal, exitCode: exitCode)
    }

    /// Installs `program` on the calling thread (after `PR_SET_NO_NEW_PRIVS`). Irreversible:
    /// meant for a child between fork and exec, or a process about to exec.
    public static func install(_ program: [SockFilter], flags: UInt32 = 0) throws {
        let filter = program.map { CTraceCapture_sock_filter(code: $0.code, jt: $0.jt, jf: $0.jf, k: $0.k) }
        let r = CTraceCapture_install_filter(filter, UInt16(clamping: filter.count), flags)
        if r < 0 { throw FilterProbeError(operation: "seccomp(SECCOMP_SET_MODE_FILTER)", errno: -r) }
    }
}
