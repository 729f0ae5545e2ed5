/// One syscall, an action, and conditions that must all hold (AND).
/// Several rules for one syscall are alternatives (OR).
public struct Rule: Hashable, Sendable {
    public var syscall: String
    public var action: Action
    public var conditions: [Condition]

    public init(syscall: String, action: Action, conditions: [Condition] = []) {
        self.syscall = syscall
        self.action = action
        self.conditions = conditions
    }

    /// Whether every condition holds for `data`'s arguments on `arch`.
    public func matches(_ data: SeccompData, on arch: Arch) -> Bool {
        conditions.allSatisfy { $0.holds(for: data.args[$0.index], on: arch) }
    }
}

/// Flags passed to `seccomp(SECCOMP_SET_MODE_FILTER, flags, ...)`.
public enum FilterFlag: String, CaseIterable, Codable, Hashable, Sendable {
    case tsync = "SECCOMP_FILTER_FLAG_TSYNC"
    case log = "SECCOMP_FILTER_FLAG_LOG"
    case specAllow = "SECCOMP_FILTER_FLAG_SPEC_ALLOW"
    case newListener = "SECCOMP_FILTER_FLAG_NEW_LISTENER"
    case tsyncEsrch = "SECCOMP_FILTER_FLAG_TSYNC_ESRCH"
    case waitKillableRecv = "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"

    /// The bit in the `flags` argument of `seccomp(2)`.
    public var bit: UInt32 {
        switch self {
        case .tsync: return 1 << 0
        case .log: return 1 << 1
        case .specAllow: return 1 << 2
        case .newListener: return 1 << 3
        case .tsyncEsrch: return 1 << 4
        case .waitKillableRecv: return 1 << 5
        }
    }
}

/// A seccomp policy: what to do with each call of each listed architecture.
public struct Policy: Hashable, Sendable {
    /// What happens to a call no rule matches.
    public var defaultAction: Action
    /// The architectures the filter accepts; calls from any other get `badArchAction`.
    public var architectures: [Arch]
    /// What happens to a call from an architecture the policy does not list.
    public var badArchAction: Action
    public var rules: [Rule]
    public var flags: [FilterFlag]

    public init(defaultAction: Action, architectures: [Arch] = [.host], badArchAction: Action = .killProcess,
                rules: [Rule] = [], flags: [FilterFlag] = []) {
        self.defaultAction = defaultAction
        self.architectures = architectures
        self.badArchAction = badArchAction
        self.rules = rules
        self.flags = flags
    }

    /// The rules that name `syscall`, in policy order.
    public func rules(for syscall: String) -> [Rule] { rules.filter { $0.syscall == syscall } }

    /// The names of every syscall that has a rule, sorted, without repeats.
    public var syscallNames: [String] { Array(Set(rules.map(\.syscall))).sorted() }

    /// The architecture `data` is from, as this policy sees it, or nil when it does not list it.
    /// A number with the x32 bit under `AUDIT_ARCH_X86_64` is x32; only x32 numbers are x32.
    public func architecture(of data: SeccompData) -> Arch? {
        guard let arch = Arch(auditArch: data.arch, nr: data.nr), architectures.contains(arch) else { return nil }
        return arch
    }

    /// The reference decision for one call, with the semantics of DESIGN.md:
    /// architecture first; then the rules of the syscall: AND within a rule, OR across rules,
    /// the most restrictive action among the matching rules; the default action when none match.
    public func decide(_ data: SeccompData, table: SyscallTable = .shared) -> Action {
        guard let arch = architecture(of: data) else { return badArchAction }
        guard let name = table.name(of: data.nr, arch: arch) else { return defaultAction }
        let matching = rules.lazy.filter { $0.syscall == name && $0.matches(data, on: arch) }.map(\.action)
        return Action.mostRestrictive(matching) ?? defaultAction
    }
}
