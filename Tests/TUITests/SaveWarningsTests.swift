import PolicyModel
import TraceCapture
import Testing
@testable import TUI
import TestSupport

/// The TUI's save shows what seccomp cannot see in the saved policy, as export, generate, merge
/// and enforce print it (`Policy.blindSpotWarnings`, one source): the first on the message line,
/// all of them when the TUI ends.
@Suite struct SaveWarningsTests {
    /// The fixture state with `name` found through `/` and decided with `key`.
    func deciding(_ name: String, _ key: Character, in s: TUIState) -> TUIState {
        var s = TUIFixtures.type(s, "/" + name)
        s = reduce(s, .key(.enter))
        #expect(s.selectedRow?.name == name)
        return TUIFixtures.press(s, [.char(key)])
    }

    @Test("saving a policy that allows io_uring_setup says so on the message line, in the warning colour")
    func ioUring() {
        let s = deciding("io_uring_setup", "a", in: TUIFixtures.state(width: 200, height: 24))
        let warnings = s.policy.blindSpotWarnings()
        #expect(warnings.count == 1 && warnings[0].hasPrefix("io_uring_setup is allowed"))
        let saved = reduce(s, .saved(path: "/tmp/p.json", format: .oci, policy: s.policy))
        #expect(saved.savedWarnings == warnings)
        #expect(saved.message == "saved OCI JSON policy to /tmp/p.json; warning: " + warnings[0])
        #expect(saved.messageIsError)
        let line = Screen.render(saved).line(saved.height - 2)
        #expect(line.contains("saved OCI JSON policy to /tmp/p.json; warning: io_uring_setup is allowed"), "\(line)")
    }

    @Test("several warnings: the first in full and how many more; a loaded rule for a call the architectures lack is one")
    func several() {
        // socketcall is i386's only; the loaded policy and the trace are the host's.
        let loaded = Policy(defaultAction: .errno(1), architectures: [.host], rules: [Rule(syscall: "socketcall", action: .allow)])
        let s = deciding("io_uring_setup", "a", in: TUIFixtures.state(policy: loaded))
        let saved = reduce(s, .saved(path: "p.policy", format: .text, policy: s.policy))
        #expect(saved.savedWarnings.count == 2)
        #expect(saved.savedWarnings[1].contains("in no filter: socketcall"), "\(saved.savedWarnings)")
        #expect(saved.message?.hasSuffix("(1 more warning when you quit)") == true, "\(saved.message ?? "")")
    }

    @Test("a policy without blind spots is saved with the plain message")
    func none() {
        let s = TUIFixtures.press(TUIFixtures.state(), [.char("a")])
        let saved = reduce(s, .saved(path: "p.json", format: .oci, policy: s.policy))
        #expect(saved.savedWarnings.isEmpty)
        #expect(saved.message == "saved OCI JSON policy to p.json")
        #expect(!saved.messageIsError)
    }
}

/// Calls the perf backend left out for want of their architecture reach the header with the trace's end.
@Suite struct UnknownArchitectureHeaderTests {
    @Test("the backend's count of calls of unknown architecture is shown beside the lost events, as incomplete")
    func header() throws {
        let feed = LiveFeed()
        feed.add(EventBatch(events: [TUIFixtures.event(TUIFixtures.readNr, [0, 0, 0])], lostSoFar: 2))
        feed.finish(.exited(0), lostEvents: 2, unknownArchitectureCalls: 3)
        let stats = try #require(feed.snapshot(after: -1)).stats
        #expect(stats.unknownArchitectureCalls == 3)
        let state = reduce(TUIFixtures.state(width: 160, height: 30), .update(stats, rate: 0))
        #expect(Screen.render(state).line(1).contains("lost 2, arch unknown 3 (incomplete)"), "\(Screen.render(state).line(1))")
    }
}
