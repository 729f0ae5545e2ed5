import CTraceCapture
import Glibc
import PolicyModel

/// Reads the seccomp filters installed in a running process (`inspect PID`).
public enum FilterReader {
    /// `pid`'s seccomp mode (`Seccomp:` in /proc/PID/status): 0 none, 1 strict, 2 filter;
    /// nil when the process is gone.
    public static func mode(of pid: Int32) -> Int32? {
        ProcFS.field("Seccomp:", of: pid)
    }

    /// The filters of `pid`'s main thread, the first installed first; empty when it has none.
    /// The process is seized, stopped for the reading, and detached (it keeps running).
    /// Needs CAP_SYS_ADMIN, and the caller must not itself run under seccomp.
    public static func filters(of pid: Int32) throws(TraceError) -> [[SockFilter]] {
        guard kill(pid, 0) == 0 || errno == EPERM else { throw .noSuchProcess(pid) }
        guard CTraceCapture_ptrace_seize(pid, 0) == 0 else { throw TraceError.seizeFailed(pid: pid, errno: errno) }
        defer { CTraceCapture_ptrace_detach(pid, 0) }
        guard CTraceCapture_ptrace_interrupt(pid) == 0 else { throw .systemCall("PTRACE_INTERRUPT", pid: pid, errno: errno) }
        var status: Int32 = 0
        // Wait for the interrupt's stop; a signal-delivery-stop first is passed on, then waited past.
        while true {
            let r = CTraceCapture_waitpid(pid, &status, 0)
            guard r == pid else { throw .systemCall("waitpid", pid: pid, errno: errno) }
            if CTraceCapture_WIFEXITED(status) != 0 || CTraceCapture_WIFSIGNALED(status) != 0 { throw .noSuchProcess(pid) }
            if CTraceCapture_ptrace_event(status) == Int32(CTraceCapture_PTRACE_EVENT_STOP) { break }
            if CTraceCapture_ptrace_event(status) == 0 {
                // A signal-delivery-stop: it keeps its signal; the interrupt's stop follows.
                CTraceCapture_ptrace_cont(pid, CTraceCapture_WSTOPSIG(status))
            } else {
                CTraceCapture_ptrace_cont(pid, 0)
            }
            CTraceCapture_ptrace_interrupt(pid)
        }
        let out = try readFilters(of: pid)
        resumeWithoutRestartSyscall(pid, filters: out)
        return out
    }

    /// The interrupt broke a sleeping call (`poll`, `nanosleep`, a futex wait with a timeout),
    /// which the kernel resumes after the detach through `restart_syscall` — a call the filters
    /// see. When one of them does not always allow it (a policy that lacks it), the call is
    /// re-issued as itself instead (allowed already: the program made it), so reading the filters
    /// never changes what the process does (only a relative timeout starts again). On x86_64;
    /// elsewhere the kernel's restart is kept.
    static func resumeWithoutRestartSyscall(_ pid: Int32, filters: [[SockFilter]]) {
        func allowed(on arch: Arch) -> Bool {
            guard let nr = SyscallTable.shared.number(of: "restart_syscall", arch: arch) else { return false }
            return filters.allSatisfy {
                if case .constant(let action) = FilterSummary.outcome(of: $0, arch: arch, nr: nr) { return action.letsCallRun }
                return false
            }
        }
        // The process may be running 64-bit or i386 code: the C side tells them apart.
        _ = CTraceCapture_reissue_instead_of_restart(pid, allowed(on: .x86_64) ? 1 : 0, allowed(on: .i386) ? 1 : 0)
    }

    /// PTRACE_SECCOMP_GET_FILTER for each filter of the stopped `pid`.
    static func readFilters(of pid: Int32) throws(TraceError) -> [[SockFilter]] {
        var out: [[SockFilter]] = []
        var index: UInt = 0
        while true {
            let n = CTraceCapture_seccomp_get_filter(pid, index, nil, 0)
            if n < 0 {
                if errno == ENOENT || (errno == EINVAL && index == 0) { break }
                throw .systemCall("PTRACE_SECCOMP_GET_FILTER", pid: pid, errno: errno)
            }
            var buffer = [CTraceCapture_sock_filter](repeating: CTraceCapture_sock_filter(), count: max(1, Int(n)))
            let got = CTraceCapture_seccomp_get_filter(pid, index, &buffer, UInt(buffer.count))
            guard got >= 0 else { throw .systemCall("PTRACE_SECCOMP_GET_FILTER", pid: pid, errno: errno) }
            out.append(buffer.prefix(Int(got)).map { SockFilter(code: $0.code, jt: $0.jt, jf: $0.jf, k: $0.k) })
            index += 1
        }
        return out
    }
}
