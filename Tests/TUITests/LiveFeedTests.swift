import Foundation
import PolicyModel
import Testing
import TraceCapture
@testable import TUI
import TestSupport

/// The path of tracer batches to the screen: `LiveFeed` folds them, the UI takes snapshots.
@Suite(.requires(Requirement.ptrace)) struct LiveFeedTests {
    static let readNr = TUIFixtures.readNr

    static func batch(_ n: Int, lost: UInt64 = 0) -> EventBatch {
        EventBatch(events: (0..<n).map { _ in TUIFixtures.event(readNr, [0, 0x1000, 16]) }, lostSoFar: lost)
    }

    @Test("a batch arriving right after the last snapshot is in the next one: the last calls of a program that then blocks show")
    func batchRightAfterASnapshot() throws {
        let feed = LiveFeed()
        feed.add(Self.batch(3))
        let first = try #require(feed.snapshot(after: -1))
        #expect(first.stats.total == 3)
        feed.add(Self.batch(2))  // well within 20 ms of the first
        let second = try #require(feed.snapshot(after: first.version))
        #expect(second.stats.total == 5)
        #expect(feed.snapshot(after: second.version) == nil, "nothing changed since")
    }

    @Test("the lost count travels with each batch to the header; a batch of losses alone updates it")
    func lostCountReachesTheHeader() throws {
        let feed = LiveFeed()
        feed.add(Self.batch(10, lost: 7))
        let first = try #require(feed.snapshot(after: -1))
        #expect(first.stats.lostEvents == 7)
        var state = TUIFixtures.state(width: 120, height: 30)
        state = reduce(state, .update(first.stats, rate: 0))
        #expect(Screen.render(state).line(1).contains("lost 7 (incomplete)"))

        feed.add(EventBatch(events: [], lostSoFar: 12))
        let second = try #require(feed.snapshot(after: first.version))
        #expect(second.stats.lostEvents == 12)
        #expect(second.stats.total == 10)
        feed.finish(.exited(0), lostEvents: 15)
        let last = try #require(feed.snapshot(after: second.version))
        #expect(last.stats.lostEvents == 15)
        #expect(last.end == .exited(0))
    }

    @Test("a traced program that blocks in a call shows that call without any later batch")
    func blockedProgramShowsItsLastCall() throws {
        let backend = PtraceBackend()
        let feed = LiveFeed()
        _ = try backend.start(.spawn(command: ["/bin/sleep", "30"]), options: TraceOptions()) { feed.add($0) }
        defer {
            backend.stop()
            _ = backend.wait()
        }
        let names = ["clock_nanosleep", "nanosleep"]
        var version = -1
        let seen = waitFor {
            guard let snap = feed.snapshot(after: version) else { return false }
            version = snap.version
            return snap.stats.rows.contains { names.contains($0.name) }
        }
        #expect(seen, "sleep's clock_nanosleep was never shown")
    }
}
