/// The bottom row, htop style, drawn from the key table.
enum FooterView {
    static func draw(_ s: TUIState, into buf: inout ScreenBuffer) {
        let y = s.height - 1
        buf.fill(Rect(x: 0, y: y, width: s.width, height: 1), role: .footerLabel)
        var x = 0
        for item in items(for: s.pane, width: s.width, asking: !s.prompts.isEmpty) {
            x += buf.put(item.key, x: x, y: y, role: .footerKey, attributes: .bold)
            x += buf.put(item.label + " ", x: x, y: y, role: .footerLabel)
        }
    }

    /// The footer items that fit in `width` cells, in table order; when they do not all fit, the
    /// last one (quit) is kept and items before it are left out.
    static func items(for pane: Pane, width: Int, asking: Bool = false) -> [(key: String, label: String)] {
        let all = KeyBindings.footer(for: pane, asking: asking)
        func cells(_ item: (key: String, label: String)) -> Int { item.key.count + item.label.count + 1 }
        guard all.map(cells).reduce(0, +) > width, let last = all.last else { return all }
        var out: [(key: String, label: String)] = []
        var used = cells(last)
        for item in all.dropLast() {
            if used + cells(item) > width { break }
            out.append(item)
            used += cells(item)
        }
        return used <= width ? out + [last] : out
    }
}

/// The help screen, drawn from the key table.
enum HelpView {
    /// The help text for a screen `width` cells wide; long lines wrap under their help column.
    static func lines(width: Int = 200) -> [(text: String, role: ColorRole)] {
        var out: [(String, ColorRole)] = [("seccomp-tui keys (↑/↓ scroll, any other key closes)", .title)]
        for l in Format.wrap("Marks: ? suggested (allow, unconfirmed)  ✓ allow  ✗ deny  ☠ kill  L log  ! refused by --policy",
                             width - 2) {
            out.append((l, .dim))
        }
        let scopes: [(KeyScope, String)] = [(.global, "Everywhere"), (.list, "In the syscall list"),
                                             (.detail, "In the detail pane (histograms)"),
                                             (.prompt, "While a call waits for an answer (ask); a d e K answer always")]
        for (scope, title) in scopes {
            out.append((title, .title))
            for b in KeyBindings.all where b.scope == scope {
                let keys = b.keys.map(\.label).joined(separator: " ")
                for (i, l) in Format.wrap(b.help, max(10, width - 22)).enumerated() {
                    out.append(((i == 0 ? "  " + Format.fit(keys, 16) : String(repeating: " ", count: 18)) + " " + l, .normal))
                }
            }
        }
        return out
    }

    static func draw(_ s: TUIState, into buf: inout ScreenBuffer) {
        let all = lines(width: s.width)
        for (i, line) in all.dropFirst(s.helpScroll).prefix(s.height - 1).enumerated() {
            buf.put(line.text, x: 1, y: i, role: line.role, attributes: line.role == .title ? .bold : [],
                    maxWidth: s.width - 2)
        }
    }
}
