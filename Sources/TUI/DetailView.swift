import PolicyModel

/// The right pane: the selected syscall's number, group, signature, rules, errors, and one
/// histogram per argument with decoded values.
enum DetailView {
    /// One line of the pane; `valueIndex` marks a selectable histogram value.
    struct Line {
        var segments: [(text: String, role: ColorRole, attributes: CellAttributes)]
        var valueIndex: Int?

        init(_ text: String, _ role: ColorRole = .normal, _ attributes: CellAttributes = [], value: Int? = nil) {
            segments = [(text, role, attributes)]
            valueIndex = value
        }
    }

    /// Path samples shown per argument (the profile keeps more).
    static let pathSampleLines = 5

    static func lines(_ s: TUIState, width: Int) -> [Line] {
        guard let row = s.selectedRow else { return [Line(" no syscall selected", .dim)] }
        let def = SyscallTable.shared.definition(named: row.name)
        let decision = s.decisions.decision(for: row.name)
        var out: [Line] = []
        let groups = SyscallGroups.groups(of: row.name)
        for l in Format.wrap("\(row.name)  #\(row.nr) \(row.arch.rawValue)  \(groups.joined(separator: " "))", width - 2) {
            out.append(Line(" " + l, .title, .bold))
        }
        for l in Format.wrap(def?.signature ?? "\(row.name)(…): not in the syscall table", width - 2) {
            out.append(Line(" " + l, .dim))
        }
        let confirmed = decision.verdict != .suggested ? decision.verdict.label
            : (row.isUnseen ? "none (unseen)" : "suggested: allow, not confirmed")
        for l in Format.wrap("decision: \(confirmed)", width - 2) {
            out.append(Line(" " + l, decision.verdict.role, .bold))
        }
        let rules = PolicyBuilder.rules(for: row.name, decision: decision)
        if row.isUnseen && decision.verdict == .suggested {
            let text = "unseen: not called while traced; without a rule it gets the action for syscalls never "
                + "seen (\(Choices.describe(s.decisions.defaultAction))). a d e K l give it an explicit rule."
            for l in Format.wrap(text, width - 2) { out.append(Line(" " + l, .dim)) }
        } else {
            if row.isUnseen {
                out.append(Line(" unseen, explicit rule: not called while traced", .dim, .bold))
            }
            for (i, l) in Format.wrap(RuleText.line(for: row.name, rules: rules), width - 8).enumerated() {
                out.append(Line((i == 0 ? " rule: " : "       ") + l))
            }
        }
        if let implicit = PolicyMaker.implicitSyscall(named: row.name) {
            let refused = !decision.verdict.action.letsCallRun
            let text = refused ? "implicit, denied: \(implicit.consequence)"
                : "implicit: allowed seen or not: \(implicit.reason)"
            for l in Format.wrap(text, width - 2) { out.append(Line(" " + l, refused ? .refused : .dim, refused ? .bold : [])) }
        }
        if let (impact, _) = s.impact(of: row) {
            for l in Format.wrap("! \(impact.sentence) (R lists them)", width - 2) {
                out.append(Line(" " + l, .refused, .bold))
            }
        }
        if let p = s.loadedPolicy {
            let loaded = p.rules(for: row.name)
            let text = loaded.isEmpty ? "\(row.name): default (\(Choices.describe(p.defaultAction)))"
                : RuleText.line(for: row.name, rules: loaded)
            for (i, l) in Format.wrap(text, width - 10).enumerated() {
                out.append(Line((i == 0 ? " policy: " : "         ") + l, .dim))
            }
            if s.isRefused(row) {
                out.append(Line(" ! the loaded policy refuses calls seen here", .refused, .bold))
            }
        }
        for w in s.lintWarnings(for: row.name) {
            for (i, l) in Format.wrap("\(w.check.name): \(w.detail)", width - 4).enumerated() {
                out.append(Line((i == 0 ? " ▲ " : "   ") + l, .warning, i == 0 ? .bold : []))
            }
            for l in Format.wrap("fix: " + w.check.fix.replacingOccurrences(of: "NAME", with: row.name), width - 4) {
                out.append(Line("   " + l, .dim))
            }
        }
        if !row.errors.isEmpty {
            let errs = row.errors.sorted { $0.value > $1.value }.prefix(6)
                .map { "\(Choices.errnoName(UInt16(clamping: $0.key))) ×\(Format.grouped($0.value))" }
            out.append(Line(" errors: " + errs.joined(separator: ", "), .warning))
        }

        let refs = s.detailValues
        let cursor = refs.indices.contains(s.detailCursor) ? refs[s.detailCursor] : nil
        for (i, hist) in row.arguments.enumerated() {
            let arg = def.flatMap { i < $0.arguments.count ? $0.arguments[i] : nil }
            let name = arg.map { "arg\(i) \($0.name) (\($0.cType.replacingOccurrences(of: " __user", with: "")))" }
                ?? "arg\(i)"
            out.append(Line(""))
            if let a = arg, a.isPath {
                out.append(Line(" \(name)", .title, .bold))
                out.append(Line("   path: not enforceable by seccomp", .warning))
                let samples = row.pathSamples[i] ?? []
                let shown = s.expandPaths ? samples.count : pathSampleLines
                for p in samples.prefix(shown) {
                    // Whole paths: a long one wraps rather than ends in "…".
                    for (j, l) in Format.wrap(p, max(8, width - 5)).enumerated() { out.append(Line((j == 0 ? "   " : "     ") + l)) }
                }
                if samples.count > shown {
                    out.append(Line("   … \(samples.count - shown) more (+ shows them)", .dim))
                } else if s.expandPaths && samples.count > pathSampleLines {
                    out.append(Line("   (+ shows five)", .dim))
                }
                if samples.isEmpty {
                    for l in Format.wrap("(no samples: --backend ptrace reads paths)", width - 4) { out.append(Line("   " + l, .dim)) }
                }
                continue
            }
            if let a = arg, a.isPointer {
                out.append(Line(" \(name)", .title, .bold))
                out.append(Line("   pointer: \(hist.sorted.count)\(hist.other > 0 ? "+" : "") distinct addresses, not shown",
                                .dim))
                continue
            }
            out.append(Line(" \(name)", .title, .bold))
            if let r = decision.argRules[i] {
                let text = RuleText.conditions(on: i, of: row.name, rules: rules)
                out.append(Line("   rule: " + (text.isEmpty ? "\(r)" : text), .allow))
            }
            let sorted = hist.sorted
            let maxCount = max(sorted.first?.count ?? 0, hist.other)
            let labelW = max(8, min(28, width - 24))
            for (value, count) in sorted {
                let ref = ValueRef(argument: i, value: value)
                let index = refs.firstIndex(of: ref)
                let inRule = condition(decision.argRules[i], admits: value)
                let pointer = ref == cursor ? ">" : " "
                let mark = s.selectedValues.contains(ref) ? "●" : (inRule ? "✓" : " ")
                let label = RuleText.value(value, syscall: row.name, argument: i)
                let text = "  \(pointer)\(mark) " + Format.fit(label, labelW) + " "
                    + Format.right(Format.grouped(count), 9) + " "
                    + Format.bar(count, of: maxCount, width: max(2, width - labelW - 17))
                out.append(Line(text, inRule ? .allow : .normal, value: index))
            }
            if hist.other > 0 {
                out.append(Line("     " + Format.fit("other", labelW) + " " + Format.right(Format.grouped(hist.other), 9),
                                .dim))
            }
        }
        return out
    }

