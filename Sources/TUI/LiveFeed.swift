import Dispatch
import Foundation
import PolicyModel
import TraceCapture

/// Where a trace's event batches land, for the TUI and for `record` alike.
///
/// The backend's delivery thread folds each batch, with the lost count it carries, into its own
/// `working` profile without holding the lock. The UI asks for a snapshot at its frame rate; when
/// something changed since the version it has, the live profile is published for it as a
/// copy-on-write copy: by the UI itself when no batch is being folded, else by the delivery
/// thread as soon as that batch is done. So the last calls of a program that then blocks show as
/// soon as the UI next looks, the UI never waits for a batch to be counted, and the profile is
/// copied only as often as the UI asks.
final class LiveFeed: @unchecked Sendable {
    private let lock = NSLock()
    /// Changed by the delivery thread outside the lock only while `folding` is set.
    private var working: Profile
    private var folding = false
    /// `working` has changes not yet published.
    private var dirty = false
    /// The UI asked while a batch was being folded.
    private var wanted = false
    private var published: Profile
    private var version = 0
    private var end: TraceEnd?
    private let started = DispatchTime.now()

    init(profile: Profile = Profile()) {
        working = profile
        published = profile
    }

    /// Called by the backend with each batch (on its delivery thread, one batch at a time).
    func add(_ batch: EventBatch) {
        let t = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        lock.withLock { folding = true }
        working.add(batch.events, time: t)
        working.metadata.lostEvents = max(working.metadata.lostEvents, batch.lostSoFar)
        lock.withLock {
            folding = false
            dirty = true
            if wanted { publishLocked() }
        }
    }

    /// Called once the trace ended (after the last batch), with the backend's final lost count
    /// and its count of calls whose architecture it could not tell.
    func finish(_ e: TraceEnd, lostEvents: UInt64, unknownArchitectureCalls: UInt64 = 0) {
        lock.withLock {
            working.metadata.lostEvents = max(working.metadata.lostEvents, lostEvents)
            working.metadata.unknownArchitectureCalls &+= unknownArchitectureCalls
            end = e
            publishLocked()
        }
    }

    private func publishLocked() {
        published = working
        version &+= 1
        dirty = false
        wanted = false
    }

    /// The statistics when they changed since `after`, with the new version.
    func snapshot(after: Int) -> (stats: LiveStats, version: Int, end: TraceEnd?)? {
        let taken: (Profile, Int, TraceEnd?)? = lock.withLock {
            if folding { wanted = true } else if dirty { publishLocked() }
            return version == after ? nil : (published, version, end)
        }
        return taken.map { (LiveStats(profile: $0.0), $0.1, $0.2) }
    }

    /// Everything counted (after `finish`).
    var counted: Profile { lock.withLock { working } }

    /// Calls counted as of the last snapshot published.
    var total: UInt64 { lock.withLock { published.metadata.totalCalls } }
}
