/// The traced program's terminal as an xterm-like screen: a grid of cells the size of the output
/// pane, a cursor, a scroll region, the alternate screen of full-screen programs, and the lines
/// that scrolled off the top of the main screen (bounded). `ANSIParser` feeds it; the sequences
/// it carries out are in TerminalScreen+Sequences.swift. One column per character: wide and
/// combining characters are not laid out as xterm would.
struct TerminalScreen: Hashable, Sendable {
    static let scrollbackLimit = 2000
    /// Sizes beyond this are cut (the pane is never this large).
    static let maxSize = 1000

    struct Position: Hashable, Sendable {
        var x = 0, y = 0
    }

    /// What DECSC (`ESC 7`, `CSI s`) saves and DECRC restores.
    struct SavedCursor: Hashable, Sendable {
        var position: Position
        var style: TerminalStyle
        var originMode: Bool
        var autowrap: Bool
        var charsets: Charsets
    }

    /// G0/G1 designations (`ESC ( 0` selects DEC line drawing) and which one is in use (SO/SI).
    struct Charsets: Hashable, Sendable {
        var lineDrawing = [false, false]
        var active = 0
    }

    private(set) var width: Int
    private(set) var height: Int
    /// The rows shown: the main screen's, or the alternate screen's while it is active.
    private(set) var rows: [[TerminalCell]]
    /// The main screen's rows while the alternate screen is shown.
    private var savedMainRows: [[TerminalCell]]?
    private(set) var scrollback = ScrollbackLines(limit: TerminalScreen.scrollbackLimit)
    private(set) var cursor = Position()
    /// The cursor stands past the last column: the next character wraps first (xterm's
    /// "last column flag").
    var wrapPending = false
    var style = TerminalStyle()
    /// The scroll region (DECSTBM), rows `top...bottom`.
    private(set) var top = 0
    private(set) var bottom: Int
    var autowrap = true
    var originMode = false
    var insertMode = false
    /// DECCKM: cursor keys send `ESC O A` rather than `ESC [ A`.
    var applicationCursorKeys = false
    var cursorVisible = true
    var charsets = Charsets()
    var tabStops: [Bool]
    var savedCursor: SavedCursor?
    var savedCursorAlternate: SavedCursor?
    /// The last character printed, for REP (`CSI n b`).
    var lastPrinted: Unicode.Scalar?
    /// Answers to the program's queries (cursor position, device attributes), to write back to it.
    var replies: [UInt8] = []

    init(width: Int = 80, height: Int = 24) {
        self.width = min(Self.maxSize, max(1, width))
        self.height = min(Self.maxSize, max(1, height))
        blankLine = Array(repeating: .blank, count: self.width)
        rows = Array(repeating: blankLine, count: self.height)
        bottom = self.height - 1
        tabStops = Self.defaultTabStops(self.width)
    }

    /// The alternate screen is shown (`CSI ? 1049 h` and friends).
    var isAlternate: Bool { savedMainRows != nil }

    /// The main screen's rows in use: up to the last row with something on it or the cursor.
    var usedRows: Int {
        var last = cursor.y
        for y in stride(from: height - 1, to: last, by: -1) where rows[y].contains(where: { $0 != .blank }) {
            last = y
            break
        }
        return last + 1
    }

    static func defaultTabStops(_ width: Int) -> [Bool] { (0..<width).map { $0 > 0 && $0 % 8 == 0 } }

    /// A row of blanks in the default style, shared until written (copy on write).
    private var blankLine: [TerminalCell]

    func blankRow(_ style: TerminalStyle? = nil) -> [TerminalCell] {
        let erased = (style ?? self.style).erased
        if erased.background == 0 { return blankLine }
        return Array(repeating: TerminalCell(scalar: " ", style: erased), count: width)
    }

    // MARK: - Writing

    mutating func put(_ scalar: Unicode.Scalar) {
        if wrapPending && autowrap {
            cursor.x = 0
            lineFeed()
        }
        wrapPending = false
        let cell = TerminalCell(scalar: scalar, style: style)
        if insertMode {
            rows[cursor.y].insert(cell, at: cursor.x)
            rows[cursor.y].removeLast()
        } else {
            rows[cursor.y][cursor.x] = cell
        }
        if cursor.x == width - 1 {
            wrapPending = autowrap
        } else {
            cursor.x += 1
        }
        lastPrinted = scalar
    }

    /// LF, IND: down one row, scrolling the region at its bottom.
    mutating func lineFeed() {
        wrapPending = false
        if cursor.y == bottom {
            scrollUp(1)
        } else if cursor.y < height - 1 {
            cursor.y += 1
        }
    }

    /// RI: up one row, scrolling the region down at its top.
    mutating func reverseLineFeed() {
        wrapPending = false
        if cursor.y == top {
            scrollDown(1)
        } else if cursor.y > 0 {
            cursor.y -= 1
        }
    }

    /// Scrolls the region up `n` rows; on the main screen, a region that starts at the top row
    /// sends the rows leaving it to the scroll-back.
    mutating func scrollUp(_ n: Int) {
        let n = min(n, bottom - top + 1)
        for _ in 0..<n {
            let gone = rows.remove(at: top)
            rows.insert(blankRow(), at: bottom)
            if top == 0 && !isAlternate { scrollback.append(gone) }
        }
    }

