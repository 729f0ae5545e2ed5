/// Ask mode's policies: the filter that sends every undecided call to the supervisor, the
/// answers given "always", and the policy saved at the end.
extension Policy {
    /// The syscalls that run a new program. Ask mode's filter sends them to the supervisor even
    /// where the policy allows them: the supervisor must hold the listener before the command's
    /// own `execve` runs (the listener is close-on-exec in the child), so it answers them itself
    /// with the policy's decision.
    public static let execSyscalls = ["execve", "execveat"]

    /// The policy as `ask` installs it: every call no rule decides returns `user_notif`, and so
    /// do the calls that `execSyscalls` rules let run; `PolicyMaker.implicitSyscalls` that
    /// have no rule are allowed (a program must be able to exit and return from signal handlers
    /// without asking). The bad-architecture action stays as it is.
    public func askingUndecided() -> Policy {
        var p = self
        p.defaultAction = .userNotif
        p.rules = rules.map { r in
            guard Policy.execSyscalls.contains(r.syscall), r.action.letsCallRun else { return r }
            return Rule(syscall: r.syscall, action: .userNotif, conditions: r.conditions)
        }
        let named = Set(rules.map(\.syscall))
        for s in PolicyMaker.implicitSyscalls(on: architectures.isEmpty ? [.host] : architectures)
        where !named.contains(s.name) {
            p.rules.append(Rule(syscall: s.name, action: .allow))
        }
        return p
    }

    /// The action of the most restrictive rule matching `data`, nil when no rule matches (the
    /// call is not decided explicitly) or `data`'s architecture is not listed.
    public func ruleDecision(_ data: SeccompData, table: SyscallTable = .shared) -> Action? {
        guard let arch = architecture(of: data), let name = table.name(of: data.nr, arch: arch) else { return nil }
        return Action.mostRestrictive(rules.lazy.filter { $0.syscall == name && $0.matches(data, on: arch) }.map(\.action))
    }
}

/// The answers given "always" in an ask session: rules the supervisor applies itself to later
/// calls (only the task itself can install a filter, so the kernel's filter cannot grow: the
/// supervisor keeps this set instead), and which the saved policy gains.
public struct AskRules: Hashable, Sendable {
    public private(set) var rules: [Rule] = []

    public init(rules: [Rule] = []) { self.rules = rules }

    /// Adds a rule (once).
    public mutating func add(_ rule: Rule) {
        if !rules.contains(rule) { rules.append(rule) }
    }

    /// The answer for `data` (the most restrictive of the matching rules), nil to ask.
    public func decision(for data: SeccompData, architectures: [Arch], table: SyscallTable = .shared) -> Action? {
        guard !rules.isEmpty else { return nil }
        return Policy(defaultAction: .userNotif, architectures: architectures, rules: rules).ruleDecision(data, table: table)
    }

    /// The policy to save: `base` with these rules added; `launchedExec` adds `execve: allow`
    /// when neither `base` nor an answer has a rule for `execve` (the command's own exec, which
    /// the supervisor let run: without it the saved policy could not start the command), made
    /// by `PolicyMaker` (the implicit syscalls allowed when the policy allows anything). `base` is nil when no policy was given: the default is then `errno EPERM`.
    public func savedPolicy(base: Policy?, launchedExec: Bool) -> Policy {
        var p = base ?? Policy(defaultAction: .errno(1))
        for r in rules where !p.rules.contains(r) { p.rules.append(r) }
        if launchedExec && !p.rules.contains(where: { $0.syscall == "execve" }) {
            p.rules.append(Rule(syscall: "execve", action: .allow))
        }
        return PolicyMaker.make(from: p)
    }
}
