import PolicyModel
import Testing
@testable import TUI

/// The lint of the policy being built, in the TUI: a mark on the rows it warns about, the warning
/// in the detail pane, the exposure score in the header.
@Suite struct LintMarksTests {
    typealias F = TUIFixtures

    /// read ×10 and ptrace ×5, on a screen wide enough for the detail pane.
    static func state() -> TUIState {
        var events = (0..<10).map { _ in F.event(F.readNr, [0, 0, 16]) }
        events += (0..<5).map { _ in F.event(SyscallTable.shared.number(of: "ptrace", arch: .host)!, [16, 42]) }
        var stats = LiveStats()
        stats.fold(events)
        let s = TUIState(width: 160, height: 40, title: "./demo/busy.sh", pid: 4242, status: .running)
        return reduce(s, .update(stats, rate: 0))
    }

    /// The list's part of the screen line showing `name`.
    static func row(_ text: String, containing name: String) -> String? {
        text.split(separator: "\n").map { String($0.split(separator: "│", maxSplits: 1).first ?? "") }
            .first { $0.contains(" \(name) ") || $0.contains("▲\(name) ") || $0.contains("!\(name) ") }
    }

    @Test("a row the policy being built allows dangerously carries a mark and the warning; denying it clears both and lowers the exposure")
    func ptraceAllowed() throws {
        // ptrace is seen, so the policy being built allows it (a suggestion) until decided.
        let suggested = Self.state()
        #expect(suggested.lintWarnings(for: "ptrace").map(\.check.name) == ["dangerous-syscall"])
        let allowed = F.press(suggested, [.down, .char("a")])
        #expect(allowed.decisions.decision(for: "ptrace").verdict == .allow)
        let score = try #require(allowed.lint?.exposure)
        let screen = Screen.render(allowed).text
        #expect(screen.split(separator: "\n")[0].hasSuffix("exposure \(score)/10"))
        let ptraceRow = try #require(Self.row(screen, containing: "ptrace"))
        #expect(ptraceRow.contains("▲ptrace"), "\(ptraceRow)")
        #expect(try #require(Self.row(screen, containing: "read")).contains("▲") == false)
        #expect(screen.contains("▲ dangerous-syscall: ptrace is allowed whatever its arguments"), "\(screen)")
        #expect(screen.contains("fix: Refuse it (`ptrace: errno EPERM`)"))
        // Denying it clears the mark and the warning, and the exposure drops.
        let denied = F.press(allowed, [.char("d")])
        #expect(denied.decisions.decision(for: "ptrace").verdict != .allow)
        #expect(denied.lintWarnings(for: "ptrace").isEmpty)
        let deniedScreen = Screen.render(denied).text
        #expect(try #require(Self.row(deniedScreen, containing: "ptrace")).contains("▲") == false)
        #expect(!deniedScreen.contains("dangerous-syscall"))
        let lower = try #require(denied.lint?.exposure)
        #expect(lower < score)
        #expect(deniedScreen.split(separator: "\n")[0].hasSuffix("exposure \(lower)/10"))
    }
}
