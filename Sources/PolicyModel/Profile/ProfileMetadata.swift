/// How a trace was taken.
public struct ProfileMetadata: Hashable, Sendable {
    /// The traced command line (empty when attached to a running process).
    public var command: [String] = []
    /// The pid attached to, for `-p PID` traces.
    public var attachedPid: Int32?
    /// The backend that produced the events (`ptrace`, `perf`), or several joined by `+` after a merge.
    public var backend: String = ""
    /// Seconds since 1970 when the trace started and ended.
    public var startTime: Double?
    public var endTime: Double?
    /// Events the backend knows it lost; a profile with lost events may be incomplete.
    public var lostEvents: UInt64 = 0
    /// Calls the backend saw but left out because it could not tell their architecture (the
    /// perf backend, i386 against x86_64); a profile with any is incomplete and not generated from.
    public var unknownArchitectureCalls: UInt64 = 0
    /// Distinct process ids seen (bounded; `pidsOverflow` counts those not kept).
    public internal(set) var pids: Set<Int32> = []
    public internal(set) var pidsOverflow: UInt64 = 0
    /// How the traced program ended: its exit code, or the signal that killed it.
    public var exitCode: Int32?
    public var exitSignal: Int32?
    /// Every event recorded.
    public internal(set) var totalCalls: UInt64 = 0
    /// How many traces were merged into this profile (1 for a fresh one).
    public var traces: Int = 1
    /// The calls a container runtime's init made between installing the container's filter and
    /// exec'ing the container's program (recorded by `seccomp-tui hook`), by architecture: they
    /// run under the policy too but are not the program's. Empty for other traces.
    public var runtimeSyscalls: [Arch: Set<String>] = [:]

    public init(command: [String] = [], attachedPid: Int32? = nil, backend: String = "",
                startTime: Double? = nil, endTime: Double? = nil) {
        self.command = command
        self.attachedPid = attachedPid
        self.backend = backend
        self.startTime = startTime
        self.endTime = endTime
    }
}
