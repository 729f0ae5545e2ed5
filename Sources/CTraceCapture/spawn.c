#include "CTraceCapture_ptrace.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

// Everything the child runs after fork must be async-signal-safe: raw syscalls, no malloc,
// no locks, no stdio.

static void child_fail(int fd, int stage) {
    int msg[2] = { stage, errno };
    ssize_t unused = write(fd, msg, sizeof msg);
    (void)unused;
    _exit(127);
}

static int child_has_cap_sys_admin(void) {
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &hdr, data) != 0) return 0;
    return (data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN)) != 0;
}

pid_t CTraceCapture_spawn(const char *path, char *const argv[], char *const envp[],
                          const void *filter, unsigned short filter_len, int nnp_mode,
                          int stop_self, int *error_fd) {
    return CTraceCapture_spawn_flags(path, argv, envp, filter, filter_len, 0, nnp_mode, stop_self, 0, error_fd);
}

pid_t CTraceCapture_spawn_flags(const char *path, char *const argv[], char *const envp[],
                                const void *filter, unsigned short filter_len, unsigned int filter_flags,
                                int nnp_mode, int stop_self, int take_terminal, int *error_fd) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = fork();
    if (pid == 0) {
        // Child: default handlers and no blocked signal (as from a shell), then stop for the tracer.
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
        close(fds[0]);
        // A session of its own whose controlling terminal is its standard input (the TUI's
        // pseudo-terminal): job control, Ctrl-C and /dev/tty work as in a terminal of its own.
        if (take_terminal && (setsid() < 0 || ioctl(0, TIOCSCTTY, 0) < 0))
            child_fail(fds[1], CTraceCapture_SPAWN_STAGE_TERMINAL);
        if (stop_self) raise(SIGSTOP);
        if (filter_len > 0) {
            int nnp = nnp_mode == CTraceCapture_NNP_ALWAYS ||
                      (nnp_mode == CTraceCapture_NNP_UNLESS_CAP_SYS_ADMIN && !child_has_cap_sys_admin());
            if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) child_fail(fds[1], CTraceCapture_SPAWN_STAGE_NNP);
            struct sock_fprog prog = { filter_len, (struct sock_filter *)filter };
            if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, filter_flags, &prog) < 0)
                child_fail(fds[1], CTraceCapture_SPAWN_STAGE_FILTER);
        }
        execve(path, argv, envp);
        child_fail(fds[1], CTraceCapture_SPAWN_STAGE_EXEC);
    }
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        errno = saved;
        return -1;
    }
    *error_fd = fds[0];
    return pid;
}

int CTraceCapture_spawn_result(int error_fd, int *stage, int *err) {
    int msg[2] = { 0, 0 };
    size_t got = 0;
    while (got < sizeof msg) {
        ssize_t n = read(error_fd, (char *)msg + got, sizeof msg - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
    }
    close(error_fd);
    if (got < sizeof msg) return 0;
    *stage = msg[0];
    *err = msg[1];
    return 1;
}
