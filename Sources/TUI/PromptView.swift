import PolicyModel

/// The message line above the footer, text prompts, and the picker dialogs.
enum PromptView {
    static func drawMessageLine(_ s: TUIState, into buf: inout ScreenBuffer) {
        let y = s.height - 2
        switch s.prompt {
        case .search(let text)?:
            let x = buf.put(" Search: ", x: 0, y: y, role: .message, attributes: .bold)
            buf.put(text + "_", x: x, y: y, role: .message)
            buf.put("Enter select  Esc cancel", x: max(x + text.count + 3, s.width - 26), y: y, role: .dim)
        case .savePath(let text)?:
            let x = buf.put(" Save policy to: ", x: 0, y: y, role: .message, attributes: .bold)
            buf.put(text + "_", x: x, y: y, role: .message)
            buf.put("Enter next  Esc cancel", x: max(x + text.count + 3, s.width - 24), y: y, role: .dim)
        case .confirmQuit?:
            buf.put(" Unsaved changes. y quit without saving  s save and quit  n stay  (^C again quits)", x: 0, y: y, role: .warning, attributes: .bold)
        default:
            if let m = s.message {
                buf.put(" " + m, x: 0, y: y, role: s.messageIsError ? .warning : .message,
                        attributes: s.messageIsError ? .bold : [])
            } else if let value = DetailView.cursorValue(s) {
                // In full: a value longer than the line wraps upwards over the panes.
                let lines = Format.wrap(value, max(10, s.width - 2))
                for (i, l) in lines.enumerated() where y - (lines.count - 1) + i >= 2 {
                    let row = y - (lines.count - 1) + i
                    buf.fill(Rect(x: 0, y: row, width: s.width, height: 1), role: .message)
                    buf.put(" " + l, x: 0, y: row, role: .message)
                }
            }
        }
    }

    /// A picker: title, options, the selected one highlighted, a hint.
    static func drawDialog(_ s: TUIState, into buf: inout ScreenBuffer) {
        let title: String
        let options: [String]
        let selected: Int
        let hint: String
        switch s.prompt {
        case .saveFormat(let path, let sel)?:
            title = "Save \(path) as"
            options = PolicyFormat.allCases.map { "\($0.shortcut)  \($0.title)\($0 == PolicyFormat(path: path) ? "  (by extension)" : "")" }
            selected = sel
            hint = "Enter save  Esc cancel"
        case .errno(let sel)?:
            title = "Deny \(s.selectedRow?.name ?? "") with errno"
            options = Choices.errnos.map { "\($0.name) (\($0.value))" }
            selected = sel
            hint = "Enter choose  Esc cancel"
        case .groupFilter(let sel)?:
            title = "Show the group"
            options = ["(every group)"] + seenGroups(s)
            selected = sel
            hint = "Enter show  Esc cancel"
        case .groupDecision(let sel)?:
            title = "Decide for every seen call of"
            options = seenGroups(s).map { g in
                let n = Set(s.stats.rows.map(\.name)).intersection(SyscallGroups.members(of: g) ?? []).count
                return "\(g) (\(n) seen)"
            }
            selected = sel
            hint = "Enter/a allow  d deny  K kill  l log  u suggested"
        case .defaultAction(let sel)?:
            title = "Action for syscalls never seen"
            options = Choices.defaultActions.map(Choices.describe)
            selected = sel
            hint = "Enter choose  Esc cancel"
        default:
            return
        }
        let innerW = min(s.width - 4, max(title.count, hint.count, options.map(\.count).max() ?? 0) + 4)
        let visible = min(options.count, max(1, s.height - 9))
        let h = visible + 4
        let x0 = (s.width - innerW - 2) / 2
        let y0 = max(2, (s.height - h) / 2)
        buf.fill(Rect(x: x0, y: y0, width: innerW + 2, height: h), role: .dialog)
        buf.put("┌" + String(repeating: "─", count: innerW) + "┐", x: x0, y: y0, role: .dialog)
        buf.put(" \(title) ", x: x0 + 2, y: y0, role: .dialog, attributes: .bold, maxWidth: innerW - 2)
        for y in (y0 + 1)..<(y0 + h - 1) {
            buf.put("│", x: x0, y: y, role: .dialog)
            buf.put("│", x: x0 + innerW + 1, y: y, role: .dialog)
        }
        buf.put("└" + String(repeating: "─", count: innerW) + "┘", x: x0, y: y0 + h - 1, role: .dialog)
        let scroll = max(0, selected - visible + 1)
        for (i, option) in options.dropFirst(scroll).prefix(visible).enumerated() {
            let isSel = scroll + i == selected
            buf.put((isSel ? " > " : "   ") + Format.fit(option, innerW - 4), x: x0 + 1, y: y0 + 1 + i,
                    role: isSel ? .selection : .dialog)
        }
        buf.put(" " + hint, x: x0 + 1, y: y0 + h - 2, role: .dialog, attributes: .dim, maxWidth: innerW)
    }
}
