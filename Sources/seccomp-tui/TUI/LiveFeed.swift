import Foundation
import PolicyModel
import TraceCapture

/// Where tracer batches land: folded into statistics on the tracer's delivery thread, under a
/// short lock, so that the UI thread only takes snapshots and never waits on the tracer.
final class LiveFeed: @unchecked Sendable {
    private let lock = NSLock()
    private var stats = LiveStats()
    private var version = 0
    private var end: TraceEnd?

    init(initial: LiveStats = LiveStats()) {
        stats = initial
    }

    /// Called by the backend with each batch.
    func add(_ events: [SyscallEvent]) {
        lock.lock()
        stats.fold(events)
        version &+= 1
        lock.unlock()
    }

    func setLost(_ n: UInt64) {
        lock.lock()
        if stats.lostEvents != n {
            stats.lostEvents = n
            version &+= 1
        }
        lock.unlock()
    }

    func finish(_ e: TraceEnd) {
        lock.lock()
        end = e
        version &+= 1
        lock.unlock()
    }

    /// The statistics when they changed since `after`, with the new version.
    func snapshot(after: Int) -> (stats: LiveStats, version: Int, end: TraceEnd?)? {
        lock.lock()
        defer { lock.unlock() }
        return version == after ? nil : (stats, version, end)
    }

    var total: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return stats.total
    }
}
