/// Turning recorded profiles into a policy that allows what was seen.
public enum PolicyGeneration {
    /// Whether rules get argument conditions.
    public enum ArgumentRules: String, Sendable, CaseIterable {
        /// Every seen syscall is allowed whatever its arguments.
        case none
        /// Arguments in `safeArguments` that took few distinct values get one rule per value.
        case safe
    }

    /// The arguments that `--arg-rules safe` may restrict: plain numbers (never pointers) with a
    /// small set of meaningful values that seccomp can compare exactly.
    public static let safeArguments: [(syscall: String, argument: String)] = [
        ("socket", "domain"), ("ioctl", "cmd"), ("prctl", "option"), ("clone", "clone_flags"),
        ("personality", "personality"), ("fcntl", "cmd"),
    ]

    public struct Options: Sendable {
        public var defaultAction: Action
        public var argumentRules: ArgumentRules
        /// The most distinct values a safe argument may have taken to get conditions.
        public var maxDistinctValues: Int

        public init(defaultAction: Action = .errno(1), argumentRules: ArgumentRules = .none, maxDistinctValues: Int = 8) {
            self.defaultAction = defaultAction
            self.argumentRules = argumentRules
            self.maxDistinctValues = maxDistinctValues
        }
    }

    /// The generated policy, and the syscalls that could not be named (numbers the syscall
    /// table does not know; they stay denied by the default action).
    public struct Result: Sendable {
        public var policy: Policy
        public var unnamed: [String]
    }

    /// A policy allowing every syscall seen in `profiles` (merged first), on the architectures
    /// they were seen on (the host's when none), made by `PolicyMaker` (which adds the implicit
    /// syscalls).
    public static func policy(from profiles: [Profile], options: Options = .init(), table: SyscallTable = .shared) -> Result {
        var merged = Profile(table: table)
        for p in profiles { merged.merge(p) }
        var byName: [String: TopValues?] = [:]
        var unnamed: [String] = []
        for s in merged.syscalls {
            guard table.definition(named: s.name) != nil else { unnamed.append("\(s.name) [\(s.arch.rawValue)]"); continue }
            let safe = safeArgumentIndex(of: s.name, table: table)
            let histogram = safe.flatMap { $0 < s.arguments.count ? s.arguments[$0] : nil }
            if let existing = byName[s.name] {
                if var h = existing, let other = histogram { h.merge(other); byName[s.name] = .some(h) }
            } else {
                byName[s.name] = .some(histogram)
            }
        }
        var rules: [Rule] = []
        for name in byName.keys.sorted() {
            if options.argumentRules == .safe, let index = safeArgumentIndex(of: name, table: table),
               let h = byName[name] ?? nil, let distinct = h.exactDistinctCount, distinct <= options.maxDistinctValues,
               distinct > 0 {
                let width = table.definition(named: name)!.arguments[index].width
                let values = Set(h.values.map { $0 & width.mask }).sorted()
                for v in values {
                    rules.append(Rule(syscall: name, action: .allow,
                                      conditions: [Condition(index: index, op: .eq, value: v, width: width)]))
                }
            } else {
                rules.append(Rule(syscall: name, action: .allow))
            }
        }
        let policy = PolicyMaker.make(defaultAction: options.defaultAction, architectures: merged.architectures,
                                      rules: rules, table: table)
        // clone's flags checked, clone3's not: clone3 fails with ENOSYS and glibc falls back to clone.
        return Result(policy: policy.refusingClone3BesideCloneRules(), unnamed: unnamed)
    }

    /// The index of the argument of `syscall` that `--arg-rules safe` may restrict.
    public static func safeArgumentIndex(of syscall: String, table: SyscallTable = .shared) -> Int? {
        guard let arg = safeArguments.first(where: { $0.syscall == syscall })?.argument,
              let def = table.definition(named: syscall), let i = def.argumentIndex(named: arg),
              !def.arguments[i].isPointer else { return nil }
        return i
    }
}

/// Combining policies.
public enum PolicyUnion {
    /// The union of `policies`' rules (identical rules once), architectures and flags. Where
    /// they disagree on the default or bad-architecture action the most restrictive is kept
    /// (fail closed); `disagreements` says so. The result is made by `PolicyMaker` (the implicit
    /// syscalls are allowed when it allows anything).
    public static func union(_ policies: [Policy]) -> (policy: Policy, disagreements: [String]) {
        guard var out = policies.first else { return (Policy(defaultAction: .killProcess), []) }
        var notes: [String] = []
        var seen = Set(out.rules)
        for p in policies.dropFirst() {
            if p.defaultAction != out.defaultAction {
                let kept = Action.mostRestrictive([out.defaultAction, p.defaultAction]) ?? out.defaultAction
                notes.append("default actions differ (\(out.defaultAction), \(p.defaultAction)): keeping \(kept)")
                out.defaultAction = kept
            }
            if p.badArchAction != out.badArchAction {
                out.badArchAction = Action.mostRestrictive([out.badArchAction, p.badArchAction]) ?? out.badArchAction
            }
            for a in p.architectures where !out.architectures.contains(a) { out.architectures.append(a) }
            for f in p.flags where !out.flags.contains(f) { out.flags.append(f) }
            for r in p.rules where !seen.contains(r) {
                seen.insert(r)
                out.rules.append(r)
            }
        }
        out.architectures.sort()
        return (PolicyMaker.make(from: out), notes)
    }

    /// The syscalls that two or more of `policies` give rules with different actions, each with
    /// the actions of every policy that has rules for it (by index into `policies`), in name order.
    public static func conflicts(_ policies: [Policy]) -> [(syscall: String, actions: [(input: Int, actions: [Action])])] {
        var byName: [String: [(input: Int, actions: [Action])]] = [:]
        for (i, p) in policies.enumerated() {
            var actions: [String: [Action]] = [:]
            for r in p.rules where !(actions[r.syscall]?.contains(r.action) ?? false) {
                actions[r.syscall, default: []].append(r.action)
            }
            for (name, a) in actions { byName[name, default: []].append((i, a)) }
        }
        return byName.filter { Set($0.value.map { Set($0.actions.map(\.description)) }).count > 1 }
            .sorted { $0.key < $1.key }
            .map { (syscall: $0.key, actions: $0.value) }
    }
}
