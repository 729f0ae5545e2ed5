import Foundation
import Testing
@testable import TUI

/// Real full-screen programs on a real terminal emulator, replayed: `scripts/record-terminal`
/// ran each program in tmux with TERM=xterm-256color, kept every byte it wrote
/// (`Recordings/NAME.bytes`) and what tmux showed after each key (`Recordings/NAME.screens`:
/// scroll-back and screen, headed by the number of bytes written by then). Fed the same bytes,
/// `TerminalScreen` must show what tmux showed.
@Suite struct TerminalRecordingTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Recordings")

    /// The recordings: name, window size, what was done.
    static let recordings: [(name: String, width: Int, height: Int)] = [
        ("less", 60, 16),  // seq 1 30, then less over 120 lines: start, Space, /line.50, q; then echo done
        ("vim", 60, 16),  // vim -u NONE: start, G, ^B, ^Y×3, gg, dd, Ohello<Esc>, 10G, ^E×2, :q!
        ("top", 70, 16),  // top -d 30: start, q
        // bash --norc -i: echo, ls --color, seq 1 30 (scrolls), printf colours and a tab, line
        // editing, clear (ED 3 clears the scroll-back), seq 3, ^D
        ("bash", 60, 12),
    ]

    struct Capture {
        var bytes: Int
        var lines: [String]
    }

    static func captures(_ name: String) throws -> (bytes: [UInt8], captures: [Capture]) {
        let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent("\(name).bytes")))
        let text = try String(contentsOf: directory.appendingPathComponent("\(name).screens"), encoding: .utf8)
        var captures: [Capture] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("==== after "), let n = Int(line.split(separator: " ")[2]) {
                captures.append(Capture(bytes: n, lines: []))
            } else if !captures.isEmpty {
                var l = String(line)
                while l.last == " " { l.removeLast() }
                captures[captures.count - 1].lines.append(l)
            }
        }
        // The file ends with a newline: the last capture has one empty line too many.
        if captures.last?.lines.last == "" { captures[captures.count - 1].lines.removeLast() }
        return (bytes, captures)
    }

    @Test("each screen of the recording is what tmux showed", arguments: recordings.map(\.name))
    func replay(_ name: String) throws {
        let size = try #require(Self.recordings.first { $0.name == name })
        let (bytes, captures) = try Self.captures(name)
        #expect(captures.count >= 2)
        for (i, capture) in captures.enumerated() {
            var screen = TerminalScreen(width: size.width, height: size.height)
            var parser = ANSIParser()
            parser.feed(Array(bytes.prefix(capture.bytes)), into: &screen)
            let shown = screen.history + screen.lines
            #expect(shown == capture.lines, "\(name), capture \(i) (after \(capture.bytes) bytes)")
            if shown != capture.lines {
                let diff = zip(shown, capture.lines).enumerated().filter { $0.element.0 != $0.element.1 }.prefix(3)
                Issue.record("first differences (ours, tmux's): \(Array(diff)); counts \(shown.count) \(capture.lines.count)")
            }
        }
    }

    @Test("the same bytes in chunks of any size give the same screen")
    func chunked() throws {
        for (name, width, height) in Self.recordings {
            let (bytes, _) = try Self.captures(name)
            var whole = TerminalScreen(width: width, height: height)
            var parser = ANSIParser()
            parser.feed(bytes, into: &whole)
            for chunk in [1, 7, 64] {
                var screen = TerminalScreen(width: width, height: height)
                var p = ANSIParser()
                var i = 0
                while i < bytes.count {
                    p.feed(Array(bytes[i..<min(bytes.count, i + chunk)]), into: &screen)
                    i += chunk
                }
                #expect(screen == whole, "\(name) in chunks of \(chunk)")
            }
        }
    }
}
