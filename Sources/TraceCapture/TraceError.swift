import Glibc

/// Why tracing could not start or went wrong.
public enum TraceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The command could not be executed (`execve` failed with `errno`).
    case execFailed(command: String, errno: Int32)
    /// The child could not install its seccomp filter or set NO_NEW_PRIVS.
    case filterFailed(command: String, errno: Int32)
    /// A system call the tracer needs failed.
    case systemCall(String, pid: Int32?, errno: Int32)
    /// `-p PID` names no process.
    case noSuchProcess(Int32)
    /// The process already has a tracer (a process has one at a time).
    case alreadyTraced(pid: Int32, tracer: Int32)
    /// The backend was started twice.
    case alreadyStarted

    public var description: String {
        switch self {
        case .execFailed(let c, let e): return "cannot run '\(c)': \(Errno(e))"
        case .filterFailed(let c, let e): return "cannot install the tracing filter for '\(c)': \(Errno(e))"
        case .systemCall(let call, let pid, let e):
            return "\(call)\(pid.map { " (pid \($0))" } ?? "") failed: \(Errno(e))"
        case .noSuchProcess(let p): return "no process with pid \(p)"
        case .alreadyTraced(let p, let t):
            return "process \(p) is already traced by pid \(t) (a debugger, strace or another seccomp-tui); "
                + "a process has one tracer at a time"
        case .alreadyStarted: return "the trace was already started"
        }
    }

    /// Why PTRACE_SEIZE of `pid` failed with `errno`: another tracer holds it, or the system call's error.
    static func seizeFailed(pid: Int32, errno e: Int32) -> TraceError {
        if e == EPERM, let tracer = ProcFS.tracerPid(of: pid), tracer != 0 {
            return .alreadyTraced(pid: pid, tracer: tracer)
        }
        return .systemCall("PTRACE_SEIZE", pid: pid, errno: e)
    }
}
