#include "CTraceCapture_ptrace.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

// Everything the child runs after fork must be async-signal-safe: raw syscalls, no malloc,
// no locks, no stdio.

// A failure is reported through memory shared with the parent, not through a write(): once the
// filter is installed it may refuse write() (or kill on it), and the parent would see only an
// exit status of 127.
static void child_fail(volatile int *report, int stage) {
    report[1] = errno;
    report[0] = stage;
    _exit(127);
}

static int child_has_cap_sys_admin(void) {
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &hdr, data) != 0) return 0;
    return (data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN)) != 0;
}

pid_t CTraceCapture_spawn_flags(const char *path, char *const argv[], char *const envp[],
                                const void *filter, unsigned short filter_len, unsigned int filter_flags,
                                int nnp_mode, int stop_self, int *error_fd, void **report) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    volatile int *shared = mmap(NULL, 2 * sizeof(int), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        errno = e;
        return -1;
    }
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
        if (stop_self) raise(SIGSTOP);
        if (filter_len > 0) {
            int nnp = nnp_mode == CTraceCapture_NNP_ALWAYS ||
                      (nnp_mode == CTraceCapture_NNP_UNLESS_CAP_SYS_ADMIN && !child_has_cap_sys_admin());
            if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) child_fail(shared, CTraceCapture_SPAWN_STAGE_NNP);
            struct sock_fprog prog = { filter_len, (struct sock_filter *)filter };
            if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, filter_flags, &prog) < 0)
                child_fail(shared, CTraceCapture_SPAWN_STAGE_FILTER);
        }
        execve(path, argv, envp);
        child_fail(shared, CTraceCapture_SPAWN_STAGE_EXEC);
    }
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        munmap((void *)shared, 2 * sizeof(int));
        errno = saved;
        return -1;
    }
    *error_fd = fds[0];
    *report = (void *)shared;
    return pid;
}

int CTraceCapture_spawn_result(int error_fd, void *report, int *stage, int *err) {
    // The child writes nothing to the pipe: it reads EOF when the exec closed it or the child
    // ended; a failure is then found in the shared page.
    char c;
    ssize_t n;
    do { n = read(error_fd, &c, 1); } while (n < 0 && errno == EINTR);
    close(error_fd);
    volatile int *shared = report;
    int reported_stage = shared[0], reported_errno = shared[1];
    munmap(report, 2 * sizeof(int));
    if (reported_stage == 0) return 0;
    *stage = reported_stage;
    *err = reported_errno;
    return 1;
}
