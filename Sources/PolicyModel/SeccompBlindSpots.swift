/// Calls whose effect a seccomp filter cannot see, and what a policy that allows them lets
/// through. Every command that writes or enforces a policy prints these warnings.
extension Policy {
    /// The actions a call to `syscall` can get on some architecture, whatever its arguments:
    /// every rule's, and the default action unless a rule without conditions applies.
    func possibleActions(of syscall: String) -> [Action] {
        let rules = rules(for: syscall)
        var actions = rules.map(\.action)
        if !rules.contains(where: { $0.conditions.isEmpty }) { actions.append(defaultAction) }
        let top = Action.mostRestrictive(rules.filter(\.conditions.isEmpty).map(\.action))
        return actions.filter { a in top.map { a == $0 || a.isMoreRestrictive(than: $0) } ?? true }
    }

    /// Whether some call to `syscall` can run under the policy.
    func mayAllow(_ syscall: String) -> Bool { possibleActions(of: syscall).contains(where: \.letsCallRun) }

    /// One sentence per blind spot of the policy: io_uring allowed by a rule (its operations bypass seccomp),
    /// `clone` argument rules beside an allowed `clone3` (whose flags sit in memory), i386's
    /// multiplexed calls whose argument rules cannot be checked (`multiplexedWarnings`), and
    /// rules in no filter (`absentCallWarnings`). Every writer of a policy shows these: export,
    /// generate, merge, enforce, ask, and the TUI's save.
    public func blindSpotWarnings() -> [String] {
        var out: [String] = []
        // A rule allows it: a policy allowing everything by default (a deny list) is not told.
        if rules(for: "io_uring_setup").contains(where: \.action.letsCallRun) && mayAllow("io_uring_setup") {
            out.append("io_uring_setup is allowed: the operations of an io_uring (opening files, connecting sockets, "
                + "reading and writing) are not system calls, so no seccomp rule sees them; refuse io_uring_setup "
                + "unless the program needs it")
        }
        if rules(for: "clone").contains(where: { !$0.conditions.isEmpty }) && mayAllow("clone3") {
            out.append("clone's argument rules do not hold for clone3, which the policy allows: clone3's flags sit in "
                + "memory, where a filter cannot read them; refuse clone3 with errno ENOSYS (\"clone3: errno ENOSYS\") "
                + "and glibc falls back to clone")
        }
        return out + multiplexedWarnings() + absentCallWarnings()
    }

    /// One sentence naming the rules whose syscall has no number on any of the policy's
    /// architectures: they are in no filter, so the call they name is decided elsewhere (by the
    /// bad-architecture action, on an architecture not listed). Calls that exist on some of the
    /// architectures are not named: a rule applies where its call exists.
    public func absentCallWarnings(table: SyscallTable = .shared) -> [String] {
        let names = Set(rules.map(\.syscall)).filter { name in
            table.definition(named: name) != nil && architectures.allSatisfy { table.number(of: name, arch: $0) == nil }
        }.sorted()
        guard !names.isEmpty else { return [] }
        let listed = names.count > 12 ? names.prefix(12).joined(separator: ", ") + " and \(names.count - 12) more"
            : names.joined(separator: ", ")
        return ["\(names.count == 1 ? "a rule names a call" : "rules name \(names.count) calls") with no syscall number on "
            + "\(architectures.map(\.rawValue).joined(separator: ", ")), the policy's architectures, so "
            + "\(names.count == 1 ? "it is" : "they are") in no filter: \(listed)"]
    }

    /// The policy with `clone3` refused with ENOSYS when `clone` has argument rules, as Docker's
    /// default profile does: glibc then falls back to `clone`, whose flags the filter can check.
    public func refusingClone3BesideCloneRules() -> Policy {
        guard rules(for: "clone").contains(where: { !$0.conditions.isEmpty }) else { return self }
        var p = self
        p.rules.removeAll { $0.syscall == "clone3" }
        p.rules.append(Rule(syscall: "clone3", action: .errno(38)))
        return p
    }
}
