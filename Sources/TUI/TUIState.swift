import PolicyModel
import TraceCapture

/// Which pane has the focus.
enum Pane: Hashable, Sendable { case list, detail }

/// How the syscall list is ordered.
enum SortOrder: String, CaseIterable, Hashable, Sendable {
    case count, name, firstSeen = "first seen", number
}

/// Which decisions the list shows.
enum DecisionFilter: String, CaseIterable, Hashable, Sendable {
    case all, undecided, allowed, denied, killed, logged, refused

    func accepts(_ v: Verdict, refused isRefused: Bool) -> Bool {
        switch (self, v) {
        case (.all, _): return true
        case (.undecided, .suggested), (.allowed, .allow), (.denied, .deny), (.killed, .kill), (.logged, .log):
            return true
        case (.refused, _): return isRefused
        default: return false
        }
    }
}

/// What is being traced and how it is going.
enum TraceStatus: Equatable, Sendable {
    case starting
    case running
    case ended(TraceEnd)
    /// A saved profile, no tracee.
    case profile

    var description: String {
        switch self {
        case .starting: return "starting"
        case .running: return "running"
        case .ended(.exited(let c)): return "exited with code \(c)"
        case .ended(.signaled(let s)): return "killed by signal \(s)" + (signalName(s).map { " (\($0))" } ?? "")
        case .ended(.detached): return "detached"
        case .profile: return "saved profile"
        }
    }
}

/// The usual signal names, for the header and the commands' messages.
public func signalName(_ s: Int32) -> String? {
    let names: [Int32: String] = [1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS",
                                  8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 14: "SIGALRM",
                                  15: "SIGTERM", 31: "SIGSYS"]
    return names[s]
}

/// A question or text entry at the bottom of the screen, or a picker over the panes.
enum Prompt: Hashable, Sendable {
    case search(text: String)
    case savePath(text: String)
    case saveFormat(path: String, selected: Int)
    case errno(selected: Int)
    case groupFilter(selected: Int)
    case groupDecision(selected: Int)
    case defaultAction(selected: Int)
    case confirmQuit
}

/// Something the reducer asks the event loop to do (the reducer itself does no I/O).
enum Effect: Hashable, Sendable {
    case save(path: String, format: PolicyFormat, policy: Policy)
    case redrawAll
    /// Ask mode: answer the waiting call `id` (a once-only answer).
    case answer(id: UInt64, answer: AskAnswer)
    /// Ask mode: the confirmed decisions, as the rules the supervisor answers by.
    case askRules([Rule])
    /// Bytes for the traced program's terminal (keys typed while the output pane has the focus).
    case sendToProgram([UInt8])
}

/// One selectable argument value in the detail pane.
struct ValueRef: Hashable, Sendable {
    var argument: Int
    var value: UInt64
}

/// Everything the screen shows; changed only by `reduce`.
struct TUIState: Sendable {
    var width: Int
    var height: Int
    /// What is traced, as the header names it (`./demo/busy.sh`, `pid 1234`, `profile.json`).
    var title: String
    var pid: Int32?
    var status: TraceStatus
    var stats = LiveStats()
    var rate: Double = 0

    var decisions = Decisions()
    var undoStack: [Decisions] = []
    var redoStack: [Decisions] = []
    /// The decisions as last saved (or at start): before the first save, quitting asks when
    /// they differ.
    var savedDecisions = Decisions()
    /// The policy the last save wrote: from then on the session is unsaved whenever the policy
    /// `s` would write differs (a new syscall seen, a decision, a rule).
    var savedPolicy: Policy?
    var loadedPolicy: Policy?
    var outputPath: String?
    /// Where the policy was last saved in this session.
    var lastSavedPath: String?
    /// What the policy last saved does not hold (`PolicyIO.warnings(for:as:)`, as the commands
    /// print it): the first is shown with the save, all of them on stderr when the TUI ends.
    var savedWarnings: [String] = []

