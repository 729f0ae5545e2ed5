import Foundation
import PolicyModel
import TraceCapture

/// Where tracer batches land. The backend's delivery thread adds them to its own `Profile`
/// without any lock, and publishes a copy-on-write copy at most every `publishInterval`; the UI
/// thread takes the published copy under a lock held only for that assignment, so input and
/// drawing never wait for a batch to be counted.
final class LiveFeed: @unchecked Sendable {
    static let publishInterval = 0.02
    /// Touched only by the delivery thread (one thread at a time: backends deliver in order).
    private var working: Profile
    private var lastPublish = 0.0
    private let lock = NSLock()
    private var published: Profile
    private var version = 0
    private var end: TraceEnd?

    init(profile: Profile = Profile()) {
        working = profile
        published = profile
    }

    /// Called by the backend with each batch.
    func add(_ events: [SyscallEvent]) {
        working.add(events)
        let now = Date.timeIntervalSinceReferenceDate
        if now - lastPublish >= Self.publishInterval {
            lastPublish = now
            publish()
        }
    }

    private func publish() {
        let copy = working
        lock.lock()
        published = copy
        version &+= 1
        lock.unlock()
    }

    func setLost(_ n: UInt64) {
        lock.lock()
        if published.metadata.lostEvents != n {
            published.metadata.lostEvents = n
            version &+= 1
        }
        lock.unlock()
    }

    /// Called once the trace ended (after the last batch): publishes everything counted.
    func finish(_ e: TraceEnd) {
        let copy = working
        lock.lock()
        let lost = published.metadata.lostEvents
        published = copy
        published.metadata.lostEvents = max(lost, copy.metadata.lostEvents)
        end = e
        version &+= 1
        lock.unlock()
    }

    /// The statistics when they changed since `after`, with the new version.
    func snapshot(after: Int) -> (stats: LiveStats, version: Int, end: TraceEnd?)? {
        lock.lock()
        guard version != after else { lock.unlock(); return nil }
        let (p, v, e) = (published, version, end)
        lock.unlock()
        return (LiveStats(profile: p), v, e)
    }

    /// Calls counted so far (as last published).
    var total: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return published.metadata.totalCalls
    }
}
