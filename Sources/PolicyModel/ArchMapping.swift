/// Writing a policy learned on one architecture for another (`export --target-arch`): a
/// syscall the target has under the same name keeps its rules; one it lacks becomes what the
/// target's C library calls instead (this table, the one place it is written); one with no
/// counterpart is an error naming it.
public enum ArchMapping {
    /// A syscall some architectures lack and what their C library calls in its place.
    public struct Replacement: Sendable, Equatable {
        public var from: String
        public var to: String
        /// For each argument of `from`, its index in `to` (nil: `to` has no such argument; a rule
        /// that tests it cannot be carried over).
        public var arguments: [Int?]
    }

    /// The replacements, tested against the generated syscall tables (every name a target lacks
    /// is here, in `withoutSyscall` or in `noCounterpart`).
    public static let replacements: [Replacement] = [
        // asm-generic architectures (aarch64) have only the *at and flag-taking forms.
        .init(from: "open", to: "openat", arguments: [1, 2, 3]),
        .init(from: "creat", to: "openat", arguments: [1, 3]),
        .init(from: "stat", to: "newfstatat", arguments: [1, 2]),
        .init(from: "lstat", to: "newfstatat", arguments: [1, 2]),
        .init(from: "access", to: "faccessat", arguments: [1, 2]),
        .init(from: "chmod", to: "fchmodat", arguments: [1, 2]),
        .init(from: "chown", to: "fchownat", arguments: [1, 2, 3]),
        .init(from: "lchown", to: "fchownat", arguments: [1, 2, 3]),
        .init(from: "mkdir", to: "mkdirat", arguments: [1, 2]),
        .init(from: "mknod", to: "mknodat", arguments: [1, 2, 3]),
        .init(from: "rmdir", to: "unlinkat", arguments: [1]),
        .init(from: "unlink", to: "unlinkat", arguments: [1]),
        .init(from: "link", to: "linkat", arguments: [1, 3]),
        .init(from: "symlink", to: "symlinkat", arguments: [0, 2]),
        .init(from: "readlink", to: "readlinkat", arguments: [1, 2, 3]),
        .init(from: "rename", to: "renameat", arguments: [1, 3]),
        .init(from: "utime", to: "utimensat", arguments: [1, nil]),
        .init(from: "utimes", to: "utimensat", arguments: [1, nil]),
        .init(from: "futimesat", to: "utimensat", arguments: [0, 1, nil]),
        .init(from: "poll", to: "ppoll", arguments: [0, 1, nil]),
        .init(from: "select", to: "pselect6", arguments: [0, 1, 2, 3, nil]),
        .init(from: "pause", to: "ppoll", arguments: []),
        .init(from: "dup2", to: "dup3", arguments: [0, 1]),
        .init(from: "pipe", to: "pipe2", arguments: [0]),
        .init(from: "epoll_wait", to: "epoll_pwait", arguments: [0, 1, 2, 3]),
        .init(from: "epoll_create", to: "epoll_create1", arguments: [nil]),
        .init(from: "eventfd", to: "eventfd2", arguments: [0]),
        .init(from: "signalfd", to: "signalfd4", arguments: [0, 1, 2]),
        .init(from: "inotify_init", to: "inotify_init1", arguments: []),
        .init(from: "fork", to: "clone", arguments: []),
        .init(from: "vfork", to: "clone", arguments: []),
        .init(from: "getdents", to: "getdents64", arguments: [0, 1, 2]),
        .init(from: "getpgrp", to: "getpgid", arguments: []),
        .init(from: "alarm", to: "setitimer", arguments: [nil]),
        .init(from: "time", to: "clock_gettime", arguments: [nil]),
        // i386 has these only in other forms.
        .init(from: "newfstatat", to: "fstatat64", arguments: [0, 1, 2, 3]),
        .init(from: "accept", to: "accept4", arguments: [0, 1, 2]),
        .init(from: "semop", to: "semtimedop_time64", arguments: [0, 1, 2]),
        .init(from: "semtimedop", to: "semtimedop_time64", arguments: [0, 1, 2, 3]),
    ]

    /// Calls whose work the named architectures do without a syscall: dropped, with a note.
    public static let withoutSyscall: [String: (arches: Set<Arch>, reason: String)] = [
        "arch_prctl": ([.aarch64], "aarch64 sets the thread pointer (TPIDR_EL0) without a syscall"),
    ]

