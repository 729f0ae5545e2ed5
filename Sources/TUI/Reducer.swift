import Glibc
import PolicyModel
import TraceCapture

/// The one place the TUI's state changes: a pure function of the state and an action.
/// Nothing here touches the terminal or a file; saving is asked for through `state.effects`.
/// The lint of the policy being built follows every change.
func reduce(_ old: TUIState, _ action: TUIAction) -> TUIState {
    var s = apply(old, action)
    s.refreshLint()
    // Ask mode: the confirmed decisions are the rules the supervisor answers by.
    if s.asking && s.decisions != old.decisions && !s.effects.contains(where: { if case .askRules = $0 { true } else { false } }) {
        s.effects.append(.askRules(s.confirmedRules))
    }
    return s
}

private func apply(_ old: TUIState, _ action: TUIAction) -> TUIState {
    var s = old
    s.effects = []
    switch action {
    case .key(let key):
        if s.showHelp { return helpKey(s, key) }
        if let p = s.prompt { return promptKey(s, p, key) }
        if s.showOutput && s.outputFocus { return outputKey(s, key) }
        s.message = nil
        s.messageIsError = false
        guard let bound = KeyBindings.action(for: key, in: s.pane, asking: !s.prompts.isEmpty) else { return s }
        return reduce(s, bound)
    case .resize(let w, let h):
        s.width = w
        s.height = h
    case .update(let stats, let rate):
        s.stats = stats
        s.rate = s.hasEnded ? 0 : rate
        s.refreshRefused()
    case .output(let output):
        s.output = output
    case .traceEnded(let status):
        s.status = status
        if s.hasEnded {
            // Nothing reads keys any more: they are the TUI's again.
            s.outputFocus = false
            if let o = s.output, !o.isEmpty, !s.showOutput {
                s.message = "the program \(status.description): w shows its last output"
            }
        }
        // Nothing calls any more: the rate of the last second is not the rate now.
        if s.hasEnded { s.rate = 0 }
    case .saved(let path, let format, let policy):
        s.savedDecisions = s.decisions
        s.savedPolicy = policy
        s.outputPath = path
        s.lastSavedPath = path
        s.savedWarnings = PolicyIO.warnings(for: policy, as: format)
        s.message = "saved \(format.title) policy to \(path)" + savedWarningSummary(s.savedWarnings)
        s.messageIsError = !s.savedWarnings.isEmpty
        if s.prompt == .confirmQuit { s.prompt = nil }
        if s.quitAfterSave { s.shouldQuit = true }
    case .saveFailed(let reason):
        s.message = "not saved: \(reason)"
        s.messageIsError = true
        s.quitAfterSave = false
    case .prompts(let calls):
        let first = s.prompts.first?.id
        s.prompts = calls
        // A new call to answer: select its syscall, so that a d e K decide for it.
        if let call = calls.first, call.id != first {
            s.selected = LiveStats.Key(arch: call.event.arch, nr: call.event.nr)
        }
    case .allowOnce, .denyOnce:
        guard let call = s.prompts.first else { break }
        s.prompts.removeFirst()
        s.effects.append(.answer(id: call.id, answer: action == .allowOnce ? .allowOnce : .denyOnce(errno: UInt16(EPERM))))
        if let next = s.prompts.first { s.selected = LiveStats.Key(arch: next.event.arch, nr: next.event.nr) }

    case .moveUp: s = move(s, by: -1)
    case .moveDown: s = move(s, by: 1)
    case .pageUp: s = move(s, by: -max(1, s.listHeight - 1))
    case .pageDown: s = move(s, by: max(1, s.listHeight - 1))
    case .home: s = move(s, by: Int.min / 2)
    case .end: s = move(s, by: Int.max / 2)
    case .switchPane where s.showOutput && !s.hasEnded:
        s.outputFocus = true
        s.message = "keys go to the program; \(KeyBindings.leaveOutput.label) gives them back"
    case .switchPane:
        s.pane = s.pane == .list ? .detail : .list
        if s.pane == .detail && !s.showPolicy { s = showDetailCursor(s) }
    case .redraw:
        s.effects.append(.redrawAll)
    case .help:
        s.showHelp = true
        s.helpScroll = 0
    case .search:
        s.prompt = .search(text: "")
    case .searchNext:
        s = findNext(s, forward: true)
    case .searchPrevious:
        s = findNext(s, forward: false)
    case .cycleSort:
        s.sort = next(in: SortOrder.allCases, after: s.sort)
        s.message = "sorted by \(s.sort.rawValue)"
    case .filterGroup:
        let groups = seenGroups(s)
        let current = s.groupFilter.flatMap { groups.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        s.prompt = .groupFilter(selected: current)
    case .cycleDecisionFilter:
        let options = DecisionFilter.allCases.filter { $0 != .refused || s.loadedPolicy != nil }
        s.decisionFilter = next(in: options, after: s.decisionFilter)
        s.message = "showing \(s.decisionFilter.rawValue)"
    case .toggleUndecided:
        s.decisionFilter = s.decisionFilter == .undecided ? .all : .undecided
        s.message = "showing \(s.decisionFilter.rawValue)"
    case .togglePolicyView:
        s.showPolicy.toggle()
        s.detailScroll = 0
        s.showRefused = false
    case .toggleRefusedView:
        s.showRefused.toggle()
        s.showPolicy = false
    case .toggleOutput:
        guard s.output != nil else {
            s.message = "no program output here: only a program seccomp-tui starts runs on its terminal"
            break
        }
        if s.showOutput {
            s.showOutput = false
        } else {
            s.showOutput = true
            s.showPolicy = false
            s.showRefused = false
            s.outputScroll = 0
            s.outputFocus = !s.hasEnded
            if s.outputFocus { s.message = "keys go to the program; \(KeyBindings.leaveOutput.label) gives them back" }
        }
    case .togglePaths:
        s.expandPaths.toggle()
        s.message = s.expandPaths ? "every path sample shown" : "five path samples per argument"

    case .allow: s = setVerdict(s, .allow)
    case .deny: s = setVerdict(s, .deny(errno: Choices.errnos[0].value))
    case .denyWithErrno:
        if s.selectedRow != nil { s.prompt = .errno(selected: 0) }
    case .kill: s = setVerdict(s, .kill)
    case .log: s = setVerdict(s, .log)
    case .suggest:
        guard let row = s.selectedRow else { break }
        s = edit(s) { $0.bySyscall[row.name] = nil }
    case .addCondition: s = addValues(s, mask: false)
    case .toggleValue:
        let values = s.detailValues
        guard s.pane == .detail, values.indices.contains(s.detailCursor) else { break }
        let v = values[s.detailCursor]
        if s.selectedValues.contains(v) { s.selectedValues.remove(v) } else { s.selectedValues.insert(v) }
        // Down within the same argument only: the next argument's histogram is another choice.
        if values.indices.contains(s.detailCursor + 1), values[s.detailCursor + 1].argument == v.argument {
            s.detailCursor += 1
        }
    case .maskRule: s = addValues(s, mask: true)
    case .clearConditions:
        let values = s.detailValues
        guard let row = s.selectedRow, values.indices.contains(s.detailCursor) else { break }
        let arg = values[s.detailCursor].argument
        guard s.decisions.decision(for: row.name).argRules[arg] != nil else { break }
        s = edit(s) { $0.bySyscall[row.name, default: SyscallDecision()].argRules[arg] = nil }
    case .groupDecision:
        if seenGroups(s).isEmpty {
            s.message = "no group knows the syscalls seen"
        } else {
            s.prompt = .groupDecision(selected: 0)
        }
    case .defaultAction:
        s.prompt = .defaultAction(selected: Choices.defaultActions.firstIndex(of: s.decisions.defaultAction) ?? 0)
    case .undo:
        guard let last = s.undoStack.popLast() else { s.message = "nothing to undo"; break }
        s.redoStack.append(s.decisions)
        s.decisions = last
    case .redo:
        guard let next = s.redoStack.popLast() else { s.message = "nothing to redo"; break }
        s.undoStack.append(s.decisions)
        s.decisions = next
    case .save:
        if let path = s.outputPath {
            if let format = PolicyFormat(path: path) {
                s.effects.append(.save(path: path, format: format, policy: s.policy))
            } else {
                s.prompt = .saveFormat(path: path, selected: 0)
            }
        } else {
            s.prompt = .savePath(text: "policy.json")
        }
    case .saveAs:
        s.prompt = .savePath(text: s.outputPath ?? "policy.json")
    case .quit:
        if s.hasUnsavedChanges {
            s.prompt = .confirmQuit
        } else {
            s.shouldQuit = true
        }
    }
    return clamp(s)
}

// MARK: - Keys in prompts, the help screen and the output pane

/// A key while the output pane has the focus: to the program, but for the key that gives the
/// keys back and PgUp/PgDn, which scroll the pane over the main screen's scroll-back (on the
/// alternate screen of a full-screen program, which has none, they go to the program).
private func outputKey(_ old: TUIState, _ key: Key) -> TUIState {
    var s = old
    let page = max(1, s.detailHeight - 2)
    let alternate = s.output?.screen.isAlternate ?? false
    switch key {
    case KeyBindings.leaveOutput:
        s.outputFocus = false
        s.message = "keys back to seccomp-tui; w hides the output, Tab gives the program the keys again"
    case .pageUp where !alternate:
        s.outputScroll = min(s.outputScroll + page, OutputView.maxScroll(s))
    case .pageDown where !alternate:
        s.outputScroll = max(0, s.outputScroll - page)
    default:
        s.message = nil
        if let bytes = key.terminalBytes(applicationCursorKeys: s.output?.screen.applicationCursorKeys ?? false) {
            s.effects.append(.sendToProgram(bytes))
            s.outputScroll = 0
        }
    }
    return s
}

private func helpKey(_ old: TUIState, _ key: Key) -> TUIState {
    var s = old
    switch key {
    case .down, .char("j"): s.helpScroll += 1
    case .up, .char("k"): s.helpScroll = max(0, s.helpScroll - 1)
    case .pageDown: s.helpScroll += max(1, s.height - 4)
    case .pageUp: s.helpScroll = max(0, s.helpScroll - max(1, s.height - 4))
    default: s.showHelp = false
    }
    s.helpScroll = min(s.helpScroll, max(0, HelpView.lines(width: s.width).count - (s.height - 1)))
    return s
}


private func promptKey(_ old: TUIState, _ prompt: Prompt, _ key: Key) -> TUIState {
    var s = old
    if prompt == .confirmQuit && key == .ctrl("c") {
        // The second Ctrl-C: the user means it.
        s.prompt = nil
        s.shouldQuit = true
        return s
    }
    if key == .escape || key == .ctrl("c") || key == .ctrl("g") {
        s.prompt = nil
        s.quitAfterSave = false
        return s
    }
    switch prompt {
    case .search(let text):
        switch key {
        case .enter:
            s.prompt = nil
            s.lastSearch = text
            s = searchEverywhere(s, text)
        case .backspace:
            s.prompt = .search(text: String(text.dropLast()))
            s = select(s, firstMatchOf: String(text.dropLast()), )
        case .char(let c):
            s.prompt = .search(text: text + String(c))
            s = select(s, firstMatchOf: text + String(c), )
        default: break
        }
    case .savePath(let text):
        switch key {
        case .enter:
            guard !text.isEmpty else { break }
            let format = PolicyFormat(path: text) ?? .oci
            s.prompt = .saveFormat(path: text, selected: PolicyFormat.allCases.firstIndex(of: format) ?? 0)
        case .backspace: s.prompt = .savePath(text: String(text.dropLast()))
        case .ctrl("u"): s.prompt = .savePath(text: "")
        case .char(let c): s.prompt = .savePath(text: text + String(c))
        default: break
        }
    case .saveFormat(let path, let selected):
        let formats = PolicyFormat.allCases
        switch key {
        case .enter:
            s.prompt = nil
            s.effects.append(.save(path: path, format: formats[selected], policy: s.policy))
        case .char(let c) where formats.contains { $0.shortcut == c }:
            s.prompt = nil
            s.effects.append(.save(path: path, format: formats.first { $0.shortcut == c }!, policy: s.policy))
        default:
            s.prompt = .saveFormat(path: path, selected: pick(key, selected, formats.count))
        }
    case .errno(let selected):
        if key == .enter {
            s.prompt = nil
            s = setVerdict(s, .deny(errno: Choices.errnos[selected].value))
        } else {
            s.prompt = .errno(selected: pick(key, selected, Choices.errnos.count))
        }
    case .groupFilter(let selected):
        let groups = seenGroups(s)
        if key == .enter {
            s.prompt = nil
            s.groupFilter = selected == 0 ? nil : groups[selected - 1]
            s.message = "showing " + (s.groupFilter ?? "every group")
        } else {
            s.prompt = .groupFilter(selected: pick(key, selected, groups.count + 1))
        }
    case .groupDecision(let selected):
        let groups = seenGroups(s)
        guard groups.indices.contains(selected) else { s.prompt = nil; break }
        let verdict: Verdict?
        switch key {
        case .enter: verdict = .allow
        case .char(let c): verdict = Choices.groupVerdicts.first { $0.key == c }?.verdict
        default: verdict = nil
        }
        if let v = verdict {
            s.prompt = nil
            let group = groups[selected]
            let members = Set(SyscallGroups.members(of: group) ?? [])
            let names = Set(s.stats.rows.map(\.name)).intersection(members)
            s = edit(s) { d in
                for n in names {
                    if v == .suggested { d.bySyscall[n] = nil } else { d.bySyscall[n, default: SyscallDecision()].verdict = v }
                }
            }
            s.message = "\(group): \(names.count) seen syscalls set to \(v.label)"
        } else {
            s.prompt = .groupDecision(selected: pick(key, selected, groups.count))
        }
    case .defaultAction(let selected):
        if key == .enter {
            s.prompt = nil
            let a = Choices.defaultActions[selected]
            if a != s.decisions.defaultAction { s = edit(s) { $0.defaultAction = a } }
            s.message = "syscalls never seen: \(Choices.describe(a))"
        } else {
            s.prompt = .defaultAction(selected: pick(key, selected, Choices.defaultActions.count))
        }
    case .confirmQuit:
        switch key {
        case .char("y"), .char("Y"): s.prompt = nil; s.shouldQuit = true
        case .char("n"), .char("N"), .char("q"): s.prompt = nil
        case .char("s"):
            s.prompt = nil
            s.quitAfterSave = true
            s = reduce(s, .save)
        default: break
        }
    }
    return clamp(s)
}

/// Moves a picker's selection with arrows, j/k, Home/End.
private func pick(_ key: Key, _ selected: Int, _ count: Int) -> Int {
    guard count > 0 else { return 0 }
    switch key {
    case .up, .char("k"): return max(0, selected - 1)
    case .down, .char("j"): return min(count - 1, selected + 1)
    case .home, .pageUp: return 0
    case .end, .pageDown: return count - 1
    default: return selected
    }
}

// MARK: - Helpers

private func key(of row: SyscallStat) -> LiveStats.Key { LiveStats.Key(arch: row.arch, nr: row.nr) }

private func next<T: Equatable>(in all: [T], after x: T) -> T {
    let i = all.firstIndex(of: x) ?? -1
    return all[(i + 1) % all.count]
}

/// The groups of the syscalls seen, sorted.
func seenGroups(_ s: TUIState) -> [String] {
    Array(Set(s.stats.rows.flatMap { SyscallGroups.groups(of: $0.name) })).sorted()
}

private func move(_ old: TUIState, by delta: Int) -> TUIState {
    if old.pane == .detail { return moveDetail(old, by: delta) }
    var s = old
    let rows = s.visibleRows
    guard !rows.isEmpty else { return s }
    let current = s.selectedIndex ?? 0
    let target = max(0, min(rows.count - 1, current.addingReportingOverflow(delta).partialValue))
    if target != current || s.selected == nil { s = selectRow(s, rows[target]) }
    return s
}

private func moveDetail(_ old: TUIState, by delta: Int) -> TUIState {
    var s = old
    if s.showPolicy {
        s.detailScroll = max(0, s.detailScroll.addingReportingOverflow(delta).partialValue)
        s.detailScroll = min(s.detailScroll, max(0, s.policy.rules.count + 3 - 1))
        return s
    }
    let count = s.detailValues.count
    // Without values, or upwards from the first, the pane scrolls (long path lists, the header).
    if count == 0 || (delta < 0 && s.detailCursor == 0) {
        let lines = DetailView.lines(s, width: s.detailWidth).count
        s.detailScroll = max(0, min(max(0, lines - s.detailHeight), s.detailScroll.addingReportingOverflow(delta).partialValue))
        return s
    }
    s.detailCursor = max(0, min(count - 1, s.detailCursor.addingReportingOverflow(delta).partialValue))
    return showDetailCursor(s)
}

/// Scrolls the detail pane so that the value cursor's line is on screen.
private func showDetailCursor(_ old: TUIState) -> TUIState {
    var s = old
    let lines = DetailView.lines(s, width: s.detailWidth)
    guard let c = lines.firstIndex(where: { $0.valueIndex == s.detailCursor }) else { return s }
    if c < s.detailScroll { s.detailScroll = max(0, c - 1) }
    if c > s.detailScroll + s.detailHeight - 3 { s.detailScroll = c - s.detailHeight + 3 }
    return s
}

private func selectRow(_ old: TUIState, _ row: SyscallStat) -> TUIState {
    var s = old
    if s.selected != key(of: row) || s.selectedRow.map(key(of:)) != key(of: row) {
        s.selected = key(of: row)
        s.detailCursor = 0
        s.detailScroll = 0
        s.selectedValues = []
    }
    return s
}

private func matches(_ name: String, _ text: String) -> Bool {
    name.lowercased().contains(text.lowercased())
}

/// While typing a search: the first row of the list whose name is the text, else contains it.
private func select(_ old: TUIState, firstMatchOf text: String) -> TUIState {
    var s = old
    guard !text.isEmpty else { return s }
    let rows = s.visibleRows
    if let row = rows.first(where: { $0.name.lowercased() == text.lowercased() }) ?? rows.first(where: { matches($0.name, text) }) {
        s = selectRow(s, row)
        s.pane = .list
    }
    return s
}

/// Enter in the search prompt: a row of the list (by exact name), else any syscall of the table
/// (an unseen one gets a row, so that it can be given a rule), else a group (shown as the group
/// filter, its unseen members included), else a row whose name contains the text; a name that is
/// none of these says so, with the closest syscall and group names.
private func searchEverywhere(_ old: TUIState, _ text: String) -> TUIState {
    var s = old
    let wanted = text.lowercased()
    guard !wanted.isEmpty else { return s }
    if let row = s.visibleRows.first(where: { $0.name.lowercased() == wanted }) {
        s = selectRow(s, row)
        s.pane = .list
        return s
    }
    if SyscallTable.shared.number(of: wanted, arch: .host) != nil {
        if !s.stats.rows.contains(where: { $0.name == wanted }), !s.unseenShown.contains(wanted) {
            s.unseenShown.append(wanted)
        }
        // Filters that would hide it give way.
        if !s.visibleRows.contains(where: { $0.name == wanted }) {
            s.groupFilter = nil
            s.decisionFilter = .all
        }
        if let row = s.visibleRows.first(where: { $0.name == wanted }) {
            s = selectRow(s, row)
            s.pane = .list
            if row.isUnseen {
                s.message = "\(wanted): unseen (not called while traced); a rule set here is explicit, "
                    + "else it gets the action for syscalls never seen"
            }
        }
        return s
    }
    let group = wanted.hasPrefix("@") ? wanted : "@" + wanted
    if let members = SyscallGroups.members(of: group) {
        s.groupFilter = group
        s.decisionFilter = .all
        let seen = Set(s.stats.rows.map(\.name)).intersection(members).count
        s.message = "showing \(group): \(seen) seen, \(members.count - seen) unseen"
        s.selected = nil
        s.pane = .list
        return s
    }
    if let row = s.visibleRows.first(where: { matches($0.name, text) }) {
        s = selectRow(s, row)
        s.pane = .list
        return s
    }
    let names = SyscallTable.shared.definitions.map(\.name)
    let containing = names.filter { $0.contains(wanted) }.sorted { ($0.count, $0) < ($1.count, $1) }
    let closest = Array((containing + closestMatches(to: wanted, in: names + SyscallGroups.names)).prefix(5))
    var seenNames = Set<String>()
    let hint = closest.filter { seenNames.insert($0).inserted }
    s.message = "'\(text)' is not a syscall or a group"
        + (hint.isEmpty ? "" : "; closest: " + hint.joined(separator: ", "))
    s.messageIsError = true
    return s
}

private func findNext(_ old: TUIState, forward: Bool) -> TUIState {
    var s = old
    guard !s.lastSearch.isEmpty else { s.message = "no search yet: press /"; return s }
    let rows = s.visibleRows
    guard !rows.isEmpty else { return s }
    let start = s.selectedIndex ?? 0
    for step in 1...rows.count {
        let i = ((start + (forward ? step : -step)) % rows.count + rows.count) % rows.count
        if matches(rows[i].name, s.lastSearch) {
            s = selectRow(s, rows[i])
            return s
        }
    }
    s.message = "no syscall matches '\(s.lastSearch)'"
    s.messageIsError = true
    return s
}

/// Applies an edit of the decisions, recording it for undo.
private func edit(_ old: TUIState, _ change: (inout Decisions) -> Void) -> TUIState {
    var s = old
    var d = s.decisions
    change(&d)
    guard d != s.decisions else { return s }
    s.undoStack.append(s.decisions)
    s.redoStack = []
    s.decisions = d
    return s
}

private func setVerdict(_ old: TUIState, _ verdict: Verdict) -> TUIState {
    guard let row = old.selectedRow else { return old }
    var s = edit(old) { $0.bySyscall[row.name, default: SyscallDecision()].verdict = verdict }
    s.message = "\(row.name): \(verdict.label)"
    return warnOfImpact(s, row)
}

/// After a decision on `row`: says at once what it refuses of the calls seen (`refuses 67 of
/// 101 newfstatat calls seen`), and what refusing an implicit syscall does to the program.
private func warnOfImpact(_ old: TUIState, _ row: SyscallStat) -> TUIState {
    var s = old
    var warnings: [String] = []
    if let implicit = PolicyMaker.implicitSyscall(named: row.name),
       !s.decisions.decision(for: row.name).verdict.action.letsCallRun {
        warnings.append("warning: \(implicit.consequence)")
    }
    if let (impact, _) = s.impact(of: row) { warnings.append(impact.sentence + " (R lists them)") }
    guard !warnings.isEmpty else { return s }
    s.message = (s.message.map { $0 + " — " } ?? "") + warnings.joined(separator: "; ")
    s.messageIsError = true
    return s
}

/// Enter (`mask == false`) and `m` in the detail pane: restrict the argument(s) to the selected
/// values, or to the value under the cursor when nothing is selected.
private func addValues(_ old: TUIState, mask: Bool) -> TUIState {
    var s = old
    let values = s.detailValues
    guard let row = s.selectedRow, s.pane == .detail, values.indices.contains(s.detailCursor) else { return s }
    let cursor = values[s.detailCursor]
    var chosen = s.selectedValues.filter { values.contains($0) }
    if chosen.isEmpty { chosen = [cursor] }
    if mask { chosen = chosen.filter { $0.argument == cursor.argument } }
    let byArg = Dictionary(grouping: chosen, by: \.argument).mapValues { Set($0.map(\.value)) }
    let edited = edit(s) { d in
        var dec = d.bySyscall[row.name] ?? SyscallDecision()
        if !dec.verdict.takesConditions || dec.verdict == .suggested { dec.verdict = .allow }
        for (arg, vs) in byArg {
            if mask {
                let width = SyscallTable.shared.definition(named: row.name)
                    .flatMap { arg < $0.arguments.count ? $0.arguments[arg].width : nil } ?? .bits64
                let bits = vs.reduce(0, |)
                dec.argRules[arg] = .maskZero(~bits & width.mask)
            } else if case .values(let existing) = dec.argRules[arg] {
                dec.argRules[arg] = .values(existing.union(vs))
            } else {
                dec.argRules[arg] = .values(vs)
            }
        }
        d.bySyscall[row.name] = dec
    }
    // Values of different arguments multiply into rules: refuse what the policy cannot hold
    // rather than drop some of what was chosen.
    let count = PolicyBuilder.ruleCount(for: edited.decisions.decision(for: row.name))
    if count > PolicyBuilder.maxRulesPerSyscall {
        s.message = "\(row.name): these values make \(count == Int.max ? "too many" : String(count)) rules, "
            + "more than the \(PolicyBuilder.maxRulesPerSyscall) one syscall may have; choose fewer values"
        s.messageIsError = true
        return s
    }
    s = edited
    s.selectedValues = []
    let rules = PolicyBuilder.rules(for: row.name, decision: s.decisions.decision(for: row.name))
    s.message = RuleText.line(for: row.name, rules: rules)
    return warnOfImpact(s, row)
}

/// Keeps the list scroll and the cursors inside what exists.
private func clamp(_ old: TUIState) -> TUIState {
    var s = old
    let count = s.visibleRows.count
    let index = s.selectedIndex ?? 0
    let h = s.listHeight
    if index < s.listScroll { s.listScroll = index }
    if index >= s.listScroll + h { s.listScroll = index - h + 1 }
    s.listScroll = max(0, min(s.listScroll, max(0, count - h)))
    let values = s.detailValues.count
    s.detailCursor = max(0, min(s.detailCursor, max(0, values - 1)))
    return s
}

/// The save message's tail for the saved policy's blind spots: the first in full, the number
/// of the others (all of them are printed when the TUI ends).
private func savedWarningSummary(_ warnings: [String]) -> String {
    guard let first = warnings.first else { return "" }
    let more = warnings.count > 1 ? " (\(warnings.count - 1) more warning\(warnings.count > 2 ? "s" : "") when you quit)" : ""
    return "; warning: " + first + more
}

extension Verdict {
    /// How messages name the verdict.
    var label: String {
        switch self {
        case .suggested: return "suggested (allow, unconfirmed)"
        case .allow: return "allow"
        case .deny(let e): return "deny with \(Choices.errnoName(e))"
        case .kill: return "kill"
        case .log: return "log"
        }
    }
}

extension PolicyFormat {
    var title: String {
        switch self {
        case .oci: return "OCI JSON"
        case .text: return "text"
        case .bpf: return "raw BPF"
        case .c: return "C header"
        case .spo: return "Kubernetes SeccompProfile (YAML)"
        }
    }

    /// The key that picks this format in the save dialog.
    var shortcut: Character {
        switch self {
        case .oci: return "o"
        case .text: return "t"
        case .bpf: return "b"
        case .c: return "c"
        case .spo: return "y"  // YAML; k moves
        }
    }
}
