/// Draws the whole screen for a state: the composition of the views. Pure: state in, cells out.
enum Screen {
    static func render(_ s: TUIState) -> ScreenBuffer {
        var buf = ScreenBuffer(width: s.width, height: s.height)
        guard s.width >= 20, s.height >= 8 else {
            buf.put("window too small", x: 0, y: 0, role: .warning)
            return buf
        }
        if s.showHelp {
            HelpView.draw(s, into: &buf)
            FooterView.draw(s, into: &buf)
            return buf
        }
        HeaderView.draw(s, into: &buf)
        let band = AskView.height(s)
        if band > 0 { AskView.draw(s, into: &buf, y: 2) }
        let top = 2 + band
        let left = s.leftWidth
        ListView.draw(s, into: &buf, area: Rect(x: 0, y: top, width: left, height: s.height - 2 - top))
        for y in top..<(s.height - 2) { buf.put("│", x: left, y: y, role: .dim) }
        let right = Rect(x: left + 1, y: top, width: s.width - left - 1, height: s.height - 2 - top)
        if s.showOutput {
            OutputView.draw(s, into: &buf, area: right)
        } else if s.showPolicy {
            PolicyView.draw(s, into: &buf, area: right)
        } else if s.showRefused {
            RefusedView.draw(s, into: &buf, area: right)
        } else {
            DetailView.draw(s, into: &buf, area: right)
        }
        PromptView.drawMessageLine(s, into: &buf)
        PromptView.drawDialog(s, into: &buf)
        FooterView.draw(s, into: &buf)
        return buf
    }
}

/// Number formatting shared by the views.
enum Format {
    /// `1234567` → `1,234,567`.
    static func grouped(_ n: UInt64) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    /// A bar of `width` cells for `value` out of `max`, with eighth-cell resolution.
    static func bar(_ value: UInt64, of maxValue: UInt64, width: Int) -> String {
        guard maxValue > 0, width > 0 else { return "" }
        let eighths = Int((Double(value) / Double(maxValue) * Double(width * 8)).rounded(.up))
        let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var s = String(repeating: "█", count: min(width, eighths / 8))
        if eighths / 8 < width, eighths % 8 > 0 { s.append(partials[eighths % 8 - 1]) }
        return s
    }

    /// `text` right-aligned in `width` cells.
    static func right(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    /// `text` padded or cut to exactly `width` cells (cut text ends with `…`).
    static func fit(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        if text.count <= width { return text + String(repeating: " ", count: width - text.count) }
        return String(text.prefix(width - 1)) + "…"
    }

    /// Splits `text` into lines of at most `width` cells, at spaces where possible.
    static func wrap(_ text: String, _ width: Int) -> [String] {
        guard width > 4 else { return [text] }
        var lines: [String] = []
        var rest = Substring(text)
        while rest.count > width {
            let head = rest.prefix(width)
            let cut = head.lastIndex(of: " ").map { head.distance(from: head.startIndex, to: $0) } ?? width
            let n = cut > width / 3 ? cut : width
            lines.append(String(rest.prefix(n)))
            rest = rest.dropFirst(n).drop { $0 == " " }
        }
        lines.append(String(rest))
        return lines
    }
}
