/// What a cell means, not how it looks: the curses driver maps roles to colour pairs (or to
/// bold/reverse/underline on a monochrome terminal).
public enum ColorRole: Int, CaseIterable, Hashable, Sendable {
    case normal, header, footerKey, footerLabel, selection, selectionInactive, title, dim
    case allow, deny, kill, log, suggested, refused, bar, warning, message, dialog
    /// The traced program's own colours, in its output pane.
    case programRed, programGreen, programYellow, programBlue, programMagenta, programCyan
}

/// Text attributes of one cell.
public struct CellAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = CellAttributes(rawValue: 1 << 0)
    public static let reverse = CellAttributes(rawValue: 1 << 1)
    public static let underline = CellAttributes(rawValue: 1 << 2)
    public static let dim = CellAttributes(rawValue: 1 << 3)
}

/// One character cell of the screen.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var role: ColorRole
    public var attributes: CellAttributes

    public static let blank = Cell(character: " ", role: .normal, attributes: [])
}

/// A rectangle of the screen, in cells.
struct Rect: Hashable, Sendable {
    var x: Int, y: Int, width: Int, height: Int
    var maxX: Int { x + width }
    var maxY: Int { y + height }
}

/// The whole screen as cells in memory (ratatui's `Buffer`). Views draw here; the curses driver
/// writes the cells that differ from the previous frame. Tests read it back as text.
public struct ScreenBuffer: Equatable, Sendable {
    public let width: Int
    public let height: Int
    private(set) var cells: [Cell]

    init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` from (x, y), clipped to `maxWidth` cells and to the screen; returns the
    /// number of cells written. Control characters are shown as `?`.
    @discardableResult
    mutating func put(_ text: String, x: Int, y: Int, role: ColorRole = .normal,
                      attributes: CellAttributes = [], maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        var col = x
        for ch in text {
            if col >= limit { break }
            if col >= 0 {
                let shown: Character = ch.unicodeScalars.first.map { $0.value < 0x20 || $0.value == 0x7f } == true
                    ? "?" : ch
                self[col, y] = Cell(character: shown, role: role, attributes: attributes)
            }
            col += 1
        }
        return max(0, col - x)
    }

    /// Fills a rectangle with one character.
    mutating func fill(_ rect: Rect, character: Character = " ", role: ColorRole = .normal,
                       attributes: CellAttributes = []) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) {
                self[x, y] = Cell(character: character, role: role, attributes: attributes)
            }
        }
    }

    /// Changes the role (and attributes) of a row segment without touching its characters.
    mutating func paint(_ rect: Rect, role: ColorRole, attributes: CellAttributes = []) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) {
                self[x, y].role = role
                self[x, y].attributes = attributes
            }
        }
    }

    /// The cells that differ from `previous`, as (x, y, cell); every cell when sizes differ.
    public func diff(from previous: ScreenBuffer?) -> [(x: Int, y: Int, cell: Cell)] {
        var out: [(x: Int, y: Int, cell: Cell)] = []
        let same = previous.map { $0.width == width && $0.height == height } ?? false
        for i in 0..<cells.count where !same || previous!.cells[i] != cells[i] {
            out.append((i % width, i / width, cells[i]))
        }
        return out
    }

    /// Row `y` as text, trailing blanks removed.
    func line(_ y: Int) -> String {
        var s = String(cells[(y * width)..<((y + 1) * width)].map(\.character))
        while s.last == " " { s.removeLast() }
        return s
    }

    /// The whole screen as text, one line per row.
    var text: String { (0..<height).map(line).joined(separator: "\n") }
}
