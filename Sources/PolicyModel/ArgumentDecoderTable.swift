// Which argument of which syscall holds values of which decoder: the one table. Keys are syscall
// names and argument indices as in the kernel's declarations (`openat(int dfd, const char *filename,
// int flags, umode_t mode)`: 0 is `dfd`, 2 `flags`, 3 `mode`); decoder names are those of
// `scripts/gen-constants`. Tests check every entry against the syscall table and the decoders.

private let dirfd = DecoderChoice.fixed("dirfd")
private let mode = DecoderChoice.fixed("file_mode")
private let atFlags = DecoderChoice.fixed("at_flags")
private let signal = DecoderChoice.fixed("signal")
private let clock = DecoderChoice.fixed("clock_id")
private let msgFlags = DecoderChoice.fixed("msg_flags")
private let rlimit = DecoderChoice.fixed("rlimit_resource")
private let whence = DecoderChoice.fixed("seek_whence")

private let fcntlArgument = DecoderChoice.selected(by: 1, [
    ("F_SETFL", "open_flags"), ("F_SETFD", "fd_flags"), ("F_SETSIG", "signal"),
    ("F_ADD_SEALS", "seal_flags"),
], otherwise: nil)

private let socketProtocol = DecoderChoice.selected(by: 0, [
    ("AF_INET", "ip_protocol"), ("AF_INET6", "ip_protocol"), ("AF_NETLINK", "netlink_protocol"),
], otherwise: "ip_protocol")

private let socketOption = DecoderChoice.selected(by: 1, [
    ("SOL_SOCKET", "sockopt_socket"), ("SOL_TCP", "sockopt_tcp"), ("SOL_IP", "sockopt_ip"),
    ("SOL_IPV6", "sockopt_ipv6"),
], otherwise: "sockopt_socket")

private let prctlArgument = DecoderChoice.selected(by: 0, [
    ("PR_SET_PDEATHSIG", "signal"), ("PR_CAPBSET_READ", "capability"),
    ("PR_CAPBSET_DROP", "capability"), ("PR_SET_SECCOMP", "seccomp_mode"),
], otherwise: nil)

private let seccompFlags = DecoderChoice.selected(by: 0, [
    ("SECCOMP_SET_MODE_FILTER", "seccomp_filter_flags"),
], otherwise: nil)

