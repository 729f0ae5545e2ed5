/// One syscall, an action, and conditions that must all hold (AND).
/// Several rules for one syscall are alternatives (OR).
public struct Rule: Hashable, Sendable {
    // Stored in this order so that the action fills the condition's padding: 40 bytes a rule
    // (the 20-byte conditions, the 3-byte action, then the name at the next 8-byte boundary)
    // where the order name, action, conditions takes 48.
    private var storedConditions: StoredConditions
    public var action: Action
    public var syscall: String

    public init(syscall: String, action: Action, conditions: [Condition] = []) {
        self.syscall = syscall
        self.action = action
        self.storedConditions = StoredConditions(conditions)
    }

    /// The conditions that must all hold (AND); none for a rule that always applies.
    public var conditions: [Condition] {
        get {
            switch storedConditions {
            case .one(let condition): return [condition]
            case .list(let list): return list
            }
        }
        set { storedConditions = StoredConditions(newValue) }
    }

    /// The condition of a rule with exactly one, read without making an array (for loops over
    /// millions of rules).
    public var onlyCondition: Condition? {
        if case .one(let condition) = storedConditions { return condition }
        return nil
    }

    /// A rule's conditions as they are kept: most rules have one condition, held in the rule
    /// itself rather than in an array of its own (a policy of a million one-condition rules takes
    /// 40 bytes a rule instead of 96). Always in this normal form, so the synthesised equality of
    /// `Rule` is that of the conditions.
    private enum StoredConditions: Hashable, Sendable {
        case one(Condition)
        case list([Condition])

        init(_ conditions: [Condition]) {
            self = conditions.count == 1 ? .one(conditions[0]) : .list(conditions)
        }
    }

    /// Whether every condition holds for `data`'s arguments on `arch`.
    public func matches(_ data: SeccompData, on arch: Arch) -> Bool {
        switch storedConditions {
        case .one(let c): return c.holds(for: data.args[c.index], on: arch)
        case .list(let list): return list.allSatisfy { $0.holds(for: data.args[$0.index], on: arch) }
        }
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
    ///
    /// Under `AUDIT_ARCH_X86_64` the numbers from `0x40000000` up are x32's, as libseccomp (so
    /// runc, podman and docker) splits them: refused with the bad-arch action unless the policy
    /// lists x32. The one exception is -1, the number a tracer writes to skip a call: it belongs
    /// to x86_64 (x32 when only x32 is listed) and gets the default action. No syscall has any of
    /// these numbers besides x32's (the kernel returns ENOSYS), so refusing them costs nothing,
    /// and deciding them as libseccomp does keeps an exported profile's meaning exact.
    public func architecture(of data: SeccompData) -> Arch? {
        let nr = UInt32(bitPattern: data.nr)
        let x32Range = nr >= Arch.x32SyscallBit && nr != UInt32.max
        for arch in Arch.candidates(auditArch: data.arch) where architectures.contains(arch) {
            switch arch {
            case .x86_64 where x32Range: continue
            case .x32 where !x32Range && (nr != UInt32.max || architectures.contains(.x86_64)): continue
            default: return arch
            }
        }
        return nil
    }

    /// The rules that decide `syscall` on `arch`: its own, and on i386 for `socketcall` and `ipc`
    /// those of the calls they multiplex (`SyscallMultiplexer`).
    public func rules(for syscall: String, on arch: Arch) -> [Rule] {
        let own = rules(for: syscall)
        guard let mux = SyscallMultiplexer(name: syscall, arch: arch) else { return own }
        return own + mux.rules(in: self)
    }

    /// The reference decision for one call, with the semantics of DESIGN.md:
    /// architecture first; then the rules of the syscall: AND within a rule, OR across rules,
    /// the most restrictive action among the matching rules; the default action when none match.
    public func decide(_ data: SeccompData, table: SyscallTable = .shared) -> Action {
        guard let arch = architecture(of: data) else { return badArchAction }
        guard let name = table.name(of: data.nr, arch: arch) else { return defaultAction }
        let matching = rules(for: name, on: arch).lazy.filter { $0.matches(data, on: arch) }.map(\.action)
        return Action.mostRestrictive(matching) ?? defaultAction
    }
}
