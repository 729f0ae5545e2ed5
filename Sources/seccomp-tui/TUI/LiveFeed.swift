import Foundation
import PolicyModel
import TraceCapture

/// Where tracer batches land: added to a `Profile` on the tracer's delivery thread, under a short
/// lock, so that the UI thread only takes snapshots (a copy-on-write copy, projected into rows
/// outside the lock) and never waits on the tracer.
final class LiveFeed: @unchecked Sendable {
    private let lock = NSLock()
    private var profile: Profile
    private var version = 0
    private var end: TraceEnd?

    init(profile: Profile = Profile()) {
        self.profile = profile
    }

    /// Called by the backend with each batch.
    func add(_ events: [SyscallEvent]) {
        lock.lock()
        profile.add(events)
        version &+= 1
        lock.unlock()
    }

    func setLost(_ n: UInt64) {
        lock.lock()
        if profile.metadata.lostEvents != n {
            profile.metadata.lostEvents = n
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
        guard version != after else { lock.unlock(); return nil }
        let (p, v, e) = (profile, version, end)
        lock.unlock()
        return (LiveStats(profile: p), v, e)
    }

    var total: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return profile.metadata.totalCalls
    }
}