    /// The value under the cursor in full, for the status line: the argument, the decoded value
    /// (never cut), the raw number in hex and decimal, and how often it was seen.
    static func cursorValue(_ s: TUIState) -> String? {
        let refs = s.detailValues
        guard s.pane == .detail, !s.showPolicy, refs.indices.contains(s.detailCursor), let row = s.selectedRow else {
            return nil
        }
        let ref = refs[s.detailCursor]
        let arg = SyscallTable.shared.definition(named: row.name)
            .flatMap { ref.argument < $0.arguments.count ? $0.arguments[ref.argument].name : nil }
        let count = row.arguments[ref.argument].sorted.first { $0.value == ref.value }?.count ?? 0
        let label = RuleText.value(ref.value, syscall: row.name, argument: ref.argument)
        return "arg\(ref.argument)\(arg.map { " " + $0 } ?? ""): \(label)  (0x\(String(ref.value, radix: 16)) = \(ref.value))"
            + "  ×\(Format.grouped(count))"
    }

    /// Whether an argument rule lets `value` through.
    static func condition(_ rule: ArgRule?, admits value: UInt64) -> Bool {
        switch rule {
        case .values(let vs)?: return vs.contains(value)
        case .maskZero(let m)?: return value & m == 0
        case nil: return false
        }
    }