let argumentDecoderTable: [String: [Int: DecoderChoice]] = [
    // Files
    "open": [1: .fixed("open_flags"), 2: mode],
    "openat": [0: dirfd, 2: .fixed("open_flags"), 3: mode],
    "openat2": [0: dirfd],
    "open_by_handle_at": [2: .fixed("open_flags")],
    "creat": [1: mode],
    "mkdir": [1: mode],
    "mkdirat": [0: dirfd, 2: mode],
    "mknod": [1: mode],
    "mknodat": [0: dirfd, 2: mode],
    "chmod": [1: mode],
    "fchmod": [1: mode],
    "fchmodat": [0: dirfd, 2: mode],
    "umask": [0: mode],
    "access": [1: .fixed("access_mode")],
    "faccessat": [0: dirfd, 2: .fixed("access_mode")],
    "faccessat2": [0: dirfd, 2: .fixed("access_mode"), 3: .fixed("faccessat_flags")],
    "unlinkat": [0: dirfd, 2: atFlags],
    "fchownat": [0: dirfd, 4: atFlags],
    "newfstatat": [0: dirfd, 3: atFlags],
    "fstatat64": [0: dirfd, 3: atFlags],
    "statx": [0: dirfd, 2: atFlags, 3: .fixed("statx_mask")],
    "linkat": [0: dirfd, 2: dirfd, 4: atFlags],
    "symlinkat": [1: dirfd],
    "readlinkat": [0: dirfd],
    "renameat": [0: dirfd, 2: dirfd],
    "renameat2": [0: dirfd, 2: dirfd, 4: .fixed("rename_flags")],
    "utimensat": [0: dirfd, 3: atFlags],
    "futimesat": [0: dirfd],
    "execveat": [0: dirfd, 4: atFlags],
    "name_to_handle_at": [0: dirfd, 4: atFlags],
    "open_tree": [0: dirfd],
    "move_mount": [0: dirfd, 2: dirfd],
    "fspick": [0: dirfd],
    "mount_setattr": [0: dirfd],
    "fanotify_mark": [3: dirfd],
    "lseek": [2: whence],
    "_llseek": [4: whence],
    "fcntl": [1: .fixed("fcntl_cmd"), 2: fcntlArgument],
    "fcntl64": [1: .fixed("fcntl_cmd"), 2: fcntlArgument],
    "dup3": [2: .fixed("cloexec_flags")],
    "pipe2": [1: .fixed("pipe_flags")],
    "flock": [1: .fixed("lock_op")],
    "fadvise64": [3: .fixed("fadvise_advice")],
    "mount": [3: .fixed("mount_flags")],
    "umount2": [1: .fixed("umount_flags")],
    "setxattr": [4: .fixed("xattr_flags")],
    "lsetxattr": [4: .fixed("xattr_flags")],
    "fsetxattr": [4: .fixed("xattr_flags")],
    "ioctl": [1: .fixed("ioctl_request")],

    // Memory
    "mmap": [2: .fixed("mmap_prot"), 3: .fixed("mmap_flags")],
    "mmap2": [2: .fixed("mmap_prot"), 3: .fixed("mmap_flags")],
    "mprotect": [2: .fixed("mmap_prot")],
    "pkey_mprotect": [2: .fixed("mmap_prot")],
    "madvise": [2: .fixed("madvise_advice")],
    "process_madvise": [3: .fixed("madvise_advice")],
    "mremap": [3: .fixed("mremap_flags")],
    "msync": [2: .fixed("msync_flags")],
    "mlockall": [0: .fixed("mlockall_flags")],
    "mlock2": [2: .fixed("mlock2_flags")],
    "memfd_create": [1: .fixed("memfd_flags")],

    // Sockets
    "socket": [0: .fixed("socket_domain"), 1: .fixed("socket_type"), 2: socketProtocol],
    "socketpair": [0: .fixed("socket_domain"), 1: .fixed("socket_type"), 2: socketProtocol],
    "accept4": [3: .fixed("socket_flags")],
    "setsockopt": [1: .fixed("socket_level"), 2: socketOption],
    "getsockopt": [1: .fixed("socket_level"), 2: socketOption],
    "sendto": [3: msgFlags],
    "recvfrom": [3: msgFlags],
    "sendmsg": [2: msgFlags],
    "recvmsg": [2: msgFlags],
    "sendmmsg": [3: msgFlags],
    "recvmmsg": [3: msgFlags],
    "shutdown": [1: .fixed("shutdown_how")],

    // Events and descriptors
    "epoll_create1": [0: .fixed("epoll_flags")],
    "epoll_ctl": [1: .fixed("epoll_ctl_op")],
    "eventfd2": [1: .fixed("eventfd_flags")],
    "timerfd_create": [0: clock, 1: .fixed("timerfd_flags")],
    "timerfd_settime": [1: .fixed("timerfd_settime_flags")],
    "signalfd4": [3: .fixed("signalfd_flags")],
    "inotify_init1": [0: .fixed("inotify_flags")],
    "getrandom": [2: .fixed("getrandom_flags")],

    // Processes
    "prctl": [0: .fixed("prctl_option"), 1: prctlArgument],
    "arch_prctl": [0: .fixed("arch_prctl_code")],
    "seccomp": [0: .fixed("seccomp_op"), 1: seccompFlags],
    "clone": [0: .fixed("clone_flags")],
    "unshare": [0: .fixed("unshare_flags")],
    "setns": [1: .fixed("namespace_type")],
    "ptrace": [0: .fixed("ptrace_request")],
    "personality": [0: .fixed("personality")],
    "wait4": [2: .fixed("wait_options")],
    "waitpid": [2: .fixed("wait_options")],
    "waitid": [0: .fixed("waitid_type"), 3: .fixed("wait_options")],
    "sched_setscheduler": [1: .fixed("sched_policy")],
    "getpriority": [0: .fixed("priority_which")],
    "setpriority": [0: .fixed("priority_which")],
    "getrlimit": [0: rlimit],
    "ugetrlimit": [0: rlimit],
    "setrlimit": [0: rlimit],
    "prlimit64": [1: rlimit],
    "membarrier": [0: .fixed("membarrier_cmd")],
    "bpf": [0: .fixed("bpf_cmd")],

    // Threads and signals
    "futex": [1: .fixed("futex_op")],
    "futex_time64": [1: .fixed("futex_op")],
    "kill": [1: signal],
    "tkill": [1: signal],
    "tgkill": [2: signal],
    "rt_sigaction": [0: signal],
    "sigaction": [0: signal],
    "signal": [0: signal],
    "rt_sigqueueinfo": [1: signal],
    "rt_tgsigqueueinfo": [2: signal],
    "pidfd_send_signal": [1: signal],
    "rt_sigprocmask": [0: .fixed("sigprocmask_how")],
    "sigprocmask": [0: .fixed("sigprocmask_how")],

    // Time
    "clock_gettime": [0: clock],
    "clock_settime": [0: clock],
    "clock_getres": [0: clock],
    "clock_adjtime": [0: clock],
    "clock_nanosleep": [0: clock, 1: .fixed("timer_flags")],
    "clock_gettime64": [0: clock],
    "clock_settime64": [0: clock],
    "clock_getres_time64": [0: clock],
    "clock_adjtime64": [0: clock],
    "clock_nanosleep_time64": [0: clock, 1: .fixed("timer_flags")],
    "timer_create": [0: clock],
    "timer_settime": [1: .fixed("timer_flags")],
    "timer_settime64": [1: .fixed("timer_flags")],
    "timerfd_settime64": [1: .fixed("timerfd_settime_flags")],
    "getitimer": [0: .fixed("itimer_which")],
    "setitimer": [0: .fixed("itimer_which")],
]
