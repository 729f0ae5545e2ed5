import Foundation
import PolicyModel
import TraceCapture

/// Traces every process of a running container as one trace: one attached backend per process
/// (each follows what its process starts later), all feeding the same consumer. The trace ends
/// when every process ended, or on `stop()`, which detaches them all. A process that ended
/// before it could be attached is skipped; the main one (the target's pid) must be attached.
final class ContainerBackend: TraceBackend, @unchecked Sendable {
    private let kind: BackendKind
    private let pids: [Int32]
    private let lock = NSLock()
    private var backends: [TraceBackend] = []
    private var stopped = false
    /// The lost count each backend reported last, by its place in `backends`' order of start.
    private var lost: [UInt64] = []
    let name: String

    init(kind: BackendKind, processes found: ContainerProcesses.Found) {
        self.kind = TraceBackends.resolve(kind)
        pids = found.pids
        name = self.kind.rawValue
    }

    func start(_ target: TraceTarget, options: TraceOptions,
               onEvents: @escaping @Sendable (EventBatch) -> Void) throws -> Int32 {
        guard case .attach(let main) = target else { preconditionFailure("a container is attached to, never spawned") }
        for pid in [main] + pids.filter({ $0 != main }) {
            let backend = try TraceBackends.make(kind: kind)
            let slot = lock.withLock { lost.append(0); return lost.count - 1 }
            do {
                // Each backend counts its own losses: the batch carries the sum over all.
                _ = try backend.start(.attach(pid: pid), options: options) { [self] batch in
                    let total = lock.withLock { lost[slot] = batch.lostSoFar; return lost.reduce(0, +) }
                    onEvents(EventBatch(events: batch.events, lostSoFar: total))
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

    func wait() -> TraceEnd {
        for b in lock.withLock({ backends }) { _ = b.wait() }
        return .detached
    }

    func stop() {
        for b in lock.withLock({ stopped = true; return backends }) { b.stop() }
    }

    var lostEvents: UInt64 { lock.withLock { backends.reduce(0) { $0 + $1.lostEvents } } }
    var unknownArchitectureCalls: UInt64 { lock.withLock { backends.reduce(0) { $0 + $1.unknownArchitectureCalls } } }
}
