// Named sets of syscalls: the one table. Names and most members follow systemd's syscall filter
// sets (src/shared/seccomp-util.c, SystemCallFilter= in systemd.exec(5)); `@memory` and
// `@credentials` are ours, and every other syscall of the table is placed in the group closest to
// what it does. A member starting with `@` includes that group. Members are names of our syscall
// table on any of its architectures (x86_64, x32, i386, aarch64).

struct SyscallGroup: Sendable {
    let name: String
    let summary: String
    let members: [String]
}

let syscallGroupTable: [SyscallGroup] = [
    SyscallGroup(name: "@default", summary: "System calls that are always permitted", members: [
        "arch_prctl", "brk", "clock_getres", "clock_getres_time64", "clock_gettime",
        "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "execve", "exit",
        "exit_group", "futex", "futex_time64", "futex_waitv", "futex_wait", "futex_wake",
        "futex_requeue", "get_robust_list", "get_thread_area", "getegid", "getegid32", "geteuid",
        "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32", "getpgid", "getpgrp",
        "getpid", "getppid", "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32",
        "getrlimit", "getsid", "gettid", "gettimeofday", "getuid", "getuid32",
        "membarrier", "mmap", "mmap2", "mprotect",
        "munmap", "nanosleep", "pause", "prlimit64", "restart_syscall", "rseq",
        "rt_sigreturn", "sched_getaffinity", "sched_yield", "set_robust_list", "set_thread_area",
        "set_tid_address", "sigreturn", "time", "ugetrlimit", 
    ]),
    SyscallGroup(name: "@aio", summary: "Asynchronous IO", members: [
        "io_cancel", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64",
        "io_setup", "io_submit", "io_uring_enter", "io_uring_register", "io_uring_setup",
    ]),
    SyscallGroup(name: "@basic-io", summary: "Basic IO", members: [
        "_llseek", "close", "close_range", "dup", "dup2", "dup3", "lseek", "pread64", "preadv",
        "preadv2", "pwrite64", "pwritev", "pwritev2", "read", "readv", "write", "writev",
    ]),
    SyscallGroup(name: "@chown", summary: "Change ownership of files and directories", members: [
        "chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32",
    ]),
    SyscallGroup(name: "@clock", summary: "Change the system time", members: [
        "adjtimex", "clock_adjtime", "clock_adjtime64", "clock_settime", "clock_settime64",
        "settimeofday", "stime",
    ]),
    SyscallGroup(name: "@cpu-emulation", summary: "System calls for CPU emulation functionality",
                 members: ["modify_ldt", "vm86", "vm86old"]),
    SyscallGroup(name: "@credentials", summary: "Query and change credentials and capabilities",
                 members: [
        "@setuid", "capget", "capset", "getegid", "getegid32", "geteuid", "geteuid32", "getgid",
        "getgid32", "getgroups", "getgroups32", "getresgid", "getresgid32", "getresuid",
        "getresuid32", "getuid", "getuid32", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32",
    ]),
    SyscallGroup(name: "@debug",
                 summary: "Debugging, performance monitoring and tracing functionality", members: [
        "kcmp", "lookup_dcookie", "perf_event_open", "pidfd_getfd", "process_vm_readv",
        "process_vm_writev", "ptrace", "uprobe", "uretprobe",
    ]),
    SyscallGroup(name: "@file-system", summary: "File system operations", members: [
        "access", "cachestat", "chdir", "chmod", "close", "creat", "faccessat", "faccessat2",
        "fallocate", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fcntl", "fcntl64",
        "fgetxattr", "file_getattr", "file_setattr", "flistxattr", "fremovexattr", "fsetxattr",
        "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "ftruncate", "ftruncate64",
        "futimesat", "getcwd", "getdents", "getdents64", "getxattr", "getxattrat",
        "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "lgetxattr",
        "link", "linkat", "listxattr", "listxattrat", "llistxattr", "lremovexattr",
        "lsetxattr", "lstat", "lstat64", "mkdir", "mkdirat", "mknod", "mknodat", "mmap", "mmap2",
        "munmap", "newfstatat", "oldfstat", "oldlstat", "oldstat", "open", "open_tree", "openat",
        "openat2", "readlink", "readlinkat", "removexattr", "removexattrat", "rename", "renameat",
        "renameat2", "rmdir", "setxattr", "setxattrat", "stat", "stat64", "statfs", "statfs64",
        "statx", "symlink", "symlinkat", "truncate", "truncate64", "unlink",
        "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes",
    ]),
    SyscallGroup(name: "@io-event", summary: "Event loop system calls", members: [
        "_newselect", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old",
        "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2",
        "poll", "ppoll", "ppoll_time64", "pselect6", "pselect6_time64", "select",
    ]),
    SyscallGroup(name: "@ipc", summary: "SysV IPC, POSIX Message Queues or other IPC", members: [
        "ipc", "memfd_create", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
        "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "msgctl",
        "msgget", "msgrcv", "msgsnd", "pipe", "pipe2", "process_madvise", "process_vm_readv",
        "process_vm_writev", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64",
        "shmat", "shmctl", "shmdt", "shmget",
    ]),
    SyscallGroup(name: "@keyring", summary: "Kernel keyring access", members: [
        "add_key", "keyctl", "request_key",
    ]),
    SyscallGroup(name: "@memlock", summary: "Memory locking control", members: [
        "mlock", "mlock2", "mlockall", "munlock", "munlockall",
    ]),
    SyscallGroup(name: "@memory", summary: "Memory mapping and management", members: [
        "@memlock", "@pkey", "brk", "get_mempolicy", "madvise", "map_shadow_stack", "mbind",
        "memfd_secret", "migrate_pages", "mincore", "mmap", "mmap2", "move_pages", "mprotect",
        "mseal",
        "mremap", "msync", "munmap", "process_mrelease", "remap_file_pages",
        "set_mempolicy", "set_mempolicy_home_node", "userfaultfd",
    ]),
    SyscallGroup(name: "@module", summary: "Loading and unloading of kernel modules", members: [
        "delete_module", "finit_module", "init_module",
    ]),
    SyscallGroup(name: "@mount", summary: "Mounting and unmounting of file systems", members: [
        "chroot", "fsconfig", "fsmount", "fsopen", "fspick", "listmount", "mount", "mount_setattr",
        "move_mount", "open_tree_attr", "pivot_root", "statmount", "umount", "umount2",
    ]),
    SyscallGroup(name: "@network-io",
                 summary: "Network or Unix socket IO, should not be needed if not network facing",
                 members: [
        "accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt",
        "listen", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "send",
        "sendmmsg", "sendmsg", "sendto", "setsockopt", "shutdown", "socket", "socketcall",
        "socketpair",
    ]),
    SyscallGroup(name: "@obsolete", summary: "Unusual, obsolete or unimplemented system calls",
                 members: [
        "_sysctl", "afs_syscall", "bdflush", "break", "create_module", "ftime",
        "get_kernel_syms", "getpmsg", "gtty", "idle", "lock", "mpx", "nfsservctl", "prof",
        "profil", "putpmsg", "query_module", "security", "sgetmask", "ssetmask", "stime", "stty",
        "sysfs", "tuxcall", "ulimit", "uselib", "ustat", "vserver",
    ]),
    SyscallGroup(name: "@pkey", summary: "System calls used for memory protection keys", members: [
        "pkey_alloc", "pkey_free", "pkey_mprotect",
    ]),
    SyscallGroup(name: "@privileged", summary: "All system calls which need super-user capabilities",
                 members: [
        "@chown", "@clock", "@module", "@raw-io", "@reboot", "@swap", "_sysctl", "acct", "bpf",
        "capset", "chroot", "fanotify_init", "fanotify_mark", "nfsservctl", "open_by_handle_at",
        "pivot_root", "quotactl", "quotactl_fd", "setdomainname", "setfsuid", "setfsuid32",
        "setgroups", "setgroups32", "sethostname", "setresuid", "setresuid32", "setreuid",
        "setreuid32", "setuid", "setuid32", "syslog", "vhangup",
    ]),
    SyscallGroup(name: "@process", summary: "Process control, execution, namespacing operations",
                 members: [
        "capget", "clone", "clone3", "execveat", "fork", "getrusage", "kill", "listns",
        "pidfd_open",
        "pidfd_send_signal", "prctl", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "setns", "tgkill",
        "times", "tkill", "unshare", "vfork", "wait4", "waitid", "waitpid",
    ]),
    SyscallGroup(name: "@raw-io", summary: "Raw I/O port access", members: [
        "ioperm", "iopl",
    ]),
    SyscallGroup(name: "@reboot", summary: "Reboot and reboot preparation/kexec", members: [
        "kexec_file_load", "kexec_load", "reboot",
    ]),
    SyscallGroup(name: "@resources", summary: "Alter resource settings", members: [
        "ioprio_set", "mbind", "migrate_pages", "move_pages", "nice", "sched_setaffinity",
        "sched_setattr", "sched_setparam", "sched_setscheduler", "set_mempolicy",
        "set_mempolicy_home_node", "setpriority", "setrlimit",
    ]),
    SyscallGroup(name: "@sandbox", summary: "Sandbox functionality", members: [
        "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self",
        "lsm_get_self_attr", "lsm_list_modules", "lsm_set_self_attr", "seccomp",
    ]),
    SyscallGroup(name: "@setuid", summary: "Operations for changing user/group credentials",
                 members: [
        "setgid", "setgid32", "setgroups", "setgroups32", "setregid", "setregid32", "setresgid",
        "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setuid", "setuid32",
    ]),
    SyscallGroup(name: "@signal", summary: "Process signal handling", members: [
        "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigsuspend", "rt_sigtimedwait",
        "rt_sigtimedwait_time64", "sigaction", "sigaltstack", "signal", "signalfd", "signalfd4",
        "sigpending", "sigprocmask", "sigsuspend",
    ]),
    SyscallGroup(name: "@swap", summary: "Enable/disable swap devices", members: [
        "swapoff", "swapon",
    ]),
    SyscallGroup(name: "@sync", summary: "Synchronize files and memory to storage", members: [
        "fdatasync", "fsync", "msync", "sync", "sync_file_range", "syncfs",
    ]),
    SyscallGroup(name: "@system-service", summary: "General system service operations", members: [
        "@aio", "@basic-io", "@chown", "@default", "@file-system", "@io-event", "@ipc",
        "@keyring", "@memlock", "@network-io", "@process", "@resources", "@setuid", "@signal",
        "@sync", "@timer", "capget", "capset", "copy_file_range", "fadvise64", "fadvise64_64",
        "flock", "get_mempolicy", "getcpu", "getpriority", "ioctl", "ioprio_get", "kcmp",
        "madvise", "mremap", "name_to_handle_at", "oldolduname", "olduname", "personality",
        "readahead", "readdir", "remap_file_pages", "sched_get_priority_max",
        "sched_get_priority_min", "sched_getattr", "sched_getparam", "sched_getscheduler",
        "rseq_slice_yield", "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_yield",
        "sendfile",
        "sendfile64", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setpgid", "setsid",
        "splice", "sysinfo", "tee", "umask", "uname", "userfaultfd", "vmsplice",
    ]),
    SyscallGroup(name: "@timer", summary: "Schedule operations by time", members: [
        "alarm", "getitimer", "setitimer", "timer_create", "timer_delete", "timer_getoverrun",
        "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create",
        "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times",
    ]),
]

/// Each group's members with nested groups expanded, sorted and without repeats.
let syscallGroupMembers: [String: [String]] = {
    let byName = Dictionary(syscallGroupTable.map { ($0.name, $0.members) },
                            uniquingKeysWith: { a, _ in a })
    func expand(_ group: String, seen: Set<String>) -> Set<String> {
        var out = Set<String>()
        for m in byName[group] ?? [] {
            if m.hasPrefix("@") {
                if !seen.contains(m) { out.formUnion(expand(m, seen: seen.union([m]))) }
            } else {
                out.insert(m)
            }
        }
        return out
    }
    var result: [String: [String]] = [:]
    for g in syscallGroupTable { result[g.name] = expand(g.name, seen: [g.name]).sorted() }
    return result
}()