    mutating func scrollDown(_ n: Int) {
        let n = min(n, bottom - top + 1)
        for _ in 0..<n {
            rows.remove(at: bottom)
            rows.insert(blankRow(), at: top)
        }
    }

    // MARK: - Cursor

    /// Moves the cursor to column `x`, row `y` of the screen, clamped to it.
    mutating func moveTo(x: Int, y: Int) {
        cursor = Position(x: min(max(0, x), width - 1), y: min(max(0, y), height - 1))
        wrapPending = false
    }

    /// CUP/HVP: row and column counted from 1; from the region's top in origin mode.
    mutating func position(row: Int, column: Int) {
        if originMode {
            moveTo(x: column - 1, y: min(bottom, top + row - 1))
        } else {
            moveTo(x: column - 1, y: row - 1)
        }
    }

    /// CUU/CUD: up or down, stopping at the scroll region's edge when starting inside it.
    mutating func moveVertically(_ n: Int) {
        var y = cursor.y + n
        if n < 0 { y = max(cursor.y >= top ? top : 0, y) } else { y = min(cursor.y <= bottom ? bottom : height - 1, y) }
        moveTo(x: cursor.x, y: y)
    }

    mutating func saveCursor() {
        let saved = SavedCursor(position: cursor, style: style, originMode: originMode, autowrap: autowrap,
                                charsets: charsets)
        if isAlternate { savedCursorAlternate = saved } else { savedCursor = saved }
    }

    mutating func restoreCursor() {
        guard let saved = isAlternate ? savedCursorAlternate : savedCursor else {
            moveTo(x: 0, y: 0)
            style = TerminalStyle()
            originMode = false
            charsets = Charsets()
            return
        }
        moveTo(x: saved.position.x, y: saved.position.y)
        style = saved.style
        originMode = saved.originMode
        autowrap = saved.autowrap
        charsets = saved.charsets
    }

    // MARK: - Screens and regions

    /// Shows the alternate screen (blank), keeping the main screen's rows aside.
    mutating func enterAlternate(saveCursor save: Bool) {
        if save { saveCursor() }
        guard !isAlternate else { return }
        savedMainRows = rows
        rows = Array(repeating: blankRow(TerminalStyle()), count: height)
        wrapPending = false
    }

    /// Shows the main screen again.
    mutating func leaveAlternate(restoreCursor restore: Bool) {
        if let main = savedMainRows {
            rows = main
            savedMainRows = nil
        }
        if restore { restoreCursor() }
        wrapPending = false
    }

    /// DECSTBM: the scroll region, rows counted from 1; the cursor goes home.
    mutating func setScrollRegion(top t: Int, bottom b: Int) {
        let t = max(1, t), b = min(height, b)
        guard t < b else { return }
        top = t - 1
        bottom = b - 1
        position(row: 1, column: 1)
    }

    mutating func clearScrollback() { scrollback.removeAll() }

    // MARK: - Erasing, inserting, deleting

    /// ED: below the cursor (0), above it (1), all (2); erased cells keep the background.
    mutating func eraseInDisplay(_ mode: Int) {
        switch mode {
        case 0:
            eraseInLine(0)
            for y in (cursor.y + 1)..<height { rows[y] = blankRow() }
        case 1:
            eraseInLine(1)
            for y in 0..<cursor.y { rows[y] = blankRow() }
        case 2:
            for y in 0..<height { rows[y] = blankRow() }
        default: break
        }
    }

    /// EL: to the end of the line (0), from its start (1), all of it (2). A character just
    /// written in the last column (the wrap pending) stays, as in tmux and VTE: programs such as
    /// `top` fill a line to the edge and then erase to its end.
    mutating func eraseInLine(_ mode: Int) {
        let range: Range<Int>
        switch mode {
        case 0: range = (wrapPending ? width : cursor.x)..<width
        case 1: range = 0..<(cursor.x + 1)
        case 2: range = 0..<width
        default: return
        }
        let blank = TerminalCell(scalar: " ", style: style.erased)
        for x in range { rows[cursor.y][x] = blank }
    }

    /// ECH: `n` cells from the cursor become blank.
    mutating func eraseCharacters(_ n: Int) {
        let blank = TerminalCell(scalar: " ", style: style.erased)
        for x in cursor.x..<min(width, cursor.x + n) { rows[cursor.y][x] = blank }
        wrapPending = false
    }

    /// ICH: `n` blanks at the cursor, the rest of the line moves right (and off the edge).
    mutating func insertCharacters(_ n: Int) {
        let n = min(n, width - cursor.x)
        rows[cursor.y].insert(contentsOf: Array(repeating: TerminalCell(scalar: " ", style: style.erased), count: n),
                              at: cursor.x)
        rows[cursor.y].removeLast(n)
        wrapPending = false
    }

