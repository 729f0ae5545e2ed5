/// Which tracing backend to use: `perf` when permitted (`auto`), or one named explicitly.
public enum BackendKind: String, CaseIterable, Sendable, Equatable {
    case auto, ptrace, perf
}

/// Makes tracing backends.
public enum TraceBackends {
    /// The backend `kind` resolves to here: `auto` is `perf` when this process may use raw
    /// tracepoint samples and tracefs has the raw_syscalls tracepoints, else `ptrace`.
    public static func resolve(_ kind: BackendKind) -> BackendKind {
        switch kind {
        case .ptrace, .perf: return kind
        case .auto: return perfUnavailableReason() == nil ? .perf : .ptrace
        }
    }

    /// Why the perf backend cannot be used here (one sentence), or nil when it can.
    public static func perfUnavailableReason() -> String? {
        if let problem = PerfPermission.problem() { return problem }
        do {
            _ = try PerfTracepoints.load()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// A backend of `kind`. Asking for `perf` where it cannot work throws the reason
    /// (`PerfBackendError.notPermitted` says exactly what is missing).
    public static func make(kind: BackendKind) throws -> TraceBackend {
        switch resolve(kind) {
        case .perf:
            try PerfPermission.check()
            _ = try PerfTracepoints.load()
            return PerfBackend()
        case .ptrace, .auto:
            return PtraceBackend()
        }
    }
}
