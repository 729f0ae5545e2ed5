import Dispatch
import Foundation
import PolicyModel
import TraceCapture

/// Where a trace's event batches land, for the TUI and for `record` alike. The backend's
/// delivery thread folds each batch, with the lost count it carries, into the profile under a
/// lock held for that one batch; the UI asks for a snapshot at its frame rate and gets one
/// whenever anything changed since the version it has (a copy-on-write copy), so the last calls
/// of a program that then blocks are shown as soon as the UI next looks, and input and drawing
/// never wait for more than one batch to be counted.
public final class LiveFeed: @unchecked Sendable {
    private let lock = NSLock()
    private var profile: Profile
    private var version = 0
    private var end: TraceEnd?
    private let started = DispatchTime.now()

    public init(profile: Profile = Profile()) {
        self.profile = profile
    }

    /// Called by the backend with each batch (on its delivery thread).
    public func add(_ batch: EventBatch) {
        let t = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        lock.withLock {
            profile.add(batch.events, time: t)
            profile.metadata.lostEvents = max(profile.metadata.lostEvents, batch.lostSoFar)
            version &+= 1
        }
    }

    /// Called once the trace ended (after the last batch), with the backend's final lost count.
    public func finish(_ e: TraceEnd, lostEvents: UInt64) {
        lock.withLock {
            profile.metadata.lostEvents = max(profile.metadata.lostEvents, lostEvents)
            end = e
            version &+= 1
        }
    }

    /// The statistics when they changed since `after`, with the new version.
    func snapshot(after: Int) -> (stats: LiveStats, version: Int, end: TraceEnd?)? {
        let taken: (Profile, Int, TraceEnd?)? = lock.withLock {
            version == after ? nil : (profile, version, end)
        }
        return taken.map { (LiveStats(profile: $0.0), $0.1, $0.2) }
    }

    /// Everything counted so far.
    public var counted: Profile { lock.withLock { profile } }

    /// Calls counted so far.
    var total: UInt64 { lock.withLock { profile.metadata.totalCalls } }
}
