import CTraceCapture

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
        do {
            _ = try PerfBackend.requirements()
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Starts the kernel's one-off set-up for per-task perf events (an RCU grace period, ~15 ms,
    /// when none existed for a second) in the background, so that it overlaps the work done
    /// before a perf backend opens its events. Call it as early as a trace is known to come;
    /// the backend (or `make` choosing ptrace) ends it.
    public static func warmUpPerf() {
        CTraceCapture_perf_warm_up_start()
    }

    /// True from `warmUpPerf()` until a backend ended the warm-up.
    static var perfWarmUpPending: Bool { CTraceCapture_perf_warm_up_pending() != 0 }

    /// A backend of `kind`. Asking for `perf` where it cannot work throws the reason
    /// (`PerfBackendError.notPermitted` says exactly what is missing); `auto` then gives ptrace.
    public static func make(kind: BackendKind) throws -> TraceBackend {
        if kind != .ptrace {
            do {
                return PerfBackend(tracepoints: try PerfBackend.requirements())
            } catch where kind == .auto {
                // ptrace, below
            }
        }
        CTraceCapture_perf_warm_up_finish()
        return PtraceBackend()
    }
}
