import Foundation
import Testing
@testable import TUI

/// The main screens rendered to text and compared with `Snapshots/NAME-WxH.txt`.
/// Re-record on purpose with `SNAPSHOT_RECORD=1 swift test --filter SnapshotTests`.
@Suite struct SnapshotTests {
    static let sizes = [(80, 24), (160, 50)]
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    /// The screens: keys pressed from the same traced state.
    static let screens: [(name: String, keys: [Key])] = [
        ("main", []),
        ("detail", [.tab, .char(" "), .down, .char(" "), .enter]),
        ("help", [.function(1)]),
        ("save-dialog", [.char("d"), .char("s"), .enter]),
        ("policy", [.char("j"), .char("d"), .char("p")]),
    ]

    static var cases: [String] {
        screens.flatMap { s in sizes.map { "\(s.name)-\($0.0)x\($0.1)" } }
    }

    func render(_ name: String) throws -> String {
        let parts = name.split(separator: "-")
        let size = parts.last!.split(separator: "x").map { Int($0)! }
        let screenName = parts.dropLast().joined(separator: "-")
        let keys = try #require(Self.screens.first { $0.name == screenName }).keys
        var s = TUIFixtures.state(width: size[0], height: size[1], extra: 30)
        s = TUIFixtures.press(s, keys)
        return Screen.render(s).text + "\n"
    }

    @Test("screens match their snapshots", arguments: cases)
    func snapshot(_ name: String) throws {
        let text = try render(name)
        let file = Self.directory.appendingPathComponent("\(name).txt")
        if ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1" {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try #require(try? String(contentsOf: file, encoding: .utf8),
                                    "no snapshot \(file.path): record with SNAPSHOT_RECORD=1")
        #expect(text == expected, "\(name) differs from \(file.lastPathComponent)")
    }

    @Test("the selected row is painted, and only in the focused pane's colour")
    func selectionRole() {
        let s = TUIFixtures.state()
        let buf = Screen.render(s)
        let y = 3  // the first list row
        #expect(buf.line(y).contains("read"))
        #expect(buf[5, y].role == .selection)
        let detail = Screen.render(reduce(s, .key(.tab)))
        #expect(detail[5, y].role == .selectionInactive)
    }

    @Test("the footer and the help screen are drawn from the key table")
    func footerAndHelp() {
        let s = TUIFixtures.state(width: 200, height: 60)
        let footer = Screen.render(s).line(59)
        for item in KeyBindings.footer(for: .list) { #expect(footer.contains(item.key + item.label)) }
        let help = Screen.render(reduce(s, .key(.char("?")))).text
        for b in KeyBindings.all { #expect(help.contains(b.help)) }
    }
}
