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

    static func draw(_ s: TUIState, into buf: inout ScreenBuffer, area: Rect) {
        let w = area.width
        let nameW = min(22, max(10, w - 30))
        let countW = 9
        let barW = max(4, min(16, w - nameW - countW - 12))
        let groupW = max(0, w - 2 - nameW - 1 - countW - 1 - barW - 1)
        let title = "  " + Format.fit("SYSCALL", nameW) + " " + Format.right("COUNT", countW) + " "
            + Format.fit("", barW) + " " + Format.fit("GROUP", groupW)
        buf.fill(Rect(x: area.x, y: area.y, width: w, height: 1), role: .title)
        buf.put(title, x: area.x, y: area.y, role: .title, attributes: .bold, maxWidth: w)

        let rows = s.visibleRows
        let maxCount = rows.map(\.count).max() ?? 0
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
            let group = ListView.group(of: row.name)
            var x = area.x
            x += buf.put(String(verdict.mark), x: x, y: y, role: verdict.role, attributes: .bold)
            x += buf.put(refused ? "!" : " ", x: x, y: y, role: refused ? .refused : .normal, attributes: .bold)
            x += buf.put(Format.fit(name, nameW) + " ", x: x, y: y, role: refused ? .refused : .normal)
            x += buf.put(Format.right(Format.grouped(row.count), countW) + " ", x: x, y: y)
            x += buf.put(Format.fit(Format.bar(row.count, of: maxCount, width: barW), barW) + " ", x: x, y: y,
                         role: .bar)
            buf.put(Format.fit(group, groupW), x: x, y: y, role: .dim)
            if index == selectedIndex {
                let role: ColorRole = s.pane == .list ? .selection : .selectionInactive
                buf.paint(Rect(x: area.x + 2, y: y, width: w - 2, height: 1), role: role)
            }
        }
        if rows.count > height {
            let more = "\(s.listScroll + 1)-\(min(rows.count, s.listScroll + height))/\(rows.count)"
            buf.put(more, x: area.maxX - more.count - 1, y: area.y, role: .title)
        }
    }
}
