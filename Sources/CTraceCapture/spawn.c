#include "CTraceCapture_ptrace.h"
#include "CTraceCapture_notify.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// Everything the child runs after fork must be async-signal-safe: raw syscalls, no malloc,
// no locks, no stdio.

/// The page shared between the parent and a spawned child (MAP_SHARED). A failure is reported
/// here, not through a write(): once the filter is installed it may refuse write() (or kill on
/// it), and the parent would see only an exit status of 127. `listener` and `go` hand over a
/// user-notification listener (CTraceCapture_spawn_supervised).
struct report {
    int stage;
    int err;
    int listener;
    int go;
};

static void child_fail(volatile struct report *report, int stage) {
    report->err = errno;
    report->stage = stage;
    _exit(127);
}

static int child_has_cap_sys_admin(void) {
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &hdr, data) != 0) return 0;
    return (data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN)) != 0;
}

/// Default handlers and no blocked signal, as for a command started from a shell.
static void child_reset_signals(void) {
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        sigaction(sig, &sa, NULL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/// Sets NO_NEW_PRIVS per `nnp_mode` and installs the filter; reports a failure and exits.
/// Returns what seccomp(2) returned (the listener with SECCOMP_FILTER_FLAG_NEW_LISTENER).
static long child_install(volatile struct report *report, const void *filter, unsigned short filter_len,
                          unsigned int filter_flags, int nnp_mode) {
    int nnp = nnp_mode == CTraceCapture_NNP_ALWAYS ||
              (nnp_mode == CTraceCapture_NNP_UNLESS_CAP_SYS_ADMIN && !child_has_cap_sys_admin());
    if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) child_fail(report, CTraceCapture_SPAWN_STAGE_NNP);
    struct sock_fprog prog = { filter_len, (struct sock_filter *)filter };
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, filter_flags, &prog);
    if (r < 0) child_fail(report, CTraceCapture_SPAWN_STAGE_FILTER);
    return r;
}

/// Forks with every signal blocked around the fork, a CLOEXEC pipe (EOF in the parent once the
/// child exec'd or ended) and the shared report page. In the child (returns 0): default handlers,
/// no blocked signal. In the parent: the child's pid, `*fd` the pipe's read end; or -errno.
static pid_t fork_child(int *fd, volatile struct report **report) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -errno;
    volatile struct report *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        return -e;
    }
    shared->listener = -1;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = fork();
    if (pid == 0) {
        child_reset_signals();
        close(fds[0]);
        *report = shared;
        return 0;  // the write end stays open until the exec (CLOEXEC) or the exit
    }
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        munmap((void *)shared, sizeof *shared);
        return -saved;
    }
    *fd = fds[0];
    *report = shared;
    return pid;
}

pid_t CTraceCapture_spawn_flags(const char *path, char *const argv[], char *const envp[],
                                const void *filter, unsigned short filter_len, unsigned int filter_flags,
                                int nnp_mode, int stop_self, int take_terminal, int *error_fd, void **report) {
    int fd = -1;
    volatile struct report *shared = NULL;
    pid_t pid = fork_child(&fd, &shared);
    if (pid == 0) {
        // Child: take the terminal, stop for the tracer, install the filter, exec.
        // A session of its own whose controlling terminal is its standard input (the TUI's
        // pseudo-terminal): job control, Ctrl-C and /dev/tty work as in a terminal of its own.
        if (take_terminal && (setsid() < 0 || ioctl(0, TIOCSCTTY, 0) < 0))
            child_fail(shared, CTraceCapture_SPAWN_STAGE_TERMINAL);
        if (stop_self) raise(SIGSTOP);
        if (filter_len > 0) child_install(shared, filter, filter_len, filter_flags, nnp_mode);
        execve(path, argv, envp);
        child_fail(shared, CTraceCapture_SPAWN_STAGE_EXEC);
    }
    if (pid > 0) {
        *error_fd = fd;
        *report = (void *)shared;
    }
    return pid;
}

int CTraceCapture_spawn_result(int error_fd, void *report, int *stage, int *err) {
    // The child writes nothing to the pipe: it reads EOF when the exec closed it or the child
    // ended; a failure is then found in the shared page.
    char c;
    ssize_t n;
    do { n = read(error_fd, &c, 1); } while (n < 0 && errno == EINTR);
    close(error_fd);
    volatile struct report *shared = report;
    int reported_stage = shared->stage, reported_errno = shared->err;
    munmap(report, sizeof *shared);
    if (reported_stage == 0) return 0;
    *stage = reported_stage;
    *err = reported_errno;
    return 1;
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield" ::: "memory");
#else
    __asm__ volatile("" ::: "memory");
#endif
}

pid_t CTraceCapture_spawn_supervised(const char *path, char *const argv[], char *const envp[],
                                     const void *filter, unsigned short filter_len, unsigned int filter_flags,
                                     int nnp_mode, int *error_fd, void **report, int *listener_fd,
                                     int *listener_failed) {
    *listener_fd = -1;
    *listener_failed = 0;
    int fd = -1;
    volatile struct report *shared = NULL;
    pid_t pid = fork_child(&fd, &shared);
    if (pid == 0) {
        long listener = child_install(shared, filter, filter_len, filter_flags | SECCOMP_FILTER_FLAG_NEW_LISTENER, nnp_mode);
        // From here every system call goes through the filter, and a refused one waits for the
        // listener's answer: make none until the parent holds it.
        __atomic_store_n(&shared->listener, (int)listener, __ATOMIC_RELEASE);
        while (!__atomic_load_n(&shared->go, __ATOMIC_ACQUIRE)) cpu_relax();
        execve(path, argv, envp);  // the listener is CLOEXEC: the command does not hold it
        child_fail(shared, CTraceCapture_SPAWN_STAGE_EXEC);
    }
    if (pid < 0) return pid;
    *error_fd = fd;
    *report = (void *)shared;
    // Wait for the child to install the filter, or to fail before (it exits: the pipe reads EOF).
    int child_fd = -1;
    for (;;) {
        child_fd = __atomic_load_n(&shared->listener, __ATOMIC_ACQUIRE);
        if (child_fd >= 0) break;
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 1) > 0) {
            child_fd = __atomic_load_n(&shared->listener, __ATOMIC_ACQUIRE);
            break;
        }
    }
    if (child_fd < 0) return pid;  // the failure is in the report page
    int taken = -1, saved = 0;
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd >= 0) {
        taken = (int)syscall(SYS_pidfd_getfd, pidfd, child_fd, 0);
        saved = errno;
        close(pidfd);
    } else {
        saved = errno;
    }
    if (taken < 0) {
        kill(pid, SIGKILL);
        int status;
        while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {}
        close(fd);
        munmap((void *)shared, sizeof *shared);
        *listener_failed = 1;
        return -saved;
    }
    *listener_fd = taken;
    __atomic_store_n(&shared->go, 1, __ATOMIC_RELEASE);
    return pid;
}