    /// Calls with no counterpart anywhere else: obsolete, x86-only or unimplemented. Listed so
    /// that the table test can tell a forgotten name from a known dead end.
    static let noCounterpart: Set = [
        "_sysctl", "afs_syscall", "create_module", "epoll_ctl_old", "epoll_wait_old", "get_kernel_syms",
        "get_thread_area", "set_thread_area", "getpmsg", "putpmsg", "ioperm", "iopl", "modify_ldt", "query_module",
        "security", "sysfs", "tuxcall", "uselib", "ustat", "vserver", "nfsservctl", "kexec_file_load",
    ]

    static let byName: [String: Replacement] = Dictionary(uniqueKeysWithValues: replacements.map { ($0.from, $0) })

    /// `policy` for `target`: its rules on `target` only, each syscall the target lacks replaced
    /// (one note per replacement or drop). A syscall with no counterpart, or a condition on an
    /// argument the replacement lacks, is an error naming it.
    public static func retarget(_ policy: Policy, to target: Arch, table: SyscallTable = .shared)
        throws(ArchMappingError) -> (policy: Policy, notes: [String]) {
        var out = policy
        out.architectures = [target]
        out.rules = []
        var notes: [String: Int] = [:]
        var order: [String] = []
        func note(_ s: String) { if notes[s] == nil { order.append(s) }; notes[s, default: 0] += 1 }
        for rule in policy.rules {
            if table.number(of: rule.syscall, arch: target) != nil || table.definition(named: rule.syscall) == nil {
                out.rules.append(rule)  // the same name (or one no table knows, which the writers report)
                continue
            }
            if let skip = withoutSyscall[rule.syscall], skip.arches.contains(target) {
                note("\(rule.syscall): dropped: \(skip.reason)")
                continue
            }
            guard let r = byName[rule.syscall], table.number(of: r.to, arch: target) != nil else {
                throw .noCounterpart(syscall: rule.syscall, arch: target)
            }
            var mapped = rule
            mapped.syscall = r.to
            mapped.conditions = []
            for c in rule.conditions {
                guard c.index < r.arguments.count, let to = r.arguments[c.index] else {
                    let name = table.definition(named: rule.syscall)?.arguments[safe: c.index]?.name ?? "arg\(c.index)"
                    throw .argumentLost(syscall: rule.syscall, argument: name, replacement: r.to, arch: target)
                }
                var moved = c
                moved.index = to
                mapped.conditions.append(moved)
            }
            out.rules.append(mapped)
            note("\(rule.syscall) → \(r.to)")
        }
        if target == .i386, out.rules.contains(where: { $0.syscall == "rt_sigreturn" && $0.action.letsCallRun }),
           !out.rules.contains(where: { $0.syscall == "sigreturn" }) {
            out.rules.append(Rule(syscall: "sigreturn", action: .allow))
            note("sigreturn: allowed (i386 returns from old-style signal handlers with it, as rt_sigreturn is allowed)")
        }
        if out.rules.contains(where: { !$0.conditions.isEmpty }) {
            note("argument values are carried over as numbers: check flags whose values differ on \(target.rawValue) "
                + "(for aarch64, open's O_DIRECTORY, O_NOFOLLOW, O_DIRECT and O_LARGEFILE)")
        }
        let lines = order.map { n in notes[n]! > 1 && n.contains("→") ? "\(n) (\(notes[n]!) rules)" : n }
        return (out, lines)
    }
}

/// A policy that cannot be carried to another architecture.
public enum ArchMappingError: Error, Equatable, Sendable, CustomStringConvertible {
    case noCounterpart(syscall: String, arch: Arch)
    case argumentLost(syscall: String, argument: String, replacement: String, arch: Arch)

    public var description: String {
        switch self {
        case .noCounterpart(let s, let a):
            return "\(s) has no counterpart on \(a.rawValue): remove its rules (or decide it on a trace taken on \(a.rawValue))"
        case .argumentLost(let s, let arg, let r, let a):
            return "\(s) becomes \(r) on \(a.rawValue), which has no argument for \(s)'s \(arg): a rule testing it cannot be carried over"
        }
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
