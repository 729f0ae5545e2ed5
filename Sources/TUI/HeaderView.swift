/// The two header rows: what is traced and its state; totals, rate, lost events, view settings.
enum HeaderView {
    static func draw(_ s: TUIState, into buf: inout ScreenBuffer) {
        buf.fill(Rect(x: 0, y: 0, width: s.width, height: 1), role: .header)
        var x = buf.put(" seccomp-tui ", x: 0, y: 0, role: .header, attributes: .bold)
        let pid = s.pid.map { "  pid \($0)" } ?? ""
        // The title (the command line) gives way first, with an ellipsis; the pid and the state stay.
        // The exposure score of the policy being built (`lint`, 0 tight to 10 open) stays at the right.
        // It gives way when it would leave the command line fewer than 12 cells.
        var exposure = s.lint.map { "exposure \($0.exposure)/10 " } ?? ""
        var room = max(0, s.width - x - 24 - pid.count - 2)
        if room - exposure.count >= min(s.title.count, 12) { room -= exposure.count } else { exposure = "" }
        let title = s.title.count > room ? Format.fit(s.title, room) : s.title
        x += buf.put("\(title)\(pid)  ", x: x, y: 0, role: .header)
        let statusRole: ColorRole
        switch s.status {
        case .running, .profile: statusRole = .header
        case .starting: statusRole = .header
        case .ended(.exited(0)), .ended(.detached): statusRole = .header
        case .ended: statusRole = .warning
        }
        x += buf.put("[\(s.status.description)]", x: x, y: 0, role: statusRole, attributes: .bold)
        if let unsaved = s.unsavedSummary {
            x += buf.put(" " + unsaved, x: x, y: 0, role: .header, attributes: .bold)
        }
        if !exposure.isEmpty, x + 1 + exposure.count <= s.width {
            buf.put(exposure, x: s.width - exposure.count, y: 0, role: .header, attributes: .bold)
        }

        var counts = ["calls \(Format.grouped(s.stats.total))", "\(Format.grouped(UInt64(max(0, s.rate.rounded()))))/s",
                      "syscalls \(s.stats.rows.count)"]
        let missing = [s.stats.lostEvents > 0 ? "lost \(Format.grouped(s.stats.lostEvents))" : nil,
                       s.stats.unknownArchitectureCalls > 0 ? "arch unknown \(Format.grouped(s.stats.unknownArchitectureCalls))" : nil]
            .compactMap { $0 }
        let lost = missing.isEmpty ? nil : missing.joined(separator: ", ") + " (incomplete)"
        var view = ["unseen: \(Choices.describe(s.decisions.defaultAction))", "sort: \(s.sort.rawValue)",
                    "show: \(s.decisionFilter.rawValue)\(s.groupFilter.map { " \($0)" } ?? "")"]
        if s.loadedPolicy != nil { view.append("policy loaded") }
        // Too long for the screen: "lost 0" and "show: all" (nothing to report) go, then the
        // separators shrink to one space.
        var separator = "  "
        func length() -> Int {
            let items = counts.count + (lost == nil ? 0 : 1) + view.count
            return 1 + (counts + [lost ?? ""] + view).map(\.count).reduce(0, +) + separator.count * (items - 1)
        }
        if lost == nil { counts.append("lost 0") }
        if length() > s.width {
            if lost == nil { counts.removeLast() }
            if s.decisionFilter == .all && s.groupFilter == nil { view.remove(at: 2) }
            if length() > s.width { separator = " " }
        }
        x = buf.put(" " + counts.joined(separator: separator), x: 0, y: 1)
        if let lost {
            x += buf.put(separator + lost, x: x, y: 1, role: .warning, attributes: .bold)
        }
        buf.put(separator + view.joined(separator: separator), x: x, y: 1, role: .dim)
    }
}