    /// DCH: `n` cells at the cursor go, the rest of the line moves left; blanks come in at the end.
    mutating func deleteCharacters(_ n: Int) {
        let n = min(n, width - cursor.x)
        rows[cursor.y].removeSubrange(cursor.x..<(cursor.x + n))
        rows[cursor.y].append(contentsOf: Array(repeating: TerminalCell(scalar: " ", style: style.erased), count: n))
        wrapPending = false
    }

    /// IL: `n` blank rows at the cursor's row, within the scroll region (rows pushed past its
    /// bottom are lost); the cursor goes to the first column. Nothing when outside the region.
    mutating func insertLines(_ n: Int) {
        guard cursor.y >= top && cursor.y <= bottom else { return }
        for _ in 0..<min(n, bottom - cursor.y + 1) {
            rows.remove(at: bottom)
            rows.insert(blankRow(), at: cursor.y)
        }
        moveTo(x: 0, y: cursor.y)
    }

    /// DL: `n` rows from the cursor's row go, blank rows come in at the region's bottom.
    mutating func deleteLines(_ n: Int) {
        guard cursor.y >= top && cursor.y <= bottom else { return }
        for _ in 0..<min(n, bottom - cursor.y + 1) {
            rows.remove(at: cursor.y)
            rows.insert(blankRow(), at: bottom)
        }
        moveTo(x: 0, y: cursor.y)
    }

    /// DECALN (`ESC # 8`): the screen filled with `E`.
    mutating func fillWithE() {
        rows = Array(repeating: Array(repeating: TerminalCell(scalar: "E", style: TerminalStyle()), count: width),
                     count: height)
        top = 0
        bottom = height - 1
        moveTo(x: 0, y: 0)
    }

    /// HT/CHT (`n` > 0) and CBT (`n` < 0): to the next or previous tab stop, or the line's edge.
    mutating func tab(_ n: Int) {
        var x = cursor.x
        for _ in 0..<abs(n) {
            repeat { x += n > 0 ? 1 : -1 } while x > 0 && x < width - 1 && !tabStops[x]
        }
        moveTo(x: x, y: cursor.y)
    }

    /// HTS sets a tab stop at the cursor; TBC clears the one there (0) or all of them (3).
    mutating func setTabStop() { tabStops[cursor.x] = true }

    mutating func clearTabStops(_ mode: Int) {
        if mode == 0 { tabStops[cursor.x] = false }
        if mode == 3 { tabStops = Array(repeating: false, count: width) }
    }

    /// RIS (`ESC c`): everything back to its state at start but the size and the scroll-back.
    mutating func reset() {
        let lines = scrollback
        self = TerminalScreen(width: width, height: height)
        scrollback = lines
    }

    /// DECSTR (`CSI ! p`): modes, style, region and saved cursor back to their defaults; the
    /// screen stays.
    mutating func softReset() {
        style = TerminalStyle()
        top = 0
        bottom = height - 1
        autowrap = true
        originMode = false
        insertMode = false
        applicationCursorKeys = false
        cursorVisible = true
        charsets = Charsets()
        savedCursor = nil
        savedCursorAlternate = nil
        wrapPending = false
    }

    /// Takes the size of the pane: rows are cut or padded on the right; a smaller height drops
    /// rows below the cursor first, then sends rows from the top to the scroll-back so the cursor
    /// stays on screen. The region is reset. The program redraws after its SIGWINCH.
    mutating func resize(width w: Int, height h: Int) {
        let w = min(Self.maxSize, max(1, w)), h = min(Self.maxSize, max(1, h))
        guard w != width || h != height else { return }
        func fit(_ grid: [[TerminalCell]], cursorY: Int, keep: Bool) -> (rows: [[TerminalCell]], shift: Int) {
            var grid = grid.map { row -> [TerminalCell] in
                row.count >= w ? Array(row.prefix(w)) : row + Array(repeating: TerminalCell.blank, count: w - row.count)
            }
            let shift = max(0, cursorY - (h - 1))
            for line in grid.prefix(shift) where keep { scrollback.append(line) }
            grid.removeFirst(shift)
            if grid.count > h { grid.removeLast(grid.count - h) }
            while grid.count < h { grid.append(Array(repeating: TerminalCell.blank, count: w)) }
            return (grid, shift)
        }
        let alternate = isAlternate
        let shown = fit(rows, cursorY: cursor.y, keep: !alternate)
        if let main = savedMainRows {
            savedMainRows = fit(main, cursorY: savedCursor?.position.y ?? 0, keep: true).rows
        }
        width = w
        height = h
        blankLine = Array(repeating: .blank, count: w)
        rows = shown.rows
        top = 0
        bottom = h - 1
        tabStops = Self.defaultTabStops(w)
        cursor = Position(x: min(cursor.x, w - 1), y: min(max(0, cursor.y - shown.shift), h - 1))
        if let s = savedCursor { savedCursor?.position = Position(x: min(s.position.x, w - 1), y: min(s.position.y, h - 1)) }
        if let s = savedCursorAlternate {
            savedCursorAlternate?.position = Position(x: min(s.position.x, w - 1), y: min(s.position.y, h - 1))
        }
        wrapPending = false
    }
}
