import PolicyModel

/// The user's verdict on one syscall.
enum Verdict: Hashable, Sendable {
    /// Seen and allowed, but not yet confirmed by the user.
    case suggested
    case allow
    case deny(errno: UInt16)
    case kill
    case log

    /// The seccomp action this verdict stands for.
    var action: Action {
        switch self {
        case .suggested, .allow: return .allow
        case .deny(let e): return .errno(e)
        case .kill: return .killProcess
        case .log: return .log
        }
    }

    /// One character for the list.
    var mark: Character {
        switch self {
        case .suggested: return "?"
        case .allow: return "✓"
        case .deny: return "✗"
        case .kill: return "☠"
        case .log: return "L"
        }
    }

    var role: ColorRole {
        switch self {
        case .suggested: return .suggested
        case .allow: return .allow
        case .deny: return .deny
        case .kill: return .kill
        case .log: return .log
        }
    }

    /// Whether argument conditions narrow this verdict (they do for the permissive ones).
    var takesConditions: Bool {
        switch self {
        case .suggested, .allow, .log: return true
        case .deny, .kill: return false
        }
    }
}

/// A restriction of one argument in a syscall's allow rule.
enum ArgRule: Hashable, Sendable {
    /// `arg == v1 || arg == v2 ...`
    case values(Set<UInt64>)
    /// `arg & mask == 0`: no bit outside the allowed ones.
    case maskZero(UInt64)
}

/// Everything the user decided about one syscall.
struct SyscallDecision: Hashable, Sendable {
    var verdict: Verdict = .suggested
    /// Argument restrictions by argument index (AND across arguments).
    var argRules: [Int: ArgRule] = [:]
}

/// All decisions: per syscall name, and the action for everything never seen.
struct Decisions: Hashable, Sendable {
    var bySyscall: [String: SyscallDecision] = [:]
    var defaultAction: Action = .errno(1)

    func decision(for name: String) -> SyscallDecision { bySyscall[name] ?? SyscallDecision() }
}

/// The pure conversion from what was seen and decided to a `Policy`.
enum PolicyBuilder {
    /// The most rules one syscall may expand to (argument alternatives multiply). The reducer
    /// refuses a decision beyond it, so `rules(for:decision:)` never has to drop alternatives.
    static let maxRulesPerSyscall = 256

    /// How many rules `decision` expands to: the product of each argument's alternatives (one
    /// per listed value, one for a mask), `Int.max` when that overflows.
    static func ruleCount(for decision: SyscallDecision) -> Int {
        guard decision.verdict.takesConditions else { return 1 }
        var count = 1
        for rule in decision.argRules.values {
            guard case .values(let vs) = rule else { continue }
            let (product, overflow) = count.multipliedReportingOverflow(by: max(1, vs.count))
            if overflow { return Int.max }
            count = product
        }
        return count
    }

    /// Builds the policy through `PolicyMaker` (the one builder, which also allows the implicit
    /// syscalls): one rule set per seen syscall the table knows, per implicit syscall the user
    /// decided on, and per unseen syscall given an explicit verdict (found by `/`), in name
    /// order; the default action for everything else. With a `base` policy (`--policy`), its
    /// rules for the syscalls not seen here are kept, and its architectures and flags too, so
    /// that a session extends the loaded policy rather than replacing it.
    static func policy(stats: LiveStats, decisions: Decisions, base: Policy? = nil,
                       table: SyscallTable = .shared) -> Policy {
        let decidedImplicit = decisions.bySyscall.filter {
            PolicyMaker.implicitSyscall(named: $0.key) != nil && $0.value != SyscallDecision()
        }.keys
        let explicit = decisions.bySyscall.filter { $0.value.verdict != .suggested }.keys
        let names = Set(stats.rows.map(\.name)).union(decidedImplicit).union(explicit)
            .filter { table.definition(named: $0) != nil }
        var rules = (base?.rules ?? []).filter { !names.contains($0.syscall) }
        for name in names.sorted() {
            rules += self.rules(for: name, decision: decisions.decision(for: name), table: table)
        }
        var architectures = base?.architectures ?? []
        for arch in stats.architectures where !architectures.contains(arch) { architectures.append(arch) }
        if architectures.isEmpty { architectures = [.host] }  // nothing traced yet: the host's calls
        return PolicyMaker.make(defaultAction: decisions.defaultAction, architectures: architectures,
                                badArchAction: base?.badArchAction ?? .killProcess, rules: rules,
                                flags: base?.flags ?? [], table: table)
    }

    /// The rules for one syscall: several alternatives when argument rules list several values.
    static func rules(for name: String, decision: SyscallDecision, table: SyscallTable = .shared) -> [Rule] {
        let action = decision.verdict.action
        guard decision.verdict.takesConditions, !decision.argRules.isEmpty else {
            return [Rule(syscall: name, action: action)]
        }
        let def = table.definition(named: name)
        // Per argument, the alternatives (each a list of conditions).
        var alternatives: [[Condition]] = [[]]
        for (index, argRule) in decision.argRules.sorted(by: { $0.key < $1.key }) {
            let width = def.flatMap { index < $0.arguments.count ? $0.arguments[index].width : nil } ?? .bits64
            let options: [Condition]
            switch argRule {
            case .values(let vs):
                options = vs.sorted().map { Condition(index: index, op: .eq, value: $0 & width.mask, width: width) }
            case .maskZero(let m):
                options = [Condition(index: index, op: .maskedEq, value: m & width.mask, valueTwo: 0, width: width)]
            }
            var next: [[Condition]] = []
            for prefix in alternatives {
                for c in options where next.count < maxRulesPerSyscall { next.append(prefix + [c]) }
            }
            alternatives = next
        }
        return alternatives.map { Rule(syscall: name, action: action, conditions: $0) }
    }
}
