#include "CTraceCapture_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

_Static_assert(sizeof(CTraceCapture_sock_filter) == sizeof(struct sock_filter), "sock_filter layout");
_Static_assert(offsetof(CTraceCapture_sock_filter, k) == offsetof(struct sock_filter, k), "sock_filter layout");

int CTraceCapture_install_filter(const CTraceCapture_sock_filter *filter, unsigned short count, unsigned int flags) {
    struct sock_fprog prog = { .len = count, .filter = (struct sock_filter *)filter };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -errno;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) != 0) return -errno;
    return 0;
}

#if defined(__x86_64__)
/// An i386 system call through `int $0x80`: eax = nr, ebx, ecx, edx, esi, edi, ebp = arguments.
/// rbp cannot be named as a clobber, so it is saved around the call; the red zone is skipped
/// before pushing. The kernel may clobber r8-r11 on this path.
static long compat_syscall(long nr, const unsigned long *a) {
    long ret;
    register unsigned long sixth __asm__("r12") = a[5];
    __asm__ volatile(
        "sub $128, %%rsp\n\t"
        "push %%rbp\n\t"
        "mov %%r12, %%rbp\n\t"
        "int $0x80\n\t"
        "pop %%rbp\n\t"
        "add $128, %%rsp\n\t"
        : "=a"(ret)
        : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4]), "r"(sixth)
        : "r8", "r9", "r10", "r11", "memory", "cc");
    return (long)(int)ret;
}
#endif

int CTraceCapture_filter_probe(const CTraceCapture_sock_filter *filter, unsigned short count, unsigned int flags,
                               const CTraceCapture_probe_call *calls, int ncalls, int *errnos,
                               int *install_error, int *term_signal, int *exit_code) {
    if (ncalls < 0) return -EINVAL;
    /* Shared memory, not a pipe: after the filter is installed the child makes no call but
     * the probed ones (and exit_group), so the filter need not allow write(2).
     * Layout: [0] install errno, [1] calls completed, [2...] one errno per call. */
    size_t size = sizeof(int) * (size_t)(ncalls + 2);
    int *shared = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) return -errno;
    shared[0] = 0;
    shared[1] = 0;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = fork();
    if (pid == 0) {
        /* Child: only async-signal-safe calls. */
        sigset_t none;
        sigemptyset(&none);
        pthread_sigmask(SIG_SETMASK, &none, NULL);
        int r = CTraceCapture_install_filter(filter, count, flags);
        if (r < 0) {
            shared[0] = -r;
            _exit(1);
        }
        for (int i = 0; i < ncalls; i++) {
            const CTraceCapture_probe_call *c = &calls[i];
            int e;
            if (c->compat) {
#if defined(__x86_64__)
                long res = compat_syscall(c->nr, c->args);
                e = res < 0 && res > -4096 ? (int)-res : 0;
#else
                e = ENOSYS;
#endif
            } else {
                long res = syscall(c->nr, c->args[0], c->args[1], c->args[2], c->args[3], c->args[4], c->args[5]);
                e = res == -1 ? errno : 0;
            }
            __atomic_store_n(&shared[2 + i], e, __ATOMIC_SEQ_CST);
            __atomic_store_n(&shared[1], i + 1, __ATOMIC_SEQ_CST);
        }
        _exit(0);
    }
    int forkErrno = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        munmap(shared, size);
        return -forkErrno;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            int e = errno;
            munmap(shared, size);
            return -e;
        }
    }
    *term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    *install_error = shared[0];
    int done = shared[1];
    for (int i = 0; i < done && i < ncalls; i++) errnos[i] = shared[2 + i];
    munmap(shared, size);
    return done;
}
