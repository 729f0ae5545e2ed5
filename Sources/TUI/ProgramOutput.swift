import Foundation

/// One character of the program's output with its colour.
struct OutputCell: Hashable, Sendable {
    var character: Character
    var role: ColorRole
    var bold: Bool
}

/// What the traced program wrote to its terminal, as lines of coloured text: a small terminal
/// that keeps text, newlines, carriage returns, backspaces, tabs, the SGR colours and the line
/// erase of line editors; other control sequences (cursor addressing, screen clears) are
/// dropped, so full-screen programs show their text but not their layout. Memory is bounded:
/// the last `maxLines` lines of at most `maxLineLength` characters.
struct ProgramOutput: Hashable, Sendable {
    static let maxLines = 2000
    static let maxLineLength = 1000

    private(set) var lines: [[OutputCell]] = [[]]
    /// Lines dropped from the top to stay within `maxLines`.
    private(set) var droppedLines = 0
    /// Bytes received in all.
    private(set) var byteCount = 0
    private var column = 0
    private var role = ColorRole.normal
    private var bold = false
    private enum Mode: Hashable { case text, escape, csi, osc, oscEscape }
    private var mode = Mode.text
    private var parameters: [UInt8] = []
    private var utf8: [UInt8] = []

    var isEmpty: Bool { byteCount == 0 }

    mutating func feed(_ bytes: [UInt8]) {
        byteCount += bytes.count
        for b in bytes { feed(b) }
    }

    private mutating func feed(_ b: UInt8) {
        switch mode {
        case .escape:
            if b == UInt8(ascii: "[") { mode = .csi; parameters = [] }
            else if b == UInt8(ascii: "]") { mode = .osc }
            else { mode = .text }
            return
        case .csi:
            if b >= 0x40 && b <= 0x7E { csi(b); mode = .text } else if parameters.count < 64 { parameters.append(b) }
            return
        case .osc:
            if b == 0x07 { mode = .text } else if b == 0x1B { mode = .oscEscape }
            return
        case .oscEscape:
            mode = b == UInt8(ascii: "\\") ? .text : .osc
            return
        case .text:
            break
        }
        if b >= 0x80 {
            if b & 0xC0 != 0x80 { utf8 = [] }
            utf8.append(b)
            let expected = utf8[0] >= 0xF0 ? 4 : utf8[0] >= 0xE0 ? 3 : utf8[0] >= 0xC0 ? 2 : 1
            if utf8.count >= expected {
                put(String(decoding: utf8, as: UTF8.self).first ?? "?")
                utf8 = []
            }
            return
        }
        utf8 = []
        switch b {
        case 0x1B: mode = .escape
        case 0x0A: newLine()
        case 0x0D: column = 0
        case 0x08: column = max(0, column - 1)
        case 0x09: for _ in 0..<(8 - column % 8) { put(" ") }
        case 0x00..<0x20, 0x7F: break
        default: put(Character(Unicode.Scalar(b)))
        }
    }

    private mutating func newLine() {
        lines.append([])
        column = 0
        if lines.count > Self.maxLines {
            lines.removeFirst(lines.count - Self.maxLines)
            droppedLines += 1
        }
    }

    private mutating func put(_ c: Character) {
        guard column < Self.maxLineLength else { return }
        var line = lines[lines.count - 1]
        while line.count < column { line.append(OutputCell(character: " ", role: .normal, bold: false)) }
        let cell = OutputCell(character: c, role: role, bold: bold)
        if column < line.count { line[column] = cell } else { line.append(cell) }
        lines[lines.count - 1] = line
        column += 1
    }

    private mutating func csi(_ final: UInt8) {
        let numbers = String(decoding: parameters, as: UTF8.self).split(separator: ";", omittingEmptySubsequences: false)
            .map { Int($0) ?? 0 }
        switch final {
        case UInt8(ascii: "m"): sgr(numbers.isEmpty ? [0] : numbers)
        case UInt8(ascii: "K"):
            // Erase to the end of the line (0), from its start (1), the whole line (2).
            let n = numbers.first ?? 0
            var line = lines[lines.count - 1]
            if n == 0, column < line.count { line.removeSubrange(column...) }
            if n == 2 { line = [] }
            if n == 1 { for i in 0..<min(column + 1, line.count) { line[i] = OutputCell(character: " ", role: .normal, bold: false) } }
            lines[lines.count - 1] = line
        case UInt8(ascii: "C"): column = min(Self.maxLineLength, column + max(1, numbers.first ?? 1))
        case UInt8(ascii: "D"): column = max(0, column - max(1, numbers.first ?? 1))
        case UInt8(ascii: "G"): column = max(0, min(Self.maxLineLength, (numbers.first ?? 1) - 1))
        default: break
        }
    }

    private static let colours: [ColorRole] = [.normal, .programRed, .programGreen, .programYellow, .programBlue,
                                               .programMagenta, .programCyan, .normal]

    private mutating func sgr(_ codes: [Int]) {
        var i = 0
        while i < codes.count {
            let c = codes[i]
            switch c {
            case 0: role = .normal; bold = false
            case 1: bold = true
            case 22: bold = false
            case 30...37: role = Self.colours[c - 30]
            case 90...97: role = Self.colours[c - 90]; bold = true
            case 39: role = .normal
            case 38, 48:
                // 256-colour and true-colour forms: skip their arguments.
                if i + 1 < codes.count { i += codes[i + 1] == 5 ? 2 : (codes[i + 1] == 2 ? 4 : 1) }
            default: break
            }
            i += 1
        }
    }
}

/// Where the pseudo-terminal reader hands the program's output, for the event loop to pick up
/// (as `LiveFeed` does for syscalls).
final class ProgramOutputFeed: @unchecked Sendable {
    private let lock = NSLock()
    private var output = ProgramOutput()
    private var version = 0

    func add(_ bytes: [UInt8]) {
        lock.lock()
        output.feed(bytes)
        version += 1
        lock.unlock()
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
    /// The bytes a terminal sends for this key, for the program in the output pane; nil for keys
    /// that have none worth sending (function keys).
    var terminalBytes: [UInt8]? {
        switch self {
        case .char(let c): return Array(String(c).utf8)
        case .enter: return [0x0D]
        case .tab: return [0x09]
        case .backTab: return Array("\u{1B}[Z".utf8)
        case .escape: return [0x1B]
        case .backspace: return [0x7F]
        case .up: return Array("\u{1B}[A".utf8)
        case .down: return Array("\u{1B}[B".utf8)
        case .right: return Array("\u{1B}[C".utf8)
        case .left: return Array("\u{1B}[D".utf8)
        case .home: return Array("\u{1B}[H".utf8)
        case .end: return Array("\u{1B}[F".utf8)
        case .pageUp: return Array("\u{1B}[5~".utf8)
        case .pageDown: return Array("\u{1B}[6~".utf8)
        case .ctrl(let c):
            guard let v = c.asciiValue, v >= 0x60, v < 0x80 else { return nil }
            return [v - 0x60]
        case .function: return nil
        }
    }
}
