import PolicyModel
import TraceCapture

/// What the user can ask for. Keys map to these through `KeyBindings`; the event loop sends the
/// others (new statistics, resize, the result of a save).
enum TUIAction: Equatable, Sendable {
    // Moving around
    case moveUp, moveDown, pageUp, pageDown, home, end, switchPane, redraw
    // Views
    case help, search, searchNext, searchPrevious, cycleSort, filterGroup, cycleDecisionFilter
    case toggleUndecided, togglePolicyView, toggleRefusedView, toggleOutput
    // Decisions
    case allow, deny, denyWithErrno, kill, log, suggest
    case addCondition, toggleValue, maskRule, clearConditions, togglePaths
    case groupDecision, defaultAction, undo, redo
    // Ask mode: once-only answers to the first waiting call
    case allowOnce, denyOnce
    // Files and leaving
    case save, saveAs, quit
    // Not bound to keys
    case key(Key)
    case resize(width: Int, height: Int)
    case update(LiveStats, rate: Double)
    case output(ProgramOutput)
    case traceEnded(TraceStatus)
    case saved(path: String, format: PolicyFormat, policy: Policy)
    case saveFailed(String)
    case prompts([AskedCall])
}

/// Where a binding applies.
enum KeyScope: Hashable, Sendable {
    /// Everywhere.
    case global
    /// The syscall list has the focus.
    case list
    /// The detail pane (histograms) has the focus.
    case detail
    /// Ask mode, while a call waits for an answer (before the pane's own bindings).
    case prompt
}

/// One entry of the key table.
struct KeyBinding: Sendable {
    var keys: [Key]
    var action: TUIAction
    var scope: KeyScope
    /// A word or two for the footer; nil keeps the binding out of the footer.
    var label: String?
    /// One line for the help screen.
    var help: String
}

