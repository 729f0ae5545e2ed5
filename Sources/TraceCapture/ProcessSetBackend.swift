import Foundation

/// Traces several running processes (a container's) as one trace: one attached backend per process
/// (each follows what its process starts later), all feeding the same consumer. The trace ends
/// when every process ended, or on `stop()`, which detaches them all. A process that ended
/// before it could be attached is skipped; the main one (the target's pid) must be attached.
/// Each backend delivers on its own thread; the consumer gets one batch at a time, as from a
/// single backend (it folds batches into one profile without locking).
public final class ProcessSetBackend: TraceBackend, @unchecked Sendable {
    private let kind: BackendKind
    private let pids: [Int32]
    private let lock = NSLock()
    /// Held while the consumer takes a batch, so that the backends' threads deliver one at a time.
    private let delivery = NSLock()
    private var backends: [TraceBackend] = []
    private var stopped = false
    /// The lost count each backend reported last, by its place in `backends`' order of start.
    private var lost: [UInt64] = []
    public let name: String

    /// Traces `pids` (the target given to `start` among them or not) with backends of `kind`.
    public init(kind: BackendKind, pids: [Int32]) {
        self.kind = TraceBackends.resolve(kind)
        self.pids = pids
        name = self.kind.rawValue
    }

    public func start(_ target: TraceTarget, options: TraceOptions,
               onEvents: @escaping @Sendable (EventBatch) -> Void) throws -> Int32 {
        guard case .attach(let main) = target else { preconditionFailure("a process set is attached to, never spawned") }
        for pid in [main] + pids.filter({ $0 != main }) {
            let backend = try TraceBackends.make(kind: kind)
            let slot = lock.withLock { lost.append(0); return lost.count - 1 }
            do {
                // Each backend counts its own losses: the batch carries the sum over all.
                _ = try backend.start(.attach(pid: pid), options: options) { [self] batch in
                    delivery.withLock {
                        let total = lock.withLock { lost[slot] = batch.lostSoFar; return lost.reduce(0, +) }
                        onEvents(EventBatch(events: batch.events, lostSoFar: total))
                    }
                }
            } catch TraceError.noSuchProcess where pid != main {
                continue
            } catch {
                stop()
                _ = wait()
                throw error
            }
            let stopNow = lock.withLock { backends.append(backend); return stopped }
            if stopNow { backend.stop() }
        }
        return main
    }

    public func wait() -> TraceEnd {
        for b in lock.withLock({ backends }) { _ = b.wait() }
        return .detached
    }

    public func stop() {
        for b in lock.withLock({ stopped = true; return backends }) { b.stop() }
    }

    public var lostEvents: UInt64 { lock.withLock { backends.reduce(0) { $0 + $1.lostEvents } } }
    public var unknownArchitectureCalls: UInt64 { lock.withLock { backends.reduce(0) { $0 + $1.unknownArchitectureCalls } } }
}
