/// How much of what a trace saw of one syscall a policy refuses: the figure the TUI's status
/// line shows when a decision bites (`refuses 67 of 101 newfstatat calls seen`) and `check`
/// prints per syscall.
public struct RefusalImpact: Hashable, Sendable {
    public var arch: Arch
    public var syscall: String
    /// Calls seen that the policy refuses.
    public var refused: UInt64
    /// Calls seen in all.
    public var seen: UInt64
    /// The refusing actions, most restrictive first.
    public var actions: [Action]

    public init(arch: Arch, syscall: String, refused: UInt64, seen: UInt64, actions: [Action]) {
        self.arch = arch
        self.syscall = syscall
        self.refused = refused
        self.seen = seen
        self.actions = actions
    }

    /// `refuses 67 of 101 newfstatat calls seen` (`refuses all 3 ptrace calls seen` when it refuses every one).
    public var sentence: String {
        let calls = "\(syscall) call\(seen == 1 ? "" : "s") seen"
        return refused == seen ? "refuses all \(seen) \(calls)" : "refuses \(refused) of \(seen) \(calls)"
    }
}

extension RefusalImpact {
    /// What `policy` refuses of the calls `sp` recorded (nil when it refuses none), with the
    /// refused calls themselves (argument vectors and counts) for listing them. Calls beyond the
    /// profile's bound on distinct calls cannot be judged one by one and are not counted.
    public static func of(_ sp: SyscallProfile, policy: Policy,
                          table: SyscallTable = .shared) -> (impact: RefusalImpact, calls: [PolicyCheck.Finding])? {
        let found = PolicyCheck.check(sp, policy: policy, table: table).findings
        guard !found.isEmpty else { return nil }
        let refused = found.reduce(UInt64(0)) { $0 &+ $1.count }
        var actions: [Action] = []
        for f in found where !actions.contains(f.action) { actions.append(f.action) }
        actions.sort { $0.severity > $1.severity }
        return (RefusalImpact(arch: sp.arch, syscall: sp.name, refused: refused, seen: sp.count, actions: actions),
                found.sorted { $0.count > $1.count })
    }
}

extension PolicyCheck {
    /// One impact per syscall with refused calls, in order of `findings` (most refused first);
    /// `profile` is the one checked (for the calls seen).
    public func impacts(profile: Profile) -> [RefusalImpact] {
        var order: [String] = []
        var byKey: [String: RefusalImpact] = [:]
        for f in findings {
            let key = "\(f.arch.rawValue) \(f.syscall)"
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = RefusalImpact(arch: f.arch, syscall: f.syscall, refused: 0,
                                           seen: profile.syscall(named: f.syscall, arch: f.arch)?.count ?? f.count, actions: [])
            }
            byKey[key]!.refused &+= f.count
            if !byKey[key]!.actions.contains(f.action) { byKey[key]!.actions.append(f.action) }
        }
        return order.map { key in
            var i = byKey[key]!
            i.actions.sort { $0.severity > $1.severity }
            return i
        }
    }
}
