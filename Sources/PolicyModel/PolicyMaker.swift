/// The one place where a policy is made from decisions, profiles or other policies: the TUI's
/// save, `generate`, `merge` and `enforce --complain --tui` all end here, so that every policy
/// the tool writes holds the same promises (DESIGN.md, "Calls every program needs").
public enum PolicyMaker {
    /// A syscall every policy that allows anything allows too, seen or not.
    public struct ImplicitSyscall: Hashable, Sendable {
        public var name: String
        /// When a program makes it, in one line (the TUI shows it on the implicit row).
        public var reason: String
        /// What refusing it does to the program (the TUI's warning when the user denies it).
        public var consequence: String
    }

    /// The calls no program can live without, although a trace may never show them:
    /// - `exit`, `exit_group`: a thread's and a process's end. `strace -c` and a trace stopped
    ///   early never list them; refused, glibc's `_exit` falls through to a crash (SIGSEGV after
    ///   all output was printed) and a finished thread is killed.
    /// - `rt_sigreturn`: the return from every signal handler (the restorer glibc installs); a
    ///   short trace may see no signal at all. `sigreturn` is the same on i386 for handlers
    ///   installed without `SA_SIGINFO` (the only table architecture that has it).
    /// - `restart_syscall`: the kernel rewrites an interrupted `poll`, `nanosleep`, `futex` wait
    ///   with a timeout... into this call when the thread resumes after SIGSTOP/SIGCONT, a
    ///   ptrace attach (`inspect`, `gdb -p`) or a handled signal.
    /// None of them grants anything new: each ends, resumes or restarts what was already allowed.
    /// Considered and left out: the vDSO's fallbacks (`clock_gettime`, `gettimeofday`, `time`,
    /// `getcpu`), which a program calls itself and a trace shows when the clock source needs
    /// them; `rseq` and `set_robust_list`, which glibc calls at every start (so every trace
    /// has them) and survives without.
    public static let implicitSyscalls: [ImplicitSyscall] = [
        ImplicitSyscall(name: "exit", reason: "ends a thread; a trace may stop before any thread ends",
                        consequence: "every thread is killed as it ends"),
        ImplicitSyscall(name: "exit_group", reason: "ends the process; a trace may stop before it exits",
                        consequence: "the program crashes at exit (SIGSEGV after its output)"),
        ImplicitSyscall(name: "restart_syscall", reason: "resumes a sleep interrupted by SIGSTOP/SIGCONT or a debugger",
                        consequence: "the program fails when stopped and continued, or inspected"),
        ImplicitSyscall(name: "rt_sigreturn", reason: "returns from a signal handler; a trace may see no signal",
                        consequence: "the program dies after its first signal handler"),
        ImplicitSyscall(name: "sigreturn", reason: "returns from a signal handler on i386",
                        consequence: "an i386 program dies after its first signal handler"),
    ]

    /// The names of `implicitSyscalls`.
    public static var implicitNames: [String] { implicitSyscalls.map(\.name) }

    /// The implicit syscall called `name`, if it is one.
    public static func implicitSyscall(named name: String) -> ImplicitSyscall? {
        implicitSyscalls.first { $0.name == name }
    }

    /// The implicit syscalls that exist on at least one of `architectures`.
    public static func implicitSyscalls(on architectures: [Arch], table: SyscallTable = .shared) -> [ImplicitSyscall] {
        implicitSyscalls.filter { s in
            architectures.contains { table.number(of: s.name, arch: $0) != nil }
        }
    }

    /// Whether a policy with this default action and these rules lets any call run.
    public static func allowsAnything(defaultAction: Action, rules: [Rule]) -> Bool {
        defaultAction.letsCallRun || rules.contains { $0.action.letsCallRun }
    }

    /// THE builder. The policy of `rules` (kept in their order) with `defaultAction`, on
    /// `architectures` (the host's when empty), plus an unconditional `allow` rule for each
    /// implicit syscall of those architectures that no rule names — when the policy allows
    /// anything at all and its default does not already let calls run. A rule naming an implicit
    /// syscall is an explicit decision and is kept as it is (a denial among them). Added rules
    /// go where name order puts them, so sorted rules stay sorted.
    public static func make(defaultAction: Action, architectures: [Arch], badArchAction: Action = .killProcess,
                            rules: [Rule], flags: [FilterFlag] = [], table: SyscallTable = .shared) -> Policy {
        let arches = architectures.isEmpty ? [Arch.host] : architectures
        var out = rules
        if allowsAnything(defaultAction: defaultAction, rules: rules) && !defaultAction.letsCallRun {
            let named = Set(rules.map(\.syscall))
            for s in implicitSyscalls(on: arches, table: table) where !named.contains(s.name) {
                let at = out.firstIndex { $0.syscall > s.name } ?? out.endIndex
                out.insert(Rule(syscall: s.name, action: .allow), at: at)
            }
        }
        return Policy(defaultAction: defaultAction, architectures: arches, badArchAction: badArchAction,
                      rules: out, flags: flags)
    }

    /// `make` over an existing policy's parts (a union of policies, a loaded policy extended).
    public static func make(from policy: Policy, table: SyscallTable = .shared) -> Policy {
        make(defaultAction: policy.defaultAction, architectures: policy.architectures,
             badArchAction: policy.badArchAction, rules: policy.rules, flags: policy.flags, table: table)
    }
}