    var sort: SortOrder = .count
    var groupFilter: String?
    var decisionFilter: DecisionFilter = .all
    var pane: Pane = .list
    var showPolicy = false
    /// The right pane lists the seen calls the selected syscall's rule refuses.
    var showRefused = false
    /// The row the user chose; nil follows the first row until they move.
    var selected: LiveStats.Key?
    var listScroll = 0
    var detailCursor = 0
    var detailScroll = 0
    var selectedValues: Set<ValueRef> = []
    /// Every path sample shown, not only the first few.
    var expandPaths = false
    /// What the traced program wrote to its terminal; nil when it has none of the TUI's (a
    /// saved profile, an attached process).
    var output: ProgramOutput?
    /// The output pane is shown in place of the detail pane (`w`).
    var showOutput = false
    /// Keys go to the program (until `KeyBindings.leaveOutput`).
    var outputFocus = false
    /// Lines scrolled up from the end of the output.
    var outputScroll = 0
    var lastSearch = ""
    /// Syscalls never seen that the user went to by search: they keep a row.
    var unseenShown: [String] = []
    /// Per row, whether the loaded policy refuses it, as of the row's count then.
    var refusedCache: [LiveStats.Key: (count: UInt64, refused: Bool)] = [:]
    var prompt: Prompt?
    var showHelp = false
    var helpScroll = 0
    var message: String?
    var messageIsError = false
    var shouldQuit = false
    /// `s` in the quit prompt: quit once the save it asked for has succeeded.
    var quitAfterSave = false
    var effects: [Effect] = []
    /// Ask mode: the calls waiting for an answer, in arrival order (the first is answered).
    var prompts: [AskedCall] = []
    /// Ask mode is on (a supervisor answers by the decisions).
    var asking = false

    init(width: Int, height: Int, title: String, pid: Int32? = nil, status: TraceStatus = .starting,
         outputPath: String? = nil, loadedPolicy: Policy? = nil) {
        self.width = width
        self.height = height
        self.title = title
        self.pid = pid
        self.status = status
        self.outputPath = outputPath
        self.loadedPolicy = loadedPolicy
        if let p = loadedPolicy {
            decisions.defaultAction = p.defaultAction
            savedDecisions = decisions
        }
    }

    var hasUnsavedChanges: Bool {
        if let savedPolicy { return policy != savedPolicy }
        return decisions != savedDecisions
    }

    /// What the header says of unsaved work: `unsaved: +3 syscalls since save`, `modified`
    /// before the first save; nil when the file holds what is on screen.
    var unsavedSummary: String? {
        guard let savedPolicy else { return decisions != savedDecisions ? "modified" : nil }
        let current = policy
        guard current != savedPolicy else { return nil }
        return "unsaved: " + (PolicyChanges(saved: savedPolicy, current: current).summary ?? "rules reordered")
    }

    /// The traced program has exited, was killed, or was detached from.
    var hasEnded: Bool {
        if case .ended = status { return true }
        return false
    }

    // MARK: Derived values

    /// The rows of syscalls never seen that the list shows: those found by search, those given
    /// an explicit rule, and the members of the group shown; host architecture, table names only.
    var unseenRows: [SyscallStat] {
        let seen = Set(stats.rows.map(\.name) + implicitRows.map(\.name))
        var names = Set(unseenShown)
        for (name, d) in decisions.bySyscall where d.verdict != .suggested { names.insert(name) }
        if let g = groupFilter, let members = SyscallGroups.members(of: g) { names.formUnion(members) }
        return names.subtracting(seen).sorted().compactMap { name in
            SyscallTable.shared.number(of: name, arch: .host).map { SyscallStat(unseen: name, nr: $0, arch: .host) }
        }
    }

