/// A container runtime whose own code runs under the container's seccomp filter for a while:
/// the filter is installed by the runtime's init process, which then makes more system calls
/// before it execs the container's program. A policy learned by tracing the program alone lacks
/// them; `export --format oci --runtime NAME` adds them.
public enum ContainerRuntime: String, CaseIterable, Sendable {
    /// Our own `enforce`: the filter is installed right before `execve`, nothing to add.
    case none
    case runc
    case crun

    /// The syscalls the runtime's init makes between installing the filter and `execve`
    /// (`execve` itself is the program's), or an error when they are not known.
    ///
    /// runc (measured on runc 1.1.5, libseccomp 2.5.4, Linux 6.18 x86_64; see docs/runtimes.md):
    /// the container ran with a profile whose default action is `SCMP_ACT_LOG`, so that the
    /// kernel logs every call made under the filter (audit type 1326 with
    /// `kernel.printk_ratelimit=0`), and the calls logged for `comm="runc:[2:INIT]"` were kept.
    /// Three runs gave the same set each time.
    /// - `noNewPrivileges: true` (runc installs the filter last): close, write,
    ///   getpid, fstatfs, futex, getdents64, epoll_ctl, openat (the exec fifo and `/proc/self/fd`).
    /// - `noNewPrivileges: false` (runc installs the filter before dropping privileges) adds:
    ///   read, fstat, fcntl, getcwd, chdir, setuid, setgid, getppid, setgroups, capget, capset,
    ///   prctl, newfstatat, faccessat2.
    /// - runc init is a Go program: a second measurement with `strace -f` showed the Go runtime
    ///   on init's threads at that moment using nanosleep, epoll_pwait, sched_yield, tgkill,
    ///   rt_sigreturn (the SIGURG preemption signal) and futex; they are added too, since the
    ///   runtime may run them on the filtered thread, and on every thread under
    ///   `SECCOMP_FILTER_FLAG_TSYNC`.
    public func extraSyscalls() throws(ContainerRuntimeError) -> [String] {
        switch self {
        case .none:
            return []
        case .runc:
            return ContainerRuntime.runcAfterFilterNoNewPrivs + ContainerRuntime.runcAfterFilterPrivileged
                + ContainerRuntime.goRuntime
        case .crun:
            throw .notMeasured(self, reason: "crun 1.8 cannot start containers on this machine's cgroup layout, "
                + "so its calls after installing the filter could not be measured; export with --runtime none "
                + "and allow what crun's init needs by hand")
        }
    }

    /// Measured: runc 1.1.5 init with `noNewPrivileges: true`.
    static let runcAfterFilterNoNewPrivs = [
        "close", "write", "getpid", "fstatfs", "futex", "getdents64", "epoll_ctl", "openat",
    ]
    /// Measured: runc 1.1.5 init with `noNewPrivileges: false`, beyond the list above.
    static let runcAfterFilterPrivileged = [
        "read", "fstat", "fcntl", "getcwd", "chdir", "setuid", "setgid", "getppid", "setgroups",
        "capget", "capset", "prctl", "newfstatat", "faccessat2",
    ]
    /// Measured with strace: the Go runtime's calls on runc init's threads in that window.
    static let goRuntime = ["nanosleep", "epoll_pwait", "sched_yield", "tgkill", "rt_sigreturn", "futex"]
}

public enum ContainerRuntimeError: Error, Equatable, Sendable, CustomStringConvertible {
    case notMeasured(ContainerRuntime, reason: String)

    public var description: String {
        switch self {
        case .notMeasured(let r, let reason): return "--runtime \(r.rawValue): \(reason)"
        }
    }
}

extension Policy {
    /// The policy with what `runtime`'s init needs after installing the filter allowed on every
    /// listed architecture: an allow rule for each of its syscalls the policy does not already
    /// allow whatever the arguments; rules that would refuse one of them are dropped (the
    /// container could not start otherwise). Returns the new policy and one note per change.
    public func adding(runtime: ContainerRuntime, table: SyscallTable = .shared)
        throws(ContainerRuntimeError) -> (policy: Policy, notes: [String]) {
        adding(runtimeSyscalls: try runtime.extraSyscalls(), of: runtime.rawValue, table: table)
    }

    /// The same for a list of calls a runtime's init was seen making (`seccomp-tui hook` records
    /// them); `runtime` names it in the notes.
    public func adding(runtimeSyscalls: [String], of runtime: String, table: SyscallTable = .shared)
        -> (policy: Policy, notes: [String]) {
        var p = self
        var notes: [String] = []
        var seen = Set<String>()
        var added: [String] = []
        for name in runtimeSyscalls where seen.insert(name).inserted {
            let arches = architectures.filter { table.number(of: name, arch: $0) != nil }
            guard !arches.isEmpty else { continue }
            let allowed = arches.allSatisfy {
                BPFCompiler.constantAction(of: name, in: p, on: $0)?.letsCallRun == true
            }
            if allowed { continue }
            let refusing = p.rules.filter { $0.syscall == name && !$0.action.letsCallRun }
            if !refusing.isEmpty {
                p.rules.removeAll { $0.syscall == name && !$0.action.letsCallRun }
                notes.append("\(name): dropped \(refusing.count) rule\(refusing.count == 1 ? "" : "s") refusing it; "
                    + "\(runtime) needs it before the program starts")
            }
            p.rules.append(Rule(syscall: name, action: .allow))
            added.append(name)
        }
        if !added.isEmpty { notes.append("allowed for \(runtime)'s init: " + added.joined(separator: " ")) }
        return (p, notes)
    }
}
