import Foundation

/// What the traced program wrote to its terminal: the bytes parsed (`ANSIParser`) onto an
/// xterm-like screen the size of the output pane (`TerminalScreen`), with the lines that
/// scrolled off its top kept up to `TerminalScreen.scrollbackLimit`.
struct ProgramOutput: Hashable, Sendable {
    /// The terminal type the program is told (`TERM`): what `TerminalScreen` carries out.
    static let terminalType = "xterm-256color"

    private(set) var screen: TerminalScreen
    private var parser = ANSIParser()
    /// Bytes received in all.
    private(set) var byteCount = 0

    init(width: Int = 80, height: Int = 24) {
        screen = TerminalScreen(width: width, height: height)
    }

    var isEmpty: Bool { byteCount == 0 }

    /// Lines dropped from the top of the scroll-back to stay within its limit.
    var droppedLines: Int { screen.scrollback.dropped }

    mutating func feed(_ bytes: [UInt8]) {
        byteCount += bytes.count
        parser.feed(bytes, into: &screen)
    }

    mutating func resize(width: Int, height: Int) {
        screen.resize(width: width, height: height)
    }

    /// Takes the answers to the program's queries (cursor position, device attributes).
    mutating func takeReplies() -> [UInt8] {
        defer { screen.replies = [] }
        return screen.replies
    }
}

/// Where the pseudo-terminal reader hands the program's output, for the event loop to pick up
/// (as `LiveFeed` does for syscalls).
final class ProgramOutputFeed: @unchecked Sendable {
    private let lock = NSLock()
    private var output = ProgramOutput()
    private var version = 0

    /// Adds what the program wrote; returns the answers to its queries, to write back to it.
    @discardableResult
    func add(_ bytes: [UInt8]) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        output.feed(bytes)
        version += 1
        return output.takeReplies()
    }

    /// The pane's size changed: the screen takes it before the program is told (so what it
    /// draws after its SIGWINCH lands on a screen of the new size).
    func resize(width: Int, height: Int) {
        lock.lock()
        defer { lock.unlock() }
        output.resize(width: width, height: height)
        version += 1
    }

    /// The output, when it changed since `after`.
    func snapshot(after: Int) -> (output: ProgramOutput, version: Int)? {
        lock.lock()
        defer { lock.unlock() }
        return version == after ? nil : (output, version)
    }
}

/// The traced program's terminal as the event loop uses it: keys in, window size.
protocol ProgramTerminal: AnyObject {
    func send(_ bytes: [UInt8])
    func resize(width: Int, height: Int)
}

extension Key {
    /// The bytes xterm sends for this key, for the program in the output pane; nil for keys
    /// that have none worth sending (function keys). With `applicationCursorKeys` (DECCKM, set
    /// by full-screen programs) the arrows, Home and End send `ESC O x`.
    func terminalBytes(applicationCursorKeys: Bool = false) -> [UInt8]? {
        let cursorKey: String? = switch self {
        case .up: "A"
        case .down: "B"
        case .right: "C"
        case .left: "D"
        case .home: "H"
        case .end: "F"
        default: nil
        }
        if let cursorKey { return Array("\u{1B}\(applicationCursorKeys ? "O" : "[")\(cursorKey)".utf8) }
        switch self {
        case .char(let c): return Array(String(c).utf8)
        case .enter: return [0x0D]
        case .tab: return [0x09]
        case .backTab: return Array("\u{1B}[Z".utf8)
        case .escape: return [0x1B]
        case .backspace: return [0x7F]
        case .up, .down, .right, .left, .home, .end: return nil  // above
        case .pageUp: return Array("\u{1B}[5~".utf8)
        case .pageDown: return Array("\u{1B}[6~".utf8)
        case .ctrl(let c):
            guard let v = c.asciiValue, v >= 0x60, v < 0x80 else { return nil }
            return [v - 0x60]
        case .function: return nil
        }
    }
}