    /// The list rows after filtering and sorting.
    var visibleRows: [SyscallStat] {
        let groupMembers = groupFilter.flatMap { SyscallGroups.members(of: $0) }.map(Set.init)
        let rows = (stats.rows + implicitRows + unseenRows).filter { r in
            if let g = groupMembers, !g.contains(r.name) { return false }
            return decisionFilter.accepts(decisions.decision(for: r.name).verdict, refused: isRefused(r))
        }
        switch sort {
        case .count: return rows.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
        case .name: return rows.sorted { $0.name != $1.name ? $0.name < $1.name : $0.arch < $1.arch }
        case .firstSeen: return rows.sorted { $0.firstSeen != $1.firstSeen ? $0.firstSeen < $1.firstSeen : $0.name < $1.name }
        case .number: return rows.sorted { $0.nr != $1.nr ? $0.nr < $1.nr : $0.arch < $1.arch }
        }
    }

    /// The implicit syscalls (`PolicyMaker`) the trace has not shown, as rows without calls, on
    /// the traced architectures (the host's before any call): the policy allows them anyway.
    var implicitRows: [SyscallStat] {
        let arches = stats.rows.isEmpty ? [Arch.host] : Array(Set(stats.rows.map(\.arch))).sorted()
        var seen = Set(stats.rows.map { "\($0.arch) \($0.name)" })
        var out: [SyscallStat] = []
        for s in PolicyMaker.implicitSyscalls {
            guard let def = SyscallTable.shared.definition(named: s.name) else { continue }
            for arch in arches {
                guard let nr = def.numbers[arch], seen.insert("\(arch) \(s.name)").inserted else { continue }
                out.append(SyscallStat(implicit: s.name, arch: arch, nr: nr, argumentCount: def.arguments.count))
            }
        }
        return out
    }

    /// What this row's rule (with the default action) refuses of the calls seen, and those
    /// calls; nil when it refuses none (or nothing was seen).
    func impact(of row: SyscallStat) -> (impact: RefusalImpact, calls: [PolicyCheck.Finding])? {
        guard row.count > 0, let sp = stats.profile.syscall(named: row.name, arch: row.arch) else { return nil }
        let own = Policy(defaultAction: decisions.defaultAction, architectures: [row.arch],
                         rules: PolicyBuilder.rules(for: row.name, decision: decisions.decision(for: row.name)))
        return RefusalImpact.of(sp, policy: own)
    }

    /// Whether the row's own decision lets calls run yet refuses some seen here (an argument
    /// rule that bites): the row is flagged.
    func bites(_ row: SyscallStat) -> Bool {
        let d = decisions.decision(for: row.name)
        return d.verdict.takesConditions && !d.argRules.isEmpty && impact(of: row) != nil
    }

    /// Whether the row's decision refuses seen calls although it lets calls run, or the loaded
    /// policy (`--policy`) would refuse any recorded call of this row
    /// (from the cache `refreshRefused` keeps; computed when the row is not in it).
    func isRefused(_ row: SyscallStat) -> Bool {
        guard row.count > 0 else { return false }  // an implicit row: no call seen to refuse
        if bites(row) { return true }
        guard let p = loadedPolicy else { return false }
        if let cached = refusedCache[LiveStats.Key(arch: row.arch, nr: row.nr)], cached.count == row.count {
            return cached.refused
        }
        return Self.refuses(p, row)
    }

    /// The loaded policy's answer for every distinct call kept of `row`, with only that
    /// syscall's rules consulted (`Policy.decide` semantics).
    static func refuses(_ p: Policy, _ row: SyscallStat) -> Bool {
        let own = Policy(defaultAction: p.defaultAction, architectures: p.architectures,
                         badArchAction: p.badArchAction, rules: p.rules(for: row.name), flags: p.flags)
        let calls = row.distinctCalls.isEmpty ? [[]] : row.distinctCalls
        return calls.contains { args in
            let action = own.decide(SeccompData(nr: row.nr, arch: row.arch, args: Array(args.prefix(6))))
            return action != .allow && action != .log
        }
    }

