import CTraceCapture
import Glibc

/// Waiting for a command we started without tracing it, which may have made us its tracer: a
/// child that calls `PTRACE_TRACEME` is traced by the thread that forked it, and stops on its
/// next signal or exec (`waitpid` reports those stops even without `WUNTRACED`). Such a stop is
/// not the end of the command: the child is detached and runs on as it would untraced.
enum ChildWait {
    /// Waits for `pid` to end and returns its wait status, or nil when `waitpid` fails (or, with
    /// `WNOHANG` in `flags`, when it has not ended yet). Must run on the thread that forked `pid`
    /// (the one a `PTRACE_TRACEME` made its tracer).
    static func status(of pid: pid_t, flags: Int32 = 0) -> Int32? {
        var status: Int32 = 0
        while true {
            // The shim retries on EINTR and returns -errno.
            guard CTraceCapture_waitpid(pid, &status, flags) == pid else { return nil }
            guard CTraceCapture_WIFSTOPPED(status) != 0 else { return status }
            detach(pid, stoppedBy: CTraceCapture_WSTOPSIG(status))
        }
    }

    /// Lets a child stopped under `PTRACE_TRACEME` go: the signal that stopped it is delivered,
    /// except the SIGTRAP the kernel sends a `PTRACE_TRACEME` process at each exec (a tracer that
    /// lets the program run on suppresses it, as `strace` and `gdb` do).
    static func detach(_ pid: pid_t, stoppedBy signal: Int32) {
        var info = CTraceCapture_sigsys_info()
        let execTrap = signal == SIGTRAP && CTraceCapture_ptrace_getsiginfo(pid, &info) == 0 && info.code == SI_USER
        _ = CTraceCapture_ptrace_detach(pid, execTrap ? 0 : signal)
    }
}
