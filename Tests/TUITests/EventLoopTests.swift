import Foundation
import Glibc
import PolicyModel
import Testing
import TraceCapture
@testable import TUI

/// The event loop against the in-memory terminal: keys in, screen text out.
@Suite struct EventLoopTests {
    /// Runs the loop over `state` on `terminal`; `idle` is called whenever the loop waits for
    /// input, with the number of waits so far. Gives up (pressing q, y) after `limit` waits.
    static func run(_ terminal: MemoryTerminal, _ state: TUIState, feed: LiveFeed? = nil, limit: Int = 400,
                    quitSignal: @escaping () -> Int32 = { 0 },
                    idle: @escaping (MemoryTerminal, Int) -> Void) -> TUIState {
        terminal.onIdle = { t in
            if t.idleReads > limit { t.type([.char("q"), .char("y")]) } else { idle(t, t.idleReads) }
        }
        return TUISession.drive(terminal, state: state, feed: feed, quitSignal: quitSignal)
    }

    @Test("keys in, screen out: the terminal shows exactly the rendered state, help opens and closes, q quits and restores")
    func keysAndScreen() throws {
        let terminal = MemoryTerminal(width: 80, height: 24)
        var shown: [String] = []
        terminal.type([.char("j"), .char("j")])
        let final = Self.run(terminal, TUIFixtures.state()) { t, _ in
            shown.append(t.text)
            switch shown.count {
            case 1: t.type([.char("?")])
            case 2: t.type([.escape])
            default: t.type([.char("q"), .char("y")])
            }
        }
        #expect(final.shouldQuit)
        #expect(terminal.ended, "the terminal is restored")
        #expect(terminal.idleReads < 400)
        try #require(shown.count == 3)
        // Two rows down from the first: the third row is selected, as the reducer says.
        let expected = TUIFixtures.press(TUIFixtures.state(), [.char("j"), .char("j")])
        #expect(shown[0] == Screen.render(expected).text)
        #expect(shown[1].hasPrefix(" seccomp-tui keys"))
        #expect(shown[2] == shown[0], "Esc closes help and the screen comes back as it was")
        #expect(terminal.text == Screen.render(final).text)
    }

    @Test("a resize relayouts to the new size and the terminal shows the whole new frame")
    func resize() {
        let terminal = MemoryTerminal(width: 80, height: 24)
        var after: String?
        let final = Self.run(terminal, TUIFixtures.state()) { t, n in
            if n == 1 { t.resize(width: 120, height: 30) } else {
                after = t.text
                t.type([.char("q"), .char("y")])
            }
        }
        #expect(final.width == 120 && final.height == 30)
        #expect(terminal.screen.width == 120 && terminal.screen.height == 30)
        #expect(after == Screen.render(final).text)
        #expect(after?.split(separator: "\n", omittingEmptySubsequences: false).count == 30)
    }

    @Test("a quit signal ends the loop without a key, and the terminal is restored")
    func quitSignal() {
        let terminal = MemoryTerminal(width: 80, height: 24)
        let signalled = Flag()
        let final = Self.run(terminal, TUIFixtures.state(), quitSignal: { signalled.value }) { _, n in
            if n == 3 { signalled.value = SIGTERM }
        }
        #expect(!final.shouldQuit)
        #expect(terminal.ended)
        #expect(terminal.idleReads == 3)
    }

    @Test("batches fed while the loop waits reach the screen, with the lost count, without a key")
    func liveFeed() throws {
        let terminal = MemoryTerminal(width: 100, height: 30)
        let feed = LiveFeed()
        let state = TUIState(width: 100, height: 30, title: "feed", pid: 1, status: .running)
        let openat = try #require(SyscallTable.shared.number(of: "openat", arch: .host))
        var sawIt = false
        _ = Self.run(terminal, state, feed: feed) { t, n in
            if n == 1 {
                feed.add(EventBatch(events: [TUIFixtures.event(openat, [0xFFFF_FF9C, 0x1000, 0])], lostSoFar: 3))
            } else if t.text.contains("openat") && t.text.contains("lost 3") {
                sawIt = true
                t.type([.char("q"), .char("y")])
            }
        }
        #expect(sawIt, "the screen never showed the fed call and the lost count:\n\(terminal.text)")
        #expect(terminal.idleReads < 400)
    }

    final class Flag: @unchecked Sendable {
        var value: Int32 = 0
    }
}