    static func draw(_ s: TUIState, into buf: inout ScreenBuffer, area: Rect) {
        let all = lines(s, width: area.width)
        // Scrolled (the reducer keeps the value cursor on screen) only while the pane has focus:
        // from the list, the pane shows the syscall's name, signature and rule first.
        let scroll = s.pane == .detail ? min(s.detailScroll, max(0, all.count - 1)) : 0
        for (i, line) in all.dropFirst(scroll).prefix(area.height).enumerated() {
            let y = area.y + i
            var x = area.x
            for seg in line.segments {
                x += buf.put(seg.text, x: x, y: y, role: seg.role, attributes: seg.attributes, maxWidth: area.maxX - x)
            }
            if let v = line.valueIndex, v == s.detailCursor, s.pane == .detail {
                buf.paint(Rect(x: area.x, y: y, width: area.width, height: 1), role: .selection)
            }
        }
    }
}

/// The right pane with `R`: the calls seen that the selected syscall's rule refuses, most
/// frequent first, decoded.
enum RefusedView {
    static func draw(_ s: TUIState, into buf: inout ScreenBuffer, area: Rect) {
        guard let row = s.selectedRow else { return }
        var lines: [(String, ColorRole)] = []
        if let (impact, calls) = s.impact(of: row) {
            lines.append((" \(row.name): \(impact.sentence)", .refused))
            for f in calls {
                let call = f.arguments.map {
                    RefusedCalls.describe(SyscallEvent(pid: 0, tid: 0, arch: f.arch, nr: row.nr, args: $0))
                } ?? "\(row.name)(any arguments)"
                lines.append(("  ×\(Format.grouped(f.count)) \(call) — \(f.action)", .normal))
            }
        } else {
            lines.append((" \(row.name): its rule refuses none of the calls seen", .dim))
        }
        buf.put(" REFUSED CALLS (R: back)", x: area.x, y: area.y, role: .title, attributes: .bold, maxWidth: area.width)
        let wrapped = lines.flatMap { l in
            Format.wrap(l.0, area.width - 5).enumerated().map { ($0.offset == 0 ? $0.element : "    " + $0.element, l.1) }
        }
        for (i, l) in wrapped.dropFirst(s.detailScroll).prefix(area.height - 1).enumerated() {
            buf.put(l.0, x: area.x, y: area.y + 1 + i, role: l.1, maxWidth: area.width)
        }
    }
}

/// The right pane in policy mode: the whole policy text, live.
enum PolicyView {
    static func draw(_ s: TUIState, into buf: inout ScreenBuffer, area: Rect) {
        buf.put(" POLICY (live, text form)", x: area.x, y: area.y, role: .title, attributes: .bold, maxWidth: area.width)
        let selected = s.selectedRow?.name
        let lines = RuleText.lines(for: s.policy)
        for (i, l) in lines.dropFirst(s.detailScroll).prefix(area.height - 1).enumerated() {
            let isSelected = selected.map { l.hasPrefix($0 + ":") } ?? false
            buf.put(" " + l, x: area.x, y: area.y + 1 + i, role: isSelected ? .selectionInactive : .normal,
                    maxWidth: area.width)
        }
    }
}
