/// i386's multiplexed calls: `socketcall(call, args)` (102) reaches every socket call and
/// `ipc(call, ...)` (117) every SysV IPC call, besides their own numbers (socket calls since
/// Linux 4.3, IPC calls since 5.1; `accept`, `semop` and `semtimedop` have none). A rule on one of
/// these calls covers its multiplexed form too, as libseccomp does, so that `socket: kill` also
/// kills `socketcall(SYS_SOCKET, ...)`.
///
/// The multiplexed calls' arguments sit in memory, where a filter cannot read them. So the
/// multiplexed form of a call gets the most restrictive action its rules can give (the default
/// action included unless an unconditional rule applies): exact when the call's outcome does not
/// depend on its arguments, a refusal otherwise (`multiplexedWarnings` says so).
public enum SyscallMultiplexer: String, CaseIterable, Sendable {
    case socketcall
    case ipc

    /// The multiplexer called `name` on `arch`, if any: only i386 has them.
    public init?(name: String, arch: Arch) {
        guard arch == .i386, let mux = SyscallMultiplexer(rawValue: name) else { return nil }
        self = mux
    }

    /// The call numbers (the first argument) and the syscalls they select, from
    /// `include/uapi/linux/net.h` (`SYS_SOCKET` ...) and `ipc/syscall.c` (`SEMOP` ...).
    /// `SYS_SEND` and `SYS_RECV` run the kernel's `sendto` and `recvfrom` with no address, so
    /// rules on those cover them.
    public var calls: [(number: UInt64, syscall: String)] {
        switch self {
        case .socketcall:
            return [(1, "socket"), (2, "bind"), (3, "connect"), (4, "listen"), (5, "accept"), (6, "getsockname"),
                    (7, "getpeername"), (8, "socketpair"), (9, "sendto"), (10, "recvfrom"), (11, "sendto"),
                    (12, "recvfrom"), (13, "shutdown"), (14, "setsockopt"), (15, "getsockopt"), (16, "sendmsg"),
                    (17, "recvmsg"), (18, "accept4"), (19, "recvmmsg"), (20, "sendmmsg")]
        case .ipc:
            return [(1, "semop"), (2, "semget"), (3, "semctl"), (4, "semtimedop"), (11, "msgsnd"), (12, "msgrcv"),
                    (13, "msgget"), (14, "msgctl"), (21, "shmat"), (22, "shmdt"), (23, "shmget"), (24, "shmctl")]
        }
    }

    /// The test on the first argument that selects call `number`. `ipc` reads only the low 16
    /// bits as the call (the high ones are a version: `ipc(SEMGET | 1 << 16, ...)` is `semget`),
    /// so its test is masked; libseccomp compares all of them and misses such calls.
    public func selector(_ number: UInt64) -> Condition {
        switch self {
        case .socketcall: return Condition(index: 0, op: .eq, value: number, width: .bits32)
        case .ipc: return Condition(index: 0, op: .maskedEq, value: 0xFFFF, valueTwo: number, width: .bits32)
        }
    }

    /// The syscalls this multiplexer reaches, without repeats.
    public var syscalls: [String] {
        var out: [String] = []
        for c in calls where !out.contains(c.syscall) { out.append(c.syscall) }
        return out
    }

    /// The rules the multiplexer gets from the calls it reaches in `policy`: for each call number
    /// whose syscall has rules, one rule selecting it with `action(of:in:)`.
    public func rules(in policy: Policy) -> [Rule] {
        calls.compactMap { call in
            action(of: call.syscall, in: policy).map {
                Rule(syscall: rawValue, action: $0, conditions: [selector(call.number)])
            }
        }
    }

    /// The action `syscall`'s multiplexed form gets, nil when the policy has no rule for it: the
    /// most restrictive its rules can give, the default action included unless a rule without
    /// conditions applies.
    /// Tests are taken as i386 compares them: a rule with a test that never holds there (`key >
    /// 0xffffffff`) is left out, one whose tests always hold counts as unconditional.
    public func action(of syscall: String, in policy: Policy) -> Action? {
        let outcomes = policy.rules(for: syscall).map { rule -> (action: Action, tests: Set<Bool?>) in
            (rule.action, Set(rule.conditions.map { c -> Bool? in
                if case .always(let b) = BPFCheck.normalize(c, on: .i386) { return b }
                return nil
            }))
        }.filter { !$0.tests.contains(false) }
        guard !outcomes.isEmpty else { return nil }
        var actions = outcomes.map(\.action)
        if !outcomes.contains(where: { $0.tests.subtracting([true]).isEmpty }) { actions.append(policy.defaultAction) }
        return Action.mostRestrictive(actions)
    }

    /// The multiplexer reaching `syscall`, if any.
    public static func reaching(_ syscall: String) -> SyscallMultiplexer? {
        allCases.first { $0.syscalls.contains(syscall) }
    }
}

extension Policy {
    /// One sentence per syscall whose argument rules i386's multiplexed form cannot check, when the
    /// policy lists i386: what the multiplexed call gets instead.
    public func multiplexedWarnings() -> [String] {
        guard architectures.contains(.i386) else { return [] }
        var out: [String] = []
        for mux in SyscallMultiplexer.allCases {
            for name in mux.syscalls where rules(for: name).contains(where: { !$0.conditions.isEmpty }) {
                let numbers = mux.calls.filter { $0.syscall == name }.map { String($0.number) }.joined(separator: " and ")
                out.append("\(name)'s argument rules cannot be checked through i386's \(mux.rawValue) (call \(numbers)): "
                    + "its arguments sit in memory, so \(mux.rawValue) reaching \(name) gets "
                    + "\(mux.action(of: name, in: self)!), the most restrictive action \(name)'s rules can give")
            }
        }
        return out
    }
}
