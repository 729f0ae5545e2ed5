/// What a policy would do to the calls a profile recorded: every call or argument pattern it
/// would refuse, with counts (`seccomp-tui check`).
public struct PolicyCheck: Sendable {
    /// One refused syscall, or one refused argument pattern of a syscall whose arguments decide.
    public struct Finding: Hashable, Sendable {
        public var arch: Arch
        public var syscall: String
        /// The arguments of the refused pattern; nil when the whole syscall is refused.
        public var arguments: [UInt64]?
        public var count: UInt64
        public var action: Action
    }

    /// Recorded calls whose arguments decide but were not kept in the profile (beyond its bound
    /// on distinct calls): they cannot be checked, so they are reported rather than passed.
    public struct Unverified: Hashable, Sendable {
        public var arch: Arch
        public var syscall: String
        public var count: UInt64
    }

    public var findings: [Finding] = []
    public var unverified: [Unverified] = []
    /// Calls checked in all.
    public var checkedCalls: UInt64 = 0

    /// Whether the policy lets the program run as recorded: nothing refused, nothing unverified.
    public var passes: Bool { findings.isEmpty && unverified.isEmpty }

    /// `allow` and `log` let a call run; every other action stops it (trace and user-notif too,
    /// when nobody listens).
    public static func refuses(_ action: Action) -> Bool { action != .allow && action != .log }

    public init(policy: Policy, profile: Profile, table: SyscallTable = .shared) {
        for sp in profile.syscalls {
            checkedCalls &+= sp.count
            let (found, notKept) = Self.check(sp, policy: policy, table: table)
            findings += found
            if let notKept { unverified.append(notKept) }
        }
        findings.sort { ($0.count, $1.syscall) > ($1.count, $0.syscall) }
    }

    /// What `policy` refuses of one syscall's recorded calls, and the calls it could not check.
    public static func check(_ sp: SyscallProfile, policy: Policy,
                             table: SyscallTable = .shared) -> (findings: [Finding], unverified: Unverified?) {
        guard let nr = sp.number ?? table.number(of: sp.name, arch: sp.arch) else { return ([], nil) }
        let probe = SeccompData(nr: nr, arch: sp.arch, args: [])
        let constant: Action? = policy.architecture(of: probe) == nil
            ? policy.badArchAction
            : BPFCompiler.constantAction(of: sp.name, in: policy, on: sp.arch)
                ?? (table.name(of: nr, arch: sp.arch) == nil ? policy.defaultAction : nil)
        if let constant {
            guard refuses(constant) else { return ([], nil) }
            return ([Finding(arch: sp.arch, syscall: sp.name, arguments: nil, count: sp.count, action: constant)], nil)
        }
        var found: [Finding] = []
        for (call, count) in sp.calls.entries {
            let action = policy.decide(SeccompData(nr: nr, arch: sp.arch, args: call.array), table: table)
            if refuses(action) {
                found.append(Finding(arch: sp.arch, syscall: sp.name, arguments: call.array, count: count, action: action))
            }
        }
        let notKept = sp.calls.overflow > 0 ? Unverified(arch: sp.arch, syscall: sp.name, count: sp.calls.overflow) : nil
        return (found, notKept)
    }

    /// One line per finding, most frequent first: `x86_64 ptrace: 12 calls, errno 1`,
    /// `x86_64 socket(0x28, 0x1, 0x0): 3 calls, errno 1`.
    public func lines(table: SyscallTable = .shared) -> [String] {
        var out = findings.map { f -> String in
            var what = "\(f.arch.rawValue) \(f.syscall)"
            if let args = f.arguments {
                let n = table.definition(named: f.syscall)?.arguments.count ?? 6
                what += "(" + args.prefix(n).map { "0x" + String($0, radix: 16) }.joined(separator: ", ") + ")"
            }
            return "\(what): \(f.count) call\(f.count == 1 ? "" : "s"), \(f.action)"
        }
        out += unverified.map {
            "\($0.arch.rawValue) \($0.syscall): \($0.count) call\($0.count == 1 ? "" : "s") not kept in the profile "
                + "(beyond its bound on distinct calls); the arguments decide, so they could not be checked"
        }
        return out
    }
}
