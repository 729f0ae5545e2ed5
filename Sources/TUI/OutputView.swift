/// The right pane in output mode: the program's terminal screen (`TerminalScreen`, sized to
/// this pane less its title row and left margin), under the main screen's scroll-back, and how
/// the program ended.
enum OutputView {
    /// One row of the pane: a screen row, or a line of the pane's own in one role.
    enum Row: Hashable {
        case screen([TerminalCell])
        case note(String, ColorRole)
    }

    /// The rows to show, oldest first: on the main screen the scroll-back and the rows in use; on
    /// the alternate screen (a full-screen program) all its rows, as the program laid them out.
    static func rows(_ output: ProgramOutput) -> [Row] {
        let screen = output.screen
        var rows: [Row] = []
        if screen.isAlternate {
            rows = screen.rows.map(Row.screen)
        } else {
            if output.droppedLines > 0 { rows.append(.note("(\(output.droppedLines) earlier lines dropped)", .dim)) }
            rows += (0..<screen.scrollback.count).map { .screen(screen.scrollback[$0]) }
            rows += screen.rows.prefix(screen.usedRows).map(Row.screen)
        }
        return rows
    }

    /// All the pane's rows for a state: the output's, then how the program ended.
    static func rows(_ s: TUIState, _ output: ProgramOutput) -> [Row] {
        var all = rows(output)
        if s.hasEnded {
            let role: ColorRole = s.status == .ended(.exited(0)) ? .dim : .warning
            all.append(.note("[\(s.status.description)]", role))
        } else if output.isEmpty {
            all.append(.note("(nothing written yet)", .dim))
        }
        return all
    }

    /// How far PgUp can scroll the pane up: its first row at the top.
    static func maxScroll(_ s: TUIState) -> Int {
        guard let output = s.output else { return 0 }
        return max(0, rows(s, output).count - (s.detailHeight - 1))
    }

    /// How a cell the program styled is shown: the 16 colours as the pane's roles (bright
    /// colours bold, bright black dim); a background shown as reverse video in its colour, as
    /// the cell buffer has no background of its own.
    static func look(_ style: TerminalStyle) -> (role: ColorRole, attributes: CellAttributes) {
        let roles: [ColorRole] = [.normal, .programRed, .programGreen, .programYellow, .programBlue,
                                  .programMagenta, .programCyan, .normal]
        var attributes: CellAttributes = []
        if style.flags.contains(.bold) { attributes.insert(.bold) }
        if style.flags.contains(.dim) { attributes.insert(.dim) }
        if style.flags.contains(.underline) { attributes.insert(.underline) }
        var reverse = style.flags.contains(.reverse)
        var colour = Int(style.foreground) - 1
        // A background other than black: reverse video in that colour (white: in the normal one).
        if style.background > 1 && style.background != 9 {
            colour = Int(style.background) - 1
            reverse.toggle()
        }
        if reverse { attributes.insert(.reverse) }
        guard colour >= 0 else { return (.normal, attributes) }
        if colour == 8 && !reverse { return (.dim, attributes) }
        if colour >= 8 { attributes.insert(.bold) }
        return (roles[colour % 8], attributes)
    }

    static func draw(_ s: TUIState, into buf: inout ScreenBuffer, area: Rect) {
        let title = s.outputFocus
            ? " PROGRAM OUTPUT  keys go to the program, \(KeyBindings.leaveOutput.label) gives them back"
            : " PROGRAM OUTPUT  w hides, Tab gives the program the keys, PgUp/PgDn scroll"
        buf.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), role: s.outputFocus ? .selection : .title)
        buf.put(title, x: area.x, y: area.y, role: s.outputFocus ? .selection : .title, attributes: .bold,
                maxWidth: area.width)
        guard let output = s.output else { return }
        let all = rows(s, output)
        let height = area.height - 1
        let scroll = min(s.outputScroll, max(0, all.count - height))
        let end = all.count - scroll
        let first = max(0, end - height)
        let screen = output.screen
        for (i, row) in all[first..<end].enumerated() {
            let y = area.y + 1 + i
            switch row {
            case .note(let text, let role):
                buf.put(text, x: area.x + 1, y: y, role: role, attributes: .bold, maxWidth: area.width - 1)
            case .screen(let cells):
                for (x, cell) in cells.prefix(area.width - 1).enumerated() {
                    let (role, attributes) = look(cell.style)
                    let shown: Character = cell.style.flags.contains(.invisible) ? " " : Character(cell.scalar)
                    buf.put(String(shown), x: area.x + 1 + x, y: y, role: role, attributes: attributes)
                }
            }
        }
        // The program's cursor, while it has the keys and the pane shows its screen's end.
        if s.outputFocus && scroll == 0 && screen.cursorVisible && !output.isEmpty && !s.hasEnded {
            let y = area.y + 1 + (end - first) - (screen.isAlternate ? screen.height : screen.usedRows) + screen.cursor.y
            let x = area.x + 1 + screen.cursor.x
            if y > area.y && y < area.maxY && x < area.maxX {
                var cell = buf[x, y]
                cell.attributes.formSymmetricDifference(.reverse)
                buf[x, y] = cell
            }
        }
        if scroll > 0 {
            let more = "↓ \(scroll) more"
            buf.put(more, x: area.maxX - more.count - 1, y: area.y, role: .title)
        }
    }
}
