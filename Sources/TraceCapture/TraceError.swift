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
    /// The backend was started twice.
    case alreadyStarted

    public var description: String {
        switch self {
        case .execFailed(let c, let e): return "cannot run '\(c)': \(TraceError.message(e))"
        case .filterFailed(let c, let e): return "cannot install the tracing filter for '\(c)': \(TraceError.message(e))"
        case .systemCall(let call, let pid, let e):
            return "\(call)\(pid.map { " (pid \($0))" } ?? "") failed: \(TraceError.message(e))"
        case .noSuchProcess(let p): return "no process with pid \(p)"
        case .alreadyStarted: return "the trace was already started"
        }
    }

    /// strerror's text, lower-cased like the rest of our messages ("no such file or directory").
    static func message(_ e: Int32) -> String {
        let s = String(cString: strerror(e))
        return s.prefix(1).lowercased() + s.dropFirst()
    }
}
