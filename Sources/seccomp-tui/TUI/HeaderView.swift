/// The two header rows: what is traced and its state; totals, rate, lost events, view settings.
enum HeaderView {
    static func draw(_ s: TUIState, into buf: inout ScreenBuffer) {
        buf.fill(Rect(x: 0, y: 0, width: s.width, height: 1), role: .header)
        var x = buf.put(" seccomp-tui ", x: 0, y: 0, role: .header, attributes: .bold)
        let pid = s.pid.map { "  pid \($0)" } ?? ""
        x += buf.put("\(s.title)\(pid)  ", x: x, y: 0, role: .header, maxWidth: max(0, s.width - x - 24))
        let statusRole: ColorRole
        switch s.status {
        case .running, .profile: statusRole = .header
        case .starting: statusRole = .header
        case .ended(.exited(0)), .ended(.detached): statusRole = .header
        case .ended: statusRole = .warning
        }
        x += buf.put("[\(s.status.description)]", x: x, y: 0, role: statusRole, attributes: .bold)
        if s.hasUnsavedChanges {
            buf.put(" modified", x: x, y: 0, role: .header)
        }

        let policy = s.loadedPolicy != nil ? "  policy loaded" : ""
        let group = s.groupFilter.map { " \($0)" } ?? ""
        var line = " calls \(Format.grouped(s.stats.total))  \(Format.grouped(UInt64(max(0, s.rate.rounded()))))/s"
        line += "  syscalls \(s.stats.rows.count)"
        x = buf.put(line, x: 0, y: 1)
        if s.stats.lostEvents > 0 {
            x += buf.put("  lost \(Format.grouped(s.stats.lostEvents)) (incomplete)", x: x, y: 1, role: .warning,
                         attributes: .bold)
        } else {
            x += buf.put("  lost 0", x: x, y: 1)
        }
        let tail = "  unseen: \(Choices.describe(s.decisions.defaultAction))  sort: \(s.sort.rawValue)"
            + "  show: \(s.decisionFilter.rawValue)\(group)\(policy)"
        buf.put(tail, x: x, y: 1, role: .dim)
    }
}
