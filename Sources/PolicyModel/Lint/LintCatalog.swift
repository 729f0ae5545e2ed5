/// How serious a lint warning is.
public enum LintLevel: String, CaseIterable, Comparable, Sendable {
    case info, low, medium, high

    public static func < (a: LintLevel, b: LintLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One kind of warning `lint` gives: its name (for `--explain`), level, what it means and the fix.
public struct LintCheck: Hashable, Sendable {
    public var name: String
    public var level: LintLevel
    public var title: String
    public var explanation: String
    public var fix: String
}

/// Every check, and the calls the dangerous-syscall check covers: the one table of both.
public enum LintCatalog {
    /// Syscalls that should not be allowed whatever their arguments, why, and their exposure weight.
    public static let dangerousSyscalls: [(name: String, weight: Double, reason: String)] = [
        ("ptrace", 8, "reads and writes the memory and registers of other processes of the same user, and escapes seccomp on kernels before 4.8"),
        ("bpf", 8, "loads eBPF programs and maps into the kernel: a large attack surface, and a way to read kernel memory"),
        ("perf_event_open", 5, "opens performance events that can observe other processes and the kernel; a frequent source of kernel bugs"),
        ("mount", 8, "mounts file systems over the process's view of files (with CAP_SYS_ADMIN, or in a user namespace)"),
        ("umount2", 3, "unmounts file systems, revealing what was mounted over"),
        ("unshare", 6, "creates namespaces; a user namespace grants every capability inside it and exposes kernel code otherwise reserved to root"),
        ("setns", 5, "enters other namespaces, including a container's or the host's when their files are reachable"),
        ("keyctl", 3, "manages kernel keyrings, which are not namespaced: keys leak across containers"),
        ("add_key", 3, "adds keys to kernel keyrings, which are not namespaced"),
        ("kexec_load", 8, "loads a new kernel to boot into"),
        ("kexec_file_load", 8, "loads a new kernel to boot into"),
        ("init_module", 8, "loads code into the kernel"),
        ("finit_module", 8, "loads code into the kernel from a file"),
        ("userfaultfd", 4, "handles page faults in user space: it stalls the kernel at chosen points, the classic helper of kernel exploits"),
        ("personality", 2, "changes the execution domain: READ_IMPLIES_EXEC maps readable memory executable, ADDR_NO_RANDOMIZE turns ASLR off"),
    ]

    /// The `clone` flags that create namespaces (`CLONE_NEW*`), by name.
    public static let namespaceFlags = ["CLONE_NEWNS", "CLONE_NEWCGROUP", "CLONE_NEWUTS", "CLONE_NEWIPC", "CLONE_NEWUSER",
                                        "CLONE_NEWPID", "CLONE_NEWNET"]

    public static let dangerousSyscall = LintCheck(
        name: "dangerous-syscall", level: .high, title: "a dangerous syscall is allowed whatever its arguments",
        explanation: "Some syscalls give a confined program powers far beyond its own: loading kernel code, "
            + "watching or steering other processes, creating namespaces, mounting. A policy learned from a "
            + "program that happened to call one allows it without limits.",
        fix: "Refuse it (`NAME: errno EPERM`), or allow it only with the argument values the program needs.")
    public static let cloneNamespaces = LintCheck(
        name: "clone-namespaces", level: .high, title: "clone can create namespaces",
        explanation: "clone with a CLONE_NEW* flag creates namespaces, like unshare; in a user namespace a program "
            + "holds every capability and reaches kernel code otherwise reserved to root. clone3 passes its flags "
            + "in memory, where seccomp cannot see them, so allowing clone3 allows every flag.",
        fix: "Allow clone only when `clone_flags & 0x7e020000 == 0` (no CLONE_NEW* flag), as Docker's default "
            + "does; refuse clone3 with ENOSYS so that the C library falls back to clone.")
    public static let ioctlTIOCSTI = LintCheck(
        name: "ioctl-tiocsti", level: .high, title: "ioctl TIOCSTI is allowed",
        explanation: "ioctl(fd, TIOCSTI, &c) pushes a character into a terminal's input as if typed: a confined "
            + "program sharing the user's terminal can type commands into the shell that started it.",
        fix: "Allow ioctl only with the requests the program uses (`ioctl: request == TCGETS || ...`), or "
            + "refuse `request == TIOCSTI` (`ioctl: errno EPERM if request == TIOCSTI`).")
    public static let ioUring = LintCheck(
        name: "io-uring", level: .high, title: "io_uring_setup is allowed",
        explanation: "The operations an io_uring runs (open, read, write, connect, ...) are performed by the "
            + "kernel without system calls, so seccomp never sees them: one allowed io_uring_setup bypasses "
            + "every other rule of the policy.",
        fix: "Refuse io_uring_setup (`io_uring_setup: errno ENOSYS`): programs fall back to ordinary calls.")
    public static let clone3Refused = LintCheck(
        name: "clone3-errno", level: .medium, title: "clone3 is refused with something other than ENOSYS",
        explanation: "glibc 2.34 and later create threads and processes with clone3 and fall back to clone only "
            + "when clone3 fails with ENOSYS. Refused with EPERM (or killed), every pthread_create, fork and "
            + "posix_spawn of the program fails.",
        fix: "Refuse clone3 with ENOSYS (`clone3: errno ENOSYS`), or allow it.")
    public static let errnoDefault = LintCheck(
        name: "errno-default", level: .low, title: "the default action is an errno other than ENOSYS",
        explanation: "Syscalls newer than the policy get the default action. Programs and libraries probe new "
            + "syscalls (clone3, faccessat2, openat2, statx, close_range, rseq) and fall back to older ones only "
            + "on ENOSYS; any other errno looks like a real failure.",
        fix: "Use `@default errno ENOSYS` (\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38), or "
            + "refuse the syscalls newer than the program with ENOSYS explicitly.")
    public static let foreignArch = LintCheck(
        name: "foreign-arch", level: .medium, title: "another architecture's calls are allowed",
        explanation: "A program built for one architecture never makes the calls of another. Listing x32 or i386 "
            + "beside x86_64 (or accepting unknown architectures) opens a second syscall table with its own "
            + "numbers, compat code paths and history of bugs, to any code that switches mode.",
        fix: "List only the architecture the program is built for (`@arch x86_64`), with the bad-architecture "
            + "action kill.")
    public static let killWithoutExitGroup = LintCheck(
        name: "kill-without-exit-group", level: .high, title: "the default kills and exit_group is not allowed",
        explanation: "A program ends with exit_group; strace -c never lists it, so policies written from its counts "
            + "miss it. With a kill default the program is killed at its very end, after its work: it looks like "
            + "a crash (SIGSYS) and its exit status is lost.",
        fix: "Allow exit_group and exit (`exit_group: allow`).")
    public static let uncacheable = LintCheck(
        name: "uncacheable", level: .low, title: "a syscall the kernel could cache is checked on every call",
        explanation: "Since Linux 5.11 the kernel skips the filter for syscalls it finds always allowed, but only "
            + "when their path in the filter loads no argument and returns ALLOW. Argument rules that allow every "
            + "value anyway, or the log action (never cached), make every call run the filter.",
        fix: "Write the syscall as a plain `NAME: allow` without conditions.")
    public static let defaultAllows = LintCheck(
        name: "default-allow", level: .high, title: "the default action lets calls run",
        explanation: "A policy whose default is allow (or log) is a deny list: every syscall it does not name, "
            + "including the ones added to the kernel after it was written, runs unchecked.",
        fix: "Use a refusing default (`@default errno ENOSYS`) and allow the syscalls the program needs.")

    public static let all: [LintCheck] = [defaultAllows, dangerousSyscall, cloneNamespaces, ioctlTIOCSTI, ioUring,
                                          killWithoutExitGroup, clone3Refused, foreignArch, errnoDefault, uncacheable]

    public static func check(named name: String) -> LintCheck? { all.first { $0.name == name } }
}
