import Foundation
import Testing
@testable import TUI

/// The whole TUI with the output pane showing a recorded full-screen program (the bytes of
/// `Recordings/`, replayed), compared with `Snapshots/output-NAME-STEP-116x21.txt`: at 116×21
/// the pane is the recordings' 60×16. Re-record on purpose with
/// `SNAPSHOT_RECORD=1 swift test --filter OutputPaneSnapshotTests`.
@Suite struct OutputPaneSnapshotTests {
    static let cases: [(name: String, step: Int)] = [("less", 0), ("less", 2), ("less", 3), ("vim", 6), ("top", 0)]

    static func state(_ name: String, step: Int) throws -> TUIState {
        let (bytes, captures) = try TerminalRecordingTests.captures(name)
        var s = TUIFixtures.state(width: 116, height: 21)
        var output = ProgramOutput(width: s.programSize.width, height: s.programSize.height)
        output.feed(Array(bytes.prefix(captures[step].bytes)))
        s.output = ProgramOutput()
        s = reduce(s, .output(output))
        return TUIFixtures.press(s, [.char("w")])
    }

    @Test("the pane at 116×21 is the recordings' 60×16")
    func size() {
        #expect(TUIFixtures.state(width: 116, height: 21).programSize == (60, 16))
    }

    @Test("the output pane shows the program's screen as laid out", arguments: cases.map { "\($0.name)-\($0.step)" })
    func snapshot(_ id: String) throws {
        let parts = id.split(separator: "-")
        let text = Screen.render(try Self.state(String(parts[0]), step: Int(parts[1])!)).text + "\n"
        let file = SnapshotTests.directory.appendingPathComponent("output-\(id)-116x21.txt")
        if ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1" {
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try #require(try? String(contentsOf: file, encoding: .utf8),
                                    "no snapshot \(file.path): record with SNAPSHOT_RECORD=1")
        #expect(text == expected, "\(id) differs from \(file.lastPathComponent)")
    }

    @Test("less's status line is the pane's bottom row; its search matches are in reverse video")
    func lessLayout() throws {
        let s = try Self.state("less", step: 2)
        let buf = Screen.render(s)
        let paneX = s.leftWidth + 2
        let bottom = 2 + 16  // the pane's title row, then 16 rows of the program's screen
        #expect(buf.line(bottom).hasSuffix("│ :"), "\(buf.text)")
        #expect(buf.line(3).hasSuffix("│ line 50: word word word word word word word word word word w"))
        #expect(buf[paneX, 3].attributes.contains(.reverse), "'line 50' matched the search")
        #expect(!buf[paneX + 8, 3].attributes.contains(.reverse))
    }
}