    /// Recomputes the refused marks of the rows whose counts changed since the last time.
    mutating func refreshRefused() {
        guard let p = loadedPolicy else { return }
        for row in stats.rows {
            let key = LiveStats.Key(arch: row.arch, nr: row.nr)
            if refusedCache[key]?.count != row.count {
                refusedCache[key] = (row.count, Self.refuses(p, row))
            }
        }
    }

    /// The selected row (the first visible one when nothing is selected yet).
    var selectedRow: SyscallStat? {
        let rows = visibleRows
        if let k = selected, let r = rows.first(where: { $0.arch == k.arch && $0.nr == k.nr }) { return r }
        return rows.first
    }

    var selectedIndex: Int? {
        guard let row = selectedRow else { return nil }
        return visibleRows.firstIndex { $0.arch == row.arch && $0.nr == row.nr }
    }

    /// The selectable values of the detail pane for the selected syscall, in screen order.
    var detailValues: [ValueRef] {
        guard let row = selectedRow else { return [] }
        let def = SyscallTable.shared.definition(named: row.name)
        var refs: [ValueRef] = []
        for (i, h) in row.arguments.enumerated() {
            if let a = def?.arguments[i], a.isPath || a.isPointer { continue }
            refs += h.sorted.map { ValueRef(argument: i, value: $0.value) }
        }
        return refs
    }

    /// The policy the decisions make now (through `PolicyMaker`, so the calls every program
    /// needs are allowed even in ask mode, where the filter never asks for them).
    var policy: Policy {
        PolicyBuilder.policy(stats: stats, decisions: decisions, base: loadedPolicy)
    }

    /// Ask mode: the rules of the decisions the user made (not the suggested ones), which the
    /// supervisor applies to the calls it would otherwise ask about.
    var confirmedRules: [Rule] {
        decisions.bySyscall.keys.sorted().flatMap { name -> [Rule] in
            let d = decisions.decision(for: name)
            guard d.verdict != .suggested, SyscallTable.shared.definition(named: name) != nil else { return [] }
            return PolicyBuilder.rules(for: name, decision: d)
        }
    }

    /// What `lint` says of `policy` (nil before the first refresh, or when it cannot be compiled).
    var lint: PolicyLint?
    /// What `lint` was computed from: it is computed again only when this changes.
    var lintSource: LintSource?

    struct LintSource: Equatable {
        var decisions: Decisions
        var rows: Int
        var loaded: Policy?
    }

    /// Lints the policy being built when the decisions, the rows or the loaded policy changed.
    mutating func refreshLint() {
        let source = LintSource(decisions: decisions, rows: stats.rows.count, loaded: loadedPolicy)
        guard source != lintSource else { return }
        lintSource = source
        lint = try? PolicyLint(policy: policy)
    }

    /// The lint warnings about syscall `name` in the policy being built.
    func lintWarnings(for name: String) -> [PolicyLint.Warning] {
        lint?.warnings.filter { $0.syscall == name } ?? []
    }

    // MARK: Layout

    /// Rows available to the list (header 2, column titles 1, message line 1, footer 1).
    var listHeight: Int { max(1, height - 5 - AskView.height(self)) }
    /// The right pane's size.
    var detailWidth: Int { width - leftWidth - 1 }
    var detailHeight: Int { max(1, height - 4 - AskView.height(self)) }
    /// The traced program's terminal: the output pane (the detail pane's place) less its title
    /// row and left margin.
    var programSize: (width: Int, height: Int) { (max(1, detailWidth - 1), max(1, detailHeight - 1)) }
    /// The list's width: half the screen when narrow; from 100 columns at least what the list
    /// needs to show names, counts, bars and whole group names (`ListView.columns`).
    var leftWidth: Int { width < 100 ? width / 2 : max(54, width * 2 / 5) }
}
