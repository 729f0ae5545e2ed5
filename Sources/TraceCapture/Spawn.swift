import CTraceCapture
import Glibc
import PolicyModel

/// Starting a command with a seccomp filter installed between fork and exec, the C way
/// (`CTraceCapture_spawn_flags`): used by the ptrace backend (a `RET TRACE` filter) and by `enforce`.
public enum Spawn {
    /// When to set NO_NEW_PRIVS before installing the filter.
    public enum NoNewPrivs: Sendable {
        case never, always
        /// Only when the child lacks CAP_SYS_ADMIN, which the kernel then requires.
        case unlessCapSysAdmin

        var cValue: Int32 {
            switch self {
            case .never: return Int32(CTraceCapture_NNP_NEVER)
            case .always: return Int32(CTraceCapture_NNP_ALWAYS)
            case .unlessCapSysAdmin: return Int32(CTraceCapture_NNP_UNLESS_CAP_SYS_ADMIN)
            }
        }
    }

    /// A started child: its pid and the pipe that reports whether its exec succeeded.
    public struct Child: Sendable {
        public var pid: Int32
        /// Read with `result(of:)` once the child has exec'd or exited.
        public var errorFD: Int32
        /// The shared page where the child notes a failure (its address).
        var report: UInt
    }

    /// The file `execve` should run for `name`: itself when it contains a slash, else the first
    /// executable regular file of that name on PATH, else the name (exec then fails ENOENT).
    public static func resolve(_ name: String, path: String? = nil) -> String {
        if name.contains("/") || name.isEmpty { return name }
        let searchPath = path ?? (getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin")
        for dir in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (dir.isEmpty ? "." : String(dir)) + "/" + name
            var st = stat()
            if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return name
    }

    /// Forks and execs `command` with `filter` installed in the child (none when empty).
    /// With `stopSelf` the child stops itself with SIGSTOP first, for a tracer to seize it.
    /// `filterFlags` are the `SECCOMP_FILTER_FLAG_*` bits the filter is installed with.
    /// With `takeTerminal` the child starts a session whose controlling terminal is its standard
    /// input (the TUI's pseudo-terminal).
    /// `environment` replaces this process's for the command (nil: the same).
    public static func start(_ command: [String], filter: [SockFilter], filterFlags: UInt32 = 0, noNewPrivs: NoNewPrivs,
                             stopSelf: Bool, takeTerminal: Bool = false,
                             environment: [String]? = nil) throws(TraceError) -> Child {
        var errorFD: Int32 = -1
        var report: UnsafeMutableRawPointer?
        var envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup($0) } + [nil] }
        defer { for p in envp ?? [] { free(p) } }
        let pid = withExecArguments(command, filter: filter) { path, argv, filterBytes in
            envp.withOptionalBuffer { env in
                CTraceCapture_spawn_flags(path, argv, env ?? UnsafePointer(environ), filterBytes, UInt16(filter.count), filterFlags,
                                          noNewPrivs.cValue, stopSelf ? 1 : 0, takeTerminal ? 1 : 0, &errorFD, &report)
            }
        }
        switch Errno.result(pid) {
        case .failure(let e): throw .systemCall("fork", pid: nil, errno: e.rawValue)
        case .success(let pid): return Child(pid: pid, errorFD: errorFD, report: UInt(bitPattern: report))
        }
    }

    /// As `start`, with the filter installed with a user-notification listener that this process
    /// takes before the child execs (CLOEXEC). The listener is -1 when the child failed before
    /// installing the filter (`result(of:)` says why).
    public static func startSupervised(_ command: [String], filter: [SockFilter], filterFlags: UInt32,
                                       noNewPrivs: NoNewPrivs) throws(TraceError) -> (child: Child, listener: Int32) {
        var errorFD: Int32 = -1, listener: Int32 = -1, listenerFailed: Int32 = 0
        var report: UnsafeMutableRawPointer?
        let pid = withExecArguments(command, filter: filter) { path, argv, filterBytes in
            CTraceCapture_spawn_supervised(path, argv, environ, filterBytes, UInt16(filter.count), filterFlags,
                                           noNewPrivs.cValue, &errorFD, &report, &listener, &listenerFailed)
        }
        switch Errno.result(pid) {
        case .failure(let e):
            throw .systemCall(listenerFailed != 0 ? "pidfd_getfd (taking the seccomp listener)" : "fork", pid: nil, errno: e.rawValue)
        case .success(let pid):
            return (Child(pid: pid, errorFD: errorFD, report: UInt(bitPattern: report)), listener)
        }
    }

    /// This process's environment with `TERM` set to `terminal`, for a command on a terminal of
    /// that type; `COLUMNS`, `LINES` and `TERMCAP`, which would describe this process's
    /// terminal rather than the command's, are left out.
    public static func environment(terminal: String) -> [String] {
        var env: [String] = []
        var entry = environ
        while let p = entry.pointee {
            let s = String(cString: p)
            if !["TERM", "COLUMNS", "LINES", "TERMCAP"].contains(where: { s.hasPrefix($0 + "=") }) { env.append(s) }
            entry += 1
        }
        return env + ["TERM=" + terminal]
    }

    /// Calls `body` with the resolved path of `command[0]`, its NULL-terminated argv and the
    /// filter's bytes, as the C spawns take them (valid only during the call).
    private static func withExecArguments(_ command: [String], filter: [SockFilter],
                                          _ body: (UnsafePointer<CChar>, UnsafePointer<UnsafeMutablePointer<CChar>?>?,
                                                   UnsafeRawPointer?) -> pid_t) -> pid_t {
        precondition(!command.isEmpty, "empty command")
        let filterBytes = SockFilter.bytes(of: filter)
        var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        return resolve(command[0]).withCString { path in
            filterBytes.withUnsafeBytes { fbytes in
                argv.withUnsafeMutableBufferPointer { av in body(path, av.baseAddress, fbytes.baseAddress) }
            }
        }
    }

    /// Whether the child's exec succeeded: nil when it did, else the error. Call once the child
    /// has exec'd or exited; closes the pipe.
    public static func result(of child: Child, command: [String]) -> TraceError? {
        var stage: Int32 = 0, err: Int32 = 0
        guard CTraceCapture_spawn_result(child.errorFD, UnsafeMutableRawPointer(bitPattern: child.report), &stage, &err) == 1 else {
            return nil
        }
        if stage == Int32(CTraceCapture_SPAWN_STAGE_TERMINAL) {
            return .systemCall("setsid and TIOCSCTTY (taking the pseudo-terminal)", pid: nil, errno: err)
        }
        if stage == Int32(CTraceCapture_SPAWN_STAGE_EXEC) {
            return .execFailed(command: command[0], errno: err)
        }
        return .filterFailed(command: command[0], errno: err)
    }

    /// The one-instruction filter `RET TRACE`: every syscall stops the ptrace tracer once.
    public static let traceEverything: [SockFilter] = [SockFilter(code: 0x06, k: 0x7FF0_0000)]
}

extension Optional where Wrapped == [UnsafeMutablePointer<CChar>?] {
    /// Calls `body` with the NULL-terminated array's address, or nil when there is none.
    mutating func withOptionalBuffer<R>(_ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> R) -> R {
        guard var array = self else { return body(nil) }
        defer { self = array }
        return array.withUnsafeMutableBufferPointer { body(UnsafePointer($0.baseAddress)) }
    }
}
