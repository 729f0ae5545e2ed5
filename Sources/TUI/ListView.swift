import PolicyModel

/// The syscall list: decision mark, name, count, bar, group.
enum ListView {
    /// Broad groups (`@default`, `@system-service`) say little in a narrow column.
    static let broadGroups: Set<String> = ["@default", "@system-service", "@known"]

    /// The most telling group of a syscall for the list's column.
    static func group(of name: String) -> String {
        let groups = SyscallGroups.groups(of: name)
        return groups.first { !broadGroups.contains($0) } ?? groups.first ?? ""
    }

    /// Widths of the list's columns; 0 means the column is left out.
    struct Columns: Equatable {
        var name: Int, count: Int, bar: Int, group: Int
    }

    /// The group column is shown only when it is at least this wide: most group names fit, and a
    /// cut `@fi…` tells nothing the detail pane does not show in full.
    static let minGroupWidth = 12

    /// Shares `width` cells (after the two mark cells, before a blank last one) between the columns, in order of use: a
    /// name that fits most syscalls, the group when it fits (15 cells fit every group name), then
    /// the bar, longer names, and whatever is left to the group. Counts are as wide as the
    /// largest one (at least 7 cells).
    static func columns(width w: Int, maxCount: UInt64) -> Columns {
        let countW = max(7, Format.grouped(maxCount).count)
        var rest = w - 2 - countW - 1 - 1  // the last cell stays blank, before the pane divider
        var c = Columns(name: max(1, min(10, rest)), count: countW, bar: 0, group: 0)
        rest -= c.name
        func grow(_ column: inout Int, to limit: Int) {
            let d = max(0, min(limit - column, rest))
            column += d
            rest -= d
        }
        if rest >= 5 { c.bar = 4; rest -= 5 }
        grow(&c.name, to: 18)
        if rest >= minGroupWidth + 1 { c.group = minGroupWidth; rest -= minGroupWidth + 1 }
        if c.group > 0 { grow(&c.group, to: 15) }
        if c.bar > 0 { grow(&c.bar, to: 16) }
        grow(&c.name, to: 22)
        if c.group > 0 { grow(&c.group, to: Int.max) }
        return c
    }

    static func draw(_ s: TUIState, into buf: inout ScreenBuffer, area: Rect) {
        let w = area.width
        let rows = s.visibleRows
        let maxCount = rows.map(\.count).max() ?? 0
        let cols = columns(width: w, maxCount: maxCount)
        let (nameW, countW, barW, groupW) = (cols.name, cols.count, cols.bar, cols.group)
        var title = "  " + Format.fit("SYSCALL", nameW) + " " + Format.right("COUNT", countW)
        if barW > 0 { title += " " + Format.fit("", barW) }
        if groupW > 0 { title += " " + Format.fit("GROUP", groupW) }
        buf.fill(Rect(x: area.x, y: area.y, width: w, height: 1), role: .title)
        buf.put(title, x: area.x, y: area.y, role: .title, attributes: .bold, maxWidth: w)

        let height = area.height - 1
        if rows.isEmpty {
            let text = s.stats.rows.isEmpty ? "waiting for syscalls…" : "no syscall matches the filter"
            buf.put("  " + text, x: area.x, y: area.y + 1, role: .dim, maxWidth: w)
            return
        }
        let selectedIndex = s.selectedIndex
        for (i, row) in rows.dropFirst(s.listScroll).prefix(height).enumerated() {
            let y = area.y + 1 + i
            let index = s.listScroll + i
            let verdict = s.decisions.decision(for: row.name).verdict
            let refused = s.isRefused(row)
            let name = row.arch == .host ? row.name : "\(row.name)/\(row.arch.rawValue)"
            let group = row.count == 0 && row.implicitReason != nil ? "implicit" : ListView.group(of: row.name)
            var x = area.x
            // An unseen call without a rule is not "suggested allow": it gets the default action.
            let mark = row.isUnseen && verdict == .suggested ? "·" : String(verdict.mark)
            x += buf.put(mark, x: x, y: y, role: verdict.role, attributes: .bold)
            // `!` the loaded policy refuses calls seen here; `▲` lint warns about this row's decision.
            let warned = !refused && !s.lintWarnings(for: row.name).isEmpty
            x += buf.put(refused ? "!" : (warned ? "▲" : " "), x: x, y: y,
                         role: refused ? .refused : (warned ? .warning : .normal), attributes: .bold)
            x += buf.put(Format.fit(name, nameW) + " ", x: x, y: y, role: refused ? .refused : (row.isUnseen ? .dim : .normal))
            // Never called while traced: what the row is there for, over the count and bar, and
            // over the group too when that is what it takes to say it whole.
            let unseenText = verdict == .suggested ? "unseen" : "unseen, explicit rule"
            let countBar = countW + (barW > 0 ? 1 + barW : 0)
            let overGroup = row.isUnseen && groupW > 0 && unseenText.count > countBar
            if row.isUnseen {
                let span = overGroup ? countBar + 1 + groupW : countBar
                x += buf.put(Format.fit(unseenText, span), x: x, y: y, role: .dim, attributes: .bold)
            } else {
                x += buf.put(Format.right(Format.grouped(row.count), countW), x: x, y: y)
            }
            if barW > 0 && !row.isUnseen {
                x += buf.put(" " + Format.fit(Format.bar(row.count, of: maxCount, width: barW), barW), x: x, y: y,
                             role: .bar)
            }
            if groupW > 0 && !overGroup { buf.put(" " + Format.fit(group, groupW), x: x, y: y, role: .dim) }
            if index == selectedIndex {
                let role: ColorRole = s.pane == .list ? .selection : .selectionInactive
                buf.paint(Rect(x: area.x + 2, y: y, width: w - 2, height: 1), role: role)
            }
        }
        // The position (`1-19/49`) goes at the right of the title row, where it does not cover
        // the column titles; on a list too narrow for both it is left out.
        let titlesEnd = area.x + 2 + nameW + 1 + countW + (groupW > 0 ? 1 + barW + 1 + 5 : 0)
        let more = "\(s.listScroll + 1)-\(min(rows.count, s.listScroll + height))/\(rows.count)"
        if rows.count > height, area.maxX - more.count - 1 > titlesEnd {
            buf.put(more, x: area.maxX - more.count - 1, y: area.y, role: .title)
        }
    }
}
