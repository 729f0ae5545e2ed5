import CNcurses
import Glibc
import TraceCapture
import TUI

/// The only code that talks to curses. It keeps the last frame written and writes only the cells
/// that changed (ratatui's `flush`), maps colour roles to colour pairs (or to attributes on a
/// monochrome terminal), reads keys with a timeout, and restores the terminal on every way out.
public final class CursesDriver: TerminalDriver {
    private var previous: ScreenBuffer?
    private var screen: OpaquePointer?
    private var styles: [ColorRole: (pair: Int16, attributes: attr_t)] = [:]
    private(set) var hasColors = false
    private var active = false
    /// Frames written, and cells written over all frames (for the benchmark's log).
    public private(set) var frames = 0
    public private(set) var cellsWritten = 0

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts curses on the terminal at `inputFD`/`outputFD` (dups of the tty, so that the traced
    /// program's standard streams can be sent elsewhere). `monochrome` ignores the terminal's colours.
    public init(inputFD: Int32, outputFD: Int32, monochrome: Bool = false) throws {
        guard isatty(outputFD) == 1, isatty(inputFD) == 1 else {
            throw StartError(description: "the TUI needs a terminal: standard input and output are not a tty")
        }
        _ = CNcurses_setlocale_all()
        guard let out = fdopen(dup(outputFD), "w"), let inp = fdopen(dup(inputFD), "r") else {
            throw StartError(description: "cannot open the terminal: \(Errno.current)")
        }
        guard let scr = newterm(nil, out, inp) else {
            let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
            throw StartError(description: "cannot start the terminal UI: unknown terminal type TERM=\(term)")
        }
        screen = scr
        _ = set_term(scr)
        active = true
        ProcessSignals.setEmergencyRestore(cursesEmergencyRestore)
        _ = raw()
        _ = noecho()
        _ = nonl()
        _ = CNcurses_keypad_on()
        _ = curs_set(0)
        _ = set_escdelay(25)
        if !monochrome, has_colors() {
            hasColors = start_color() != CNcurses_ERR()
            if hasColors { _ = use_default_colors() }
        }
        setUpStyles()
    }

    /// The driver as `TUISession` takes it.
    public static func make(inputFD: Int32, outputFD: Int32, monochrome: Bool) throws -> TerminalDriver {
        try CursesDriver(inputFD: inputFD, outputFD: outputFD, monochrome: monochrome)
    }

    deinit { end() }

    /// The terminal's size in cells.
    public var size: (width: Int, height: Int) { (Int(CNcurses_COLS()), Int(CNcurses_LINES())) }

    /// Restores the terminal. Safe to call more than once.
    public func end() {
        guard active else { return }
        active = false
        _ = curs_set(1)
        _ = endwin()
        ProcessSignals.setEmergencyRestore(nil)
        if let scr = screen { delscreen(scr) }
        screen = nil
    }

    /// The next key or resize, waiting at most `timeoutMs` (0 polls, -1 blocks).
    public func read(timeoutMs: Int) -> InputEvent? {
        CNcurses_timeout(Int32(timeoutMs))
        var ch: UInt32 = 0
        switch CNcurses_get_key(&ch) {
        case 0:
            if ch < 0x20 || ch == 0x7F { return .key(Key(controlByte: ch)) }
            guard let scalar = Unicode.Scalar(ch) else { return nil }
            return .key(.char(Character(scalar)))
        case 1:
            let code = Int32(ch)
            if code == CNcurses_KEY_RESIZE() {
                previous = nil
                return .resize(width: size.width, height: size.height)
            }
            return Self.functionKey(code).map(InputEvent.key)
        default:
            return nil
        }
    }

    private static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case CNcurses_KEY_UP(): return .up
        case CNcurses_KEY_DOWN(): return .down
        case CNcurses_KEY_LEFT(): return .left
        case CNcurses_KEY_RIGHT(): return .right
        case CNcurses_KEY_PPAGE(): return .pageUp
        case CNcurses_KEY_NPAGE(): return .pageDown
        case CNcurses_KEY_HOME(): return .home
        case CNcurses_KEY_END(): return .end
        case CNcurses_KEY_BTAB(): return .backTab
        case CNcurses_KEY_ENTER(): return .enter
        case CNcurses_KEY_BACKSPACE(), CNcurses_KEY_DC(): return .backspace
        default:
            for n in 1...12 where code == CNcurses_KEY_F(Int32(n)) { return .function(n) }
            return nil
        }
    }

    /// Forgets the last frame, so that the next `draw` repaints the whole screen from scratch.
    public func invalidate() {
        previous = nil
        _ = CNcurses_clearok_on()
    }

    /// Writes the cells of `buffer` that differ from the last frame, then refreshes.
    public func draw(_ buffer: ScreenBuffer) {
        guard active else { return }
        let changes = buffer.diff(from: previous)
        for c in changes {
            let style = styles[c.cell.role] ?? (0, CNcurses_A_NORMAL())
            var attrs = style.attributes
            if c.cell.attributes.contains(.bold) { attrs |= CNcurses_A_BOLD() }
            if c.cell.attributes.contains(.reverse) { attrs |= CNcurses_A_REVERSE() }
            if c.cell.attributes.contains(.underline) { attrs |= CNcurses_A_UNDERLINE() }
            if c.cell.attributes.contains(.dim) { attrs |= CNcurses_A_DIM() }
            let scalar = c.cell.character.unicodeScalars.first?.value ?? 0x20
            // The bottom-right cell cannot be written without scrolling on some terminals.
            _ = CNcurses_put_wchar(Int32(c.y), Int32(c.x), wchar_t(bitPattern: scalar), attrs, style.pair)
        }
        previous = buffer
        frames += 1
        cellsWritten += changes.count
        _ = CNcurses_refresh()
    }

    /// Colour pairs per role, or attributes alone on a monochrome terminal.
    private func setUpStyles() {
        let black: Int16 = 0, red: Int16 = 1, green: Int16 = 2, yellow: Int16 = 3, blue: Int16 = 4,
            magenta: Int16 = 5, cyan: Int16 = 6, white: Int16 = 7, none: Int16 = -1
        let bold = CNcurses_A_BOLD(), reverse = CNcurses_A_REVERSE(), underline = CNcurses_A_UNDERLINE(),
            dim = CNcurses_A_DIM(), normal = CNcurses_A_NORMAL()
        for role in ColorRole.allCases {
            let colour: (Int16, Int16, attr_t)
            let mono: attr_t
            switch role {
            case .normal: colour = (none, none, normal); mono = normal
            case .header: colour = (black, cyan, normal); mono = reverse
            case .footerKey: colour = (white, black, bold); mono = bold
            case .footerLabel: colour = (black, cyan, normal); mono = reverse
            case .selection: colour = (black, cyan, normal); mono = reverse
            case .selectionInactive: colour = (black, white, normal); mono = underline
            case .title: colour = (green, none, normal); mono = bold
            case .dim: colour = (blue, none, bold); mono = dim
            case .allow: colour = (green, none, normal); mono = normal
            case .deny: colour = (red, none, normal); mono = bold
            case .kill: colour = (magenta, none, normal); mono = bold
            case .log: colour = (yellow, none, normal); mono = normal
            case .suggested: colour = (cyan, none, normal); mono = dim
            case .refused: colour = (white, red, bold); mono = bold | underline
            case .bar: colour = (cyan, none, normal); mono = normal
            case .warning: colour = (red, none, bold); mono = bold
            case .message: colour = (yellow, none, normal); mono = bold
            case .dialog: colour = (white, blue, normal); mono = reverse
            case .programRed: colour = (red, none, normal); mono = normal
            case .programGreen: colour = (green, none, normal); mono = normal
            case .programYellow: colour = (yellow, none, normal); mono = normal
            case .programBlue: colour = (blue, none, normal); mono = normal
            case .programMagenta: colour = (magenta, none, normal); mono = normal
            case .programCyan: colour = (cyan, none, normal); mono = normal
            }
            if hasColors {
                let pair = Int16(role.rawValue + 1)
                _ = init_pair(pair, colour.0, colour.1)
                styles[role] = (pair, colour.2)
            } else {
                styles[role] = (0, mono)
            }
        }
    }
}

/// What a crash signal or a second quit signal runs before the process ends (`ProcessSignals`).
private func cursesEmergencyRestore() {
    _ = endwin()
}
