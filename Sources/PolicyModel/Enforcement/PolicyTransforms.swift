extension Action {
    /// Whether the kernel lets a call with this outcome run (`allow`, `log`). Every other action
    /// refuses it: with an errno, a signal, a kill, or ENOSYS when no tracer or listener is there.
    public var letsCallRun: Bool { self == .allow || self == .log }
}

extension Policy {
    /// The same policy where every refusing action (the default, the bad-architecture action and
    /// each rule's) becomes `action`. Argument conditions are kept, so exactly the calls the policy
    /// refuses get `action`: `complain` mode uses `trace`, `--log-only` uses `log`.
    /// `action` should be `log` or `trace`: both rank above `allow` (and `trace` above `log`), so
    /// where a refusing rule and an allowing rule both match, the mapped refusal still wins.
    public func replacingRefusals(with action: Action) -> Policy {
        var p = self
        func map(_ a: Action) -> Action { a.letsCallRun ? a : action }
        p.defaultAction = map(defaultAction)
        p.badArchAction = map(badArchAction)
        p.rules = rules.map { Rule(syscall: $0.syscall, action: map($0.action), conditions: $0.conditions) }
        return p
    }

    /// The policy as `enforce --report` installs it: the same decisions, so that a program is
    /// never let off more lightly than the policy says (a kill stays a kill: as `trap` a program
    /// with a SIGSYS handler would survive it and could forge the call's result). Only `trace`,
    /// which fails with ENOSYS when no tracer handles it but would stop the reporting tracer,
    /// becomes `user_notif`, which fails with ENOSYS too (the filter is installed without a
    /// listener). `user_notif` ranks just above `trace` and below every `errno`, so where an errno
    /// rule matches as well its errno still wins, as in the policy.
    public func reportingRefusals() -> Policy {
        mappingActions { $0.isTrace ? .userNotif : $0 }
    }

    /// The policy with every action (default, bad-architecture, each rule's) passed through
    /// `map`, conditions kept.
    private func mappingActions(_ map: (Action) -> Action) -> Policy {
        var p = self
        p.defaultAction = map(defaultAction)
        p.badArchAction = map(badArchAction)
        p.rules = rules.map { Rule(syscall: $0.syscall, action: map($0.action), conditions: $0.conditions) }
        return p
    }

    /// Whether some call gets `kill_process` or `kill_thread` (the default, the bad-architecture
    /// action or a rule's).
    public var mayKill: Bool {
        ([defaultAction, badArchAction] + rules.map(\.action)).contains { $0 == .killProcess || $0 == .killThread }
    }
}

private extension Action {
    var isTrace: Bool {
        if case .trace = self { return true }
        return false
    }
}

extension Policy {
    /// Whether some call gets an errno from this policy without running: an `errno` action, or
    /// `trace`/`user_notif`, which fail with ENOSYS when no tracer or listener takes them.
    public var refusesWithErrno: Bool {
        ([defaultAction, badArchAction] + rules.map(\.action)).contains(where: \.answersWithErrno)
    }

    /// The policy as `enforce` installs it under its refusal supervisor: every action that
    /// refuses with an errno (`errno`, `trace`, `user_notif`) becomes `user_notif`, conditions
    /// kept; allows, logs, traps and kills stay. `user_notif` ranks below every signal and kill
    /// and above `trace`, `log` and `allow`, so exactly the calls the policy refuses with an
    /// errno reach the listener; `notifiedErrno(for:)` gives the errno to answer.
    public func notifyingErrnoRefusals() -> Policy {
        mappingActions { $0.answersWithErrno ? .userNotif : $0 }
    }

    /// The errno the policy gives the call `data` (what the supervisor answers for a notified
    /// call): its `errno` action's, ENOSYS for `trace` and `user_notif`; nil when the policy lets
    /// the call run or kills.
    public func notifiedErrno(for data: SeccompData, table: SyscallTable = .shared) -> Int32? {
        switch decide(data, table: table) {
        case .errno(let e): return Int32(e)
        case .trace, .userNotif: return 38  // ENOSYS
        default: return nil
        }
    }
}

extension Action {
    /// Whether the kernel answers a call with this action by an errno without running it:
    /// `errno`, and `trace`/`user_notif` when nothing takes them (ENOSYS).
    public var answersWithErrno: Bool {
        switch self {
        case .errno, .trace, .userNotif: return true
        default: return false
        }
    }
}
