/// The right pane in output mode: what the traced program wrote to its terminal, in its colours,
/// the end of it by default, and how the program ended.
enum OutputView {
    /// The output's lines cut to `width` cells (long lines continue on the next row).
    static func rows(_ output: ProgramOutput, width: Int) -> [[OutputCell]] {
        var rows: [[OutputCell]] = []
        var lines = output.lines
        if lines.last?.isEmpty == true { lines.removeLast() }  // the line the cursor is on, still empty
        for line in lines {
            if line.isEmpty { rows.append([]); continue }
            var i = 0
            while i < line.count {
                rows.append(Array(line[i..<min(line.count, i + width)]))
                i += width
            }
        }
        return rows
    }

    static func draw(_ s: TUIState, into buf: inout ScreenBuffer, area: Rect) {
        let title = s.outputFocus
            ? " PROGRAM OUTPUT  keys go to the program, \(KeyBindings.leaveOutput.label) gives them back"
            : " PROGRAM OUTPUT  w hides, Tab gives the program the keys, PgUp/PgDn scroll"
        buf.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), role: s.outputFocus ? .selection : .title)
        buf.put(title, x: area.x, y: area.y, role: s.outputFocus ? .selection : .title, attributes: .bold,
                maxWidth: area.width)
        guard let output = s.output else { return }
        var all = rows(output, width: max(1, area.width - 1))
        if output.droppedLines > 0 {
            all.insert(Array("(\(output.droppedLines) earlier lines dropped)".map {
                OutputCell(character: $0, role: .dim, bold: false) }), at: 0)
        }
        if s.hasEnded {
            let role: ColorRole = s.status == .ended(.exited(0)) ? .dim : .warning
            all.append(Array("[\(s.status.description)]".map { OutputCell(character: $0, role: role, bold: true) }))
        } else if output.isEmpty {
            all.append(Array("(nothing written yet)".map { OutputCell(character: $0, role: .dim, bold: false) }))
        }
        let height = area.height - 1
        let scroll = min(s.outputScroll, max(0, all.count - height))
        let end = all.count - scroll
        let shown = all[max(0, end - height)..<end]
        for (i, row) in shown.enumerated() {
            var x = area.x + 1
            for cell in row {
                x += buf.put(String(cell.character), x: x, y: area.y + 1 + i, role: cell.role,
                             attributes: cell.bold ? .bold : [], maxWidth: area.maxX - x)
            }
        }
        if scroll > 0 {
            let more = "↓ \(scroll) more"
            buf.put(more, x: area.maxX - more.count - 1, y: area.y, role: .title)
        }
    }
}
