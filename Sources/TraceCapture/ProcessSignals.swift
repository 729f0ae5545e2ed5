import Dispatch
import Glibc
import Synchronization

/// The one owner of the process's signal dispositions.
///
/// The quit signals (SIGINT, SIGTERM, SIGHUP) are caught while a `QuitHandling` is active: the
/// last one received is kept in an atomic any thread may read (`pending`), and each is handed to
/// the handler on a dispatch queue, never in signal context; cancelling it restores the default
/// dispositions. `record` stops its tracer there, `enforce` passes the signal on to its command,
/// the TUI's event loop polls `pending` and leaves the normal way (a second signal restores the
/// terminal at once and exits).
///
/// The crash signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP) run one restore function
/// (the terminal's) while one is set, and then end the process as they would have.
///
/// A child started by `Spawn` or the perf backend gets the default dispositions back before exec.
public enum ProcessSignals {
    public static let quitSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    public static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    fileprivate static let last = Atomic<Int32>(0)
    fileprivate static let received = Atomic<Int>(0)
    /// The restore function's address (0: none).
    fileprivate static let restore = Atomic<UInt>(0)

    /// The last quit signal received since the current handling began, or 0.
    public static var pending: Int32 { last.load(ordering: .acquiring) }

    /// Catches the quit signals until the handling is cancelled (one handling at a time).
    /// `handler` gets each signal and how many were received so far.
    public static func catchQuit(_ handler: @escaping @Sendable (_ signal: Int32, _ count: Int) -> Void) -> QuitHandling {
        QuitHandling(handler)
    }

    /// A C function that restores the terminal, run on a crash signal and by `emergencyExit`;
    /// nil removes it and the crash handlers.
    public static func setEmergencyRestore(_ function: (@convention(c) () -> Void)?) {
        if let function {
            restore.store(unsafeBitCast(function, to: UInt.self), ordering: .releasing)
            for s in crashSignals { _ = signal(s, crashHandler) }
        } else {
            for s in crashSignals { _ = signal(s, SIG_DFL) }
            restore.store(0, ordering: .releasing)
        }
    }

    /// Runs the restore function, if any, and ends the process with status 128+`sig`.
    public static func emergencyExit(_ sig: Int32) -> Never {
        runRestore()
        _exit(128 + sig)
    }

    fileprivate static func runRestore() {
        let bits = restore.load(ordering: .acquiring)
        if bits != 0 { unsafeBitCast(bits, to: (@convention(c) () -> Void).self)() }
    }
}

/// The quit signals caught; `cancel()` gives them their default dispositions back.
public final class QuitHandling: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    fileprivate init(_ handler: @escaping @Sendable (Int32, Int) -> Void) {
        ProcessSignals.last.store(0, ordering: .releasing)
        ProcessSignals.received.store(0, ordering: .releasing)
        for sig in ProcessSignals.quitSignals {
            _ = signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                let count = ProcessSignals.received.add(1, ordering: .acquiringAndReleasing).newValue
                ProcessSignals.last.store(sig, ordering: .releasing)
                handler(sig, count)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops catching; the default dispositions are back. Safe to call more than once.
    public func cancel() {
        guard !sources.isEmpty else { return }
        for s in sources { s.cancel() }
        sources = []
        for sig in ProcessSignals.quitSignals { _ = signal(sig, SIG_DFL) }
    }

    deinit { cancel() }
}

private func crashHandler(_ sig: Int32) {
    ProcessSignals.runRestore()
    _ = signal(sig, SIG_DFL)
    _ = raise(sig)
}
