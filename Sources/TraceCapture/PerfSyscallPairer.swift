import CTraceCapture
import PolicyModel

/// Turns perf samples into `SyscallEvent`s. Without return values each `sys_enter` becomes an
/// event at once. With them, a `sys_enter` waits for its thread's `sys_exit`: a thread runs one
/// syscall at a time, so enter and exit alternate per tid. The two may sit in different CPUs'
/// ring buffers (the thread migrated) and so arrive in either order; each carries a timestamp,
/// and an exit that arrives first waits for its enter.
struct PerfSyscallPairer {
    let withReturns: Bool
    private var pending: [Int32: (event: SyscallEvent, time: UInt64)] = [:]
    private var earlyExit: [Int32: (nr: Int64, ret: Int64, time: UInt64)] = [:]
    /// `exit` and `exit_group` on every architecture: calls that never return.
    private let neverReturning: Set<SyscallKey> = Set(Arch.allCases.flatMap { arch in
        ["exit", "exit_group"].compactMap { SyscallTable.shared.number(of: $0, arch: arch).map { SyscallKey(arch: arch, nr: $0) } }
    })
    private struct SyscallKey: Hashable { var arch: Arch; var nr: Int32 }
    /// Exits whose enter was never seen (lost, or begun before tracing), dropped at `finish`.
    private(set) var unmatchedExits: UInt64 = 0

    init(withReturns: Bool) {
        self.withReturns = withReturns
    }

    /// The event of a sys_enter sample made on `arch` (see `PerfCallArchitecture`).
    static func event(from s: CTraceCapture_perf_sample, arch: Arch) -> SyscallEvent {
        SyscallEvent(pid: s.pid, tid: s.tid, arch: arch, nr: Int32(truncatingIfNeeded: s.nr),
                     arguments: CallArguments(s.args.0, s.args.1, s.args.2, s.args.3, s.args.4, s.args.5))
    }

    /// Registers an event whose enter happened before tracing began (the spawned command's
    /// `execve`), to be completed by its exit.
    mutating func expect(_ event: SyscallEvent) {
        if withReturns { pending[event.tid] = (event, 0) }
    }

    /// Takes a sys_enter sample made on `arch`, or a sys_exit sample (`arch` unused).
    mutating func add(_ s: CTraceCapture_perf_sample, arch: Arch, into out: inout [SyscallEvent]) {
        if s.kind == 0 {
            if !withReturns || neverReturning.contains(SyscallKey(arch: arch, nr: Int32(truncatingIfNeeded: s.nr))) {
                out.append(Self.event(from: s, arch: arch))
                return
            }
            var e = Self.event(from: s, arch: arch)
            if let x = earlyExit.removeValue(forKey: s.tid) {
                if x.time >= s.time && x.nr == s.nr {
                    e.returnValue = x.ret
                    out.append(e)
                    return
                }
                unmatchedExits += 1
            }
            if let old = pending.updateValue((e, s.time), forKey: s.tid) {
                out.append(old.event)  // its exit was lost or never came (execve from another thread)
            }
        } else {
            if let p = pending[s.tid], p.time <= s.time {
                pending[s.tid] = nil
                var e = p.event
                if Int64(e.nr) == s.nr { e.returnValue = s.ret } else { unmatchedExits += 1 }
                out.append(e)
                return
            }
            if earlyExit.updateValue((s.nr, s.ret, s.time), forKey: s.tid) != nil { unmatchedExits += 1 }
        }
    }

    /// Emits every enter still waiting (calls that never returned) without a return value.
    mutating func finish(into out: inout [SyscallEvent]) {
        for (_, p) in pending.sorted(by: { $0.value.time < $1.value.time }) { out.append(p.event) }
        unmatchedExits += UInt64(earlyExit.count)
        pending.removeAll()
        earlyExit.removeAll()
    }
}
