import PolicyModel

/// What to trace: a new command, or a running process.
public enum TraceTarget: Sendable, Equatable {
    case spawn(command: [String])
    case attach(pid: Int32)
}

public struct TraceOptions: Sendable, Equatable {
    /// Record return values (ptrace: the exit stop; perf: `sys_exit`).
    public var returns: Bool
    /// Read path arguments from tracee memory for display.
    public var readPaths: Bool
    /// On stop, detach spawned processes instead of killing them.
    public var keepRunning: Bool
    /// ptrace, spawned command: the filter the child installs before exec instead of
    /// `Spawn.traceEverything`; only the calls it answers `RET_TRACE` are then seen (`enforce
    /// --complain`), and a filter that never does runs the command at full speed (`--report`).
    public var spawnFilter: [SockFilter]?
    /// ptrace: report each SIGSYS a seccomp filter raises (`SECCOMP_RET_TRAP`) as an event for the
    /// refused call (number and architecture from the siginfo, arguments 0); the signal is still
    /// delivered.
    public var seccompSignals: Bool
    /// A spawned command starts a session whose controlling terminal is its standard input (the
    /// TUI's pseudo-terminal, `PseudoTerminal`), as a shell would give it.
    public var takeTerminal = false
    /// With `takeTerminal`: the `TERM` the spawned command is given (the TUI's terminal model),
    /// in place of this process's; nil keeps the environment as it is.
    public var terminalType: String?

    public init(returns: Bool = false, readPaths: Bool = true, keepRunning: Bool = false,
                spawnFilter: [SockFilter]? = nil, seccompSignals: Bool = false) {
        self.returns = returns
        self.readPaths = readPaths
        self.keepRunning = keepRunning
        self.spawnFilter = spawnFilter
        self.seccompSignals = seccompSignals
    }
}

/// How a trace ended.
public enum TraceEnd: Sendable, Equatable {
    case exited(Int32)
    case signaled(Int32)
    case detached

    /// The exit status a shell would report: the code, or 128+N for signal N.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let c): return c
        case .signaled(let s): return 128 + s
        case .detached: return 0
        }
    }
}

/// A tracing backend (ptrace or perf). Events reach `onEvents` in batches through one bounded
/// `EventQueue`, in order, never on the tracing thread itself; each batch carries the events
/// lost so far.
public protocol TraceBackend: AnyObject, Sendable {
    var name: String { get }
    /// Starts tracing and returns the pid of the traced (or attached) process.
    func start(_ target: TraceTarget, options: TraceOptions,
               onEvents: @escaping @Sendable (EventBatch) -> Void) throws -> Int32
    /// Blocks until the traced program ends (or is detached).
    func wait() -> TraceEnd
    /// Ends the trace early: attached processes are detached; spawned ones are killed,
    /// or detached with `keepRunning`. Never leaves a process stopped.
    func stop()
    /// Events the backend knows it lost (perf ring buffer overruns); 0 for ptrace.
    var lostEvents: UInt64 { get }
    /// Calls seen but not recorded because their architecture could not be told (perf, see
    /// `PerfCallArchitecture`); 0 for backends that always know it.
    var unknownArchitectureCalls: UInt64 { get }
}

extension TraceBackend {
    public var unknownArchitectureCalls: UInt64 { 0 }
}
