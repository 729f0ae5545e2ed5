import Glibc
import PolicyModel
import Testing
@testable import TUI

/// Nothing the screen cuts stays out of reach (issue 14, point 4).
@Suite struct NothingHiddenTests {
    static let openatNr = SyscallTable.shared.number(of: "openat", arch: .host)!
    static let longFlags = UInt64(O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)

    /// openat with one long flag combination and `paths` distinct paths.
    static func state(paths: Int, width: Int = 80, height: Int = 24) -> TUIState {
        var stats = TUIFixtures.stats()
        let atFdcwd = UInt64(bitPattern: Int64(AT_FDCWD))
        stats.fold((0..<max(1, paths)).map { i in
            TUIFixtures.event(openatNr, [atFdcwd, 0x7ffd_2000, longFlags, 0],
                              paths: paths == 0 ? [:] : [1: "/usr/lib/x86_64-linux-gnu/very/long/directory/name/lib\(i).so.6"])
        })
        var s = TUIState(width: width, height: height, title: "t", pid: 1, status: .running)
        s = reduce(s, .update(stats, rate: 10))
        s = TUIFixtures.type(TUIFixtures.press(s, [.char("/")]), "openat")
        return reduce(s, .key(.enter))
    }

    @Test("the value under the cursor is in the status line in full, with its raw number")
    func cursorValueInFull() throws {
        var s = Self.state(paths: 1, width: 120)
        #expect(s.selectedRow?.name == "openat")
        s = TUIFixtures.press(s, [.tab])
        let flagsIndex = try #require(s.detailValues.firstIndex { $0.argument == 2 })
        s = TUIFixtures.press(s, Array(repeating: .char("j"), count: flagsIndex))
        let label = RuleText.value(Self.longFlags, syscall: "openat", argument: 2)
        #expect(label.count > 30, "long enough to be cut in the pane: \(label)")
        let text = Screen.render(s).text
        #expect(text.split(separator: "\n").contains { $0.contains(" >  O_RDONLY|") && $0.contains("…") },
                "the pane cuts it")
        let status = "arg2 flags: \(label)  (0x\(String(Self.longFlags, radix: 16)) = \(Self.longFlags))  ×1"
        #expect(text.split(separator: "\n").contains { $0.hasPrefix(" " + status) })
    }

    @Test("a value longer than the status line wraps upwards rather than being cut")
    func cursorValueWraps() throws {
        var s = Self.state(paths: 1, width: 40)
        s = TUIFixtures.press(s, [.tab])
        let flagsIndex = try #require(s.detailValues.firstIndex { $0.argument == 2 })
        s = TUIFixtures.press(s, Array(repeating: .char("j"), count: flagsIndex))
        let lines = Screen.render(s).text.split(separator: "\n", omittingEmptySubsequences: false)
        // The status line's own lines (a cut word continues on the next one).
        let joined = lines[(s.height - 4)...(s.height - 2)].map { $0.filter { $0 != " " } }.joined()
        let label = RuleText.value(Self.longFlags, syscall: "openat", argument: 2)
        #expect(joined.contains("arg2flags:" + label), "\(joined)")
    }

    @Test("+ expands a path list, whole paths wrap, and j/k scroll what does not fit")
    func pathsExpand() {
        var s = Self.state(paths: 12, width: 100, height: 30)
        s = TUIFixtures.press(s, [.tab])
        var text = Screen.render(s).text
        #expect(text.contains("… 7 more (+ shows them)"))
        #expect(!text.contains("lib9.so.6"), "samples in name order: lib9 is the last")
        s = TUIFixtures.press(s, [.char("+")])
        #expect(s.expandPaths)
        let lines = DetailView.lines(s, width: s.detailWidth).map { $0.segments.map(\.text).joined() }
        for i in 0..<12 { #expect(lines.contains { $0.hasSuffix("lib\(i).so.6") }, "path \(i) whole") }
        #expect(lines.contains("   (+ shows five)"))
        // Upwards from the first value the pane scrolls: the paths above come into view.
        s = TUIFixtures.press(s, [.char("k")])
        text = Screen.render(s).text
        #expect(text.contains("lib0.so.6"))
        s = TUIFixtures.press(s, [.char("+")])
        #expect(!s.expandPaths)
    }

    @Test("one radix per argument: sizes in decimal whatever their size, addresses and bits in hex")
    func radix() {
        #expect(RuleText.value(4096, syscall: "read", argument: 2) == "4096")
        #expect(RuleText.value(131_072, syscall: "read", argument: 2) == "131072")
        #expect(RuleText.hexadecimal(syscall: "mmap", argument: 0))
        #expect(!RuleText.hexadecimal(syscall: "mmap", argument: 1))
        #expect(!RuleText.hexadecimal(syscall: "read", argument: 2))
        #expect(!RuleText.hexadecimal(syscall: "nr_2000", argument: 0), "unknown: decimal")
    }

    @Test("calls/s falls to 0 once the program has exited")
    func rateAfterExit() {
        var s = TUIFixtures.state()
        #expect(s.rate == 1234)
        s = reduce(s, .traceEnded(.ended(.exited(0))))
        #expect(s.rate == 0)
        s = reduce(s, .update(TUIFixtures.stats(), rate: 99))
        #expect(s.rate == 0)
        #expect(Screen.render(s).text.contains(" 0/s"))
    }
}