/// THE key table: the reducer looks keys up here, the footer and the help screen are drawn from it.
enum KeyBindings {
    static let all: [KeyBinding] = [
        KeyBinding(keys: [.function(1), .char("?")], action: .help, scope: .global, label: "Help",
                   help: "show this help (any key closes it)"),
        KeyBinding(keys: [.function(3), .char("/")], action: .search, scope: .global, label: "Search",
                   help: "search a syscall by name; Enter selects the first match"),
        KeyBinding(keys: [.char("n")], action: .searchNext, scope: .global, label: nil,
                   help: "next match of the last search"),
        KeyBinding(keys: [.char("N")], action: .searchPrevious, scope: .global, label: nil,
                   help: "previous match of the last search"),
        KeyBinding(keys: [.function(4), .char("\\")], action: .filterGroup, scope: .global, label: "Group",
                   help: "show only the syscalls of one group"),
        KeyBinding(keys: [.char("v")], action: .cycleDecisionFilter, scope: .global, label: nil,
                   help: "filter by decision: all, undecided, allowed, denied, killed, logged, refused"),
        KeyBinding(keys: [.char("x")], action: .toggleUndecided, scope: .global, label: nil,
                   help: "show only undecided (suggested) syscalls, or all again"),
        KeyBinding(keys: [.function(6), .char("o")], action: .cycleSort, scope: .global, label: "Sort",
                   help: "sort by count, name, first seen or number"),
        KeyBinding(keys: [.char("A")], action: .allowOnce, scope: .prompt, label: "Once",
                   help: "allow the waiting call this once (the next such call asks again)"),
        KeyBinding(keys: [.char("D")], action: .denyOnce, scope: .prompt, label: "Deny once",
                   help: "fail the waiting call with EPERM this once"),
        KeyBinding(keys: [.char("a")], action: .allow, scope: .global, label: "Allow",
                   help: "allow the selected syscall"),
        KeyBinding(keys: [.char("d")], action: .deny, scope: .global, label: "Deny",
                   help: "deny the selected syscall with errno EPERM"),
        KeyBinding(keys: [.char("e")], action: .denyWithErrno, scope: .global, label: nil,
                   help: "deny the selected syscall with an errno chosen from a list"),
        KeyBinding(keys: [.char("K")], action: .kill, scope: .global, label: "Kill",
                   help: "kill the process when it makes the selected syscall (capital K only: k moves up)"),
        KeyBinding(keys: [.char("l")], action: .log, scope: .global, label: "Log",
                   help: "allow and log the selected syscall"),
        KeyBinding(keys: [.char("u")], action: .suggest, scope: .global, label: nil,
                   help: "back to suggested (allow, unconfirmed, no argument rules)"),
        KeyBinding(keys: [.enter], action: .addCondition, scope: .detail, label: "Add arg==",
                   help: "allow only when the argument equals the value(s) under the cursor or selected"),
        KeyBinding(keys: [.char(" ")], action: .toggleValue, scope: .detail, label: "Select",
                   help: "select or unselect the value under the cursor, then move down within the same "
                       + "argument (never into the next argument's values)"),
        KeyBinding(keys: [.char("m")], action: .maskRule, scope: .detail, label: "Mask",
                   help: "allow only the bits of the selected values (arg & ~bits == 0)"),
        KeyBinding(keys: [.char("+")], action: .togglePaths, scope: .detail, label: nil,
                   help: "show every path sample kept, or five per argument again (j/k scroll)"),
        KeyBinding(keys: [.char("c")], action: .clearConditions, scope: .detail, label: nil,
                   help: "remove the rule on the argument under the cursor"),
        KeyBinding(keys: [.enter], action: .switchPane, scope: .list, label: nil,
                   help: "open the selected syscall's arguments"),
        KeyBinding(keys: [.char("g")], action: .groupDecision, scope: .global, label: nil,
                   help: "decide for every seen syscall of a group"),
        KeyBinding(keys: [.char("*")], action: .defaultAction, scope: .global, label: nil,
                   help: "choose the action for every syscall never seen"),
        KeyBinding(keys: [.char("p")], action: .togglePolicyView, scope: .global, label: "Policy",
                   help: "show the whole policy text in the right pane, or the syscall again"),
        KeyBinding(keys: [.char("R")], action: .toggleRefusedView, scope: .global, label: nil,
                   help: "list the seen calls the selected syscall's rule refuses, or the syscall again"),
        KeyBinding(keys: [.char("w")], action: .toggleOutput, scope: .global, label: "Output",
                   help: "show the program's terminal (its screen, in its colours) and give it the keys; "
                       + "^] gives the keys back to seccomp-tui, PgUp/PgDn scroll, w again hides it"),
        KeyBinding(keys: [.char("z")], action: .undo, scope: .global, label: nil, help: "undo the last decision"),
        KeyBinding(keys: [.char("Z")], action: .redo, scope: .global, label: nil, help: "redo"),
        KeyBinding(keys: [.char("s")], action: .save, scope: .global, label: "Save",
                   help: "save the policy to the -o path (asks for one when there is none)"),
        KeyBinding(keys: [.char("S")], action: .saveAs, scope: .global, label: nil,
                   help: "save the policy under another name or format"),
        KeyBinding(keys: [.up, .char("k")], action: .moveUp, scope: .global, label: nil, help: "move up"),
        KeyBinding(keys: [.down, .char("j")], action: .moveDown, scope: .global, label: nil, help: "move down"),
        KeyBinding(keys: [.pageUp], action: .pageUp, scope: .global, label: nil, help: "one page up"),
        KeyBinding(keys: [.pageDown], action: .pageDown, scope: .global, label: nil, help: "one page down"),
        KeyBinding(keys: [.home], action: .home, scope: .global, label: nil, help: "to the top"),
        KeyBinding(keys: [.end], action: .end, scope: .global, label: nil, help: "to the bottom"),
        KeyBinding(keys: [.tab, .backTab, .left, .right], action: .switchPane, scope: .global, label: "Pane",
                   help: "switch between the list and the detail pane"),
        KeyBinding(keys: [.ctrl("l")], action: .redraw, scope: .global, label: nil, help: "redraw the screen"),
        KeyBinding(keys: [.function(10), .char("q"), .ctrl("c")], action: .quit, scope: .global, label: "Quit",
                   help: "quit; with unsaved changes it asks: y quits, s saves then quits, n or Esc stays, "
                       + "a second Ctrl-C quits"),
    ]

    /// While the output pane has the focus every key goes to the program but this one (Ctrl-],
    /// as telnet and virsh console use it) and PgUp/PgDn, which scroll the pane back unless a
    /// full-screen program's (alternate) screen is shown.
    static let leaveOutput = Key.ctrl("}")

    /// The action a key stands for in `pane`: a binding of the pane's own scope wins over a global one.
    static func action(for key: Key, in pane: Pane, asking: Bool = false) -> TUIAction? {
        if asking, let b = all.first(where: { $0.scope == .prompt && $0.keys.contains(key) }) { return b.action }
        let scope: KeyScope = pane == .list ? .list : .detail
        if let b = all.first(where: { $0.scope == scope && $0.keys.contains(key) }) { return b.action }
        return all.first { $0.scope == .global && $0.keys.contains(key) }?.action
    }

    /// The bindings shown in the footer for `pane`, in table order.
    /// With `asking` (a call waits), the once-only answers come first.
    static func footer(for pane: Pane, asking: Bool = false) -> [(key: String, label: String)] {
        let scope: KeyScope = pane == .list ? .list : .detail
        let ordered = asking ? all.filter { $0.scope == .prompt } + all.filter { $0.scope != .prompt } : all
        return ordered.compactMap { b in
            guard let label = b.label, b.scope == .global || b.scope == scope || (asking && b.scope == .prompt) else { return nil }
            return (b.keys[0].label, label)
        }
    }
}
