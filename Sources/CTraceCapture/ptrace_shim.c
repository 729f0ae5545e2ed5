#include "CTraceCapture_ptrace.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

_Static_assert(sizeof(struct __ptrace_syscall_info) == 88, "ptrace_syscall_info layout");

/// A system call's result as the shims return it: the value, or -errno on failure.
static long result(long r) { return r < 0 ? -errno : r; }

int CTraceCapture_ptrace_seize(pid_t pid, unsigned long options) {
    return (int)result(ptrace(PTRACE_SEIZE, pid, 0, (void *)options));
}
int CTraceCapture_ptrace_cont(pid_t pid, int sig) {
    return (int)result(ptrace(PTRACE_CONT, pid, 0, (void *)(long)sig));
}
int CTraceCapture_ptrace_syscall(pid_t pid, int sig) {
    return (int)result(ptrace(PTRACE_SYSCALL, pid, 0, (void *)(long)sig));
}
int CTraceCapture_ptrace_listen(pid_t pid) { return (int)result(ptrace(PTRACE_LISTEN, pid, 0, 0)); }
int CTraceCapture_ptrace_detach(pid_t pid, int sig) {
    return (int)result(ptrace(PTRACE_DETACH, pid, 0, (void *)(long)sig));
}
int CTraceCapture_ptrace_interrupt(pid_t pid) { return (int)result(ptrace(PTRACE_INTERRUPT, pid, 0, 0)); }
int CTraceCapture_ptrace_geteventmsg(pid_t pid, unsigned long *msg) {
    return (int)result(ptrace(PTRACE_GETEVENTMSG, pid, 0, msg));
}

int CTraceCapture_ptrace_get_syscall_info(pid_t pid, CTraceCapture_syscall_info *out) {
    struct __ptrace_syscall_info info;
    memset(&info, 0, sizeof info);
    long n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof info, &info);
    if (n < 0) return -errno;
    memset(out, 0, sizeof *out);
    out->op = info.op;
    out->arch = info.arch;
    switch (info.op) {
    case PTRACE_SYSCALL_INFO_ENTRY:
        out->nr = info.entry.nr;
        memcpy(out->args, info.entry.args, sizeof out->args);
        break;
    case PTRACE_SYSCALL_INFO_SECCOMP:
        out->nr = info.seccomp.nr;
        memcpy(out->args, info.seccomp.args, sizeof out->args);
        out->ret_data = info.seccomp.ret_data;
        break;
    case PTRACE_SYSCALL_INFO_EXIT:
        out->rval = info.exit.rval;
        out->is_error = info.exit.is_error;
        break;
    default:
        break;
    }
    return 0;
}

/// PTRACE_PEEKDATA; returns 0 and stores the word, or -errno.
static int peekdata(pid_t pid, uint64_t addr, uint64_t *word) {
    errno = 0;
    long v = ptrace(PTRACE_PEEKDATA, pid, (void *)(uintptr_t)addr, 0);
    if (v == -1 && errno != 0) return -errno;
    *word = (uint64_t)v;
    return 0;
}

long CTraceCapture_read_string(pid_t pid, uint64_t addr, char *buf, unsigned long max) {
    if (max == 0) return -EINVAL;
    unsigned long got = 0;
    const unsigned long page = 4096;
    int use_peek = 0;
    while (got + 1 < max) {
        uint64_t at = addr + got;
        unsigned long want = page - (unsigned long)(at % page);
        if (want > max - 1 - got) want = max - 1 - got;
        long n;
        if (!use_peek) {
            struct iovec local = { buf + got, want };
            struct iovec remote = { (void *)(uintptr_t)at, want };
            n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
            if (n < 0 && (errno == ENOSYS || errno == EPERM)) { use_peek = 1; continue; }
        } else {
            uint64_t word;
            int r = peekdata(pid, at & ~(uint64_t)7, &word);
            if (r != 0) { n = r; }
            else {
                unsigned off = (unsigned)(at & 7);
                n = (long)(8 - off);
                if ((unsigned long)n > want) n = (long)want;
                memcpy(buf + got, (char *)&word + off, (size_t)n);
            }
        }
        if (n < 0 && !use_peek) n = -errno;
        if (n <= 0) {
            if (got == 0) return n < 0 ? n : -EFAULT;
            break;
        }
        void *nul = memchr(buf + got, 0, (size_t)n);
        if (nul) return (long)((char *)nul - buf);
        got += (unsigned long)n;
    }
    buf[got] = 0;
    return (long)got;
}

pid_t CTraceCapture_waitpid(pid_t pid, int *status, int flags) {
    pid_t r;
    do { r = waitpid(pid, status, flags | __WALL | __WNOTHREAD); } while (r < 0 && errno == EINTR);
    return (pid_t)result(r);
}
int CTraceCapture_WNOHANG(void) { return WNOHANG; }
int CTraceCapture_WSTOPPED(void) { return WSTOPPED; }
int CTraceCapture_WIFSTOPPED(int s) { return WIFSTOPPED(s); }
int CTraceCapture_WSTOPSIG(int s) { return WSTOPSIG(s); }
int CTraceCapture_WIFEXITED(int s) { return WIFEXITED(s); }
int CTraceCapture_WEXITSTATUS(int s) { return WEXITSTATUS(s); }
int CTraceCapture_WIFSIGNALED(int s) { return WIFSIGNALED(s); }
int CTraceCapture_WTERMSIG(int s) { return WTERMSIG(s); }
int CTraceCapture_ptrace_event(int s) { return (unsigned)s >> 16; }

pid_t CTraceCapture_waitpid_once(pid_t pid, int *status, int flags) {
    return (pid_t)result(waitpid(pid, status, flags | __WALL | __WNOTHREAD));
}

static void wakeup_handler(int sig) { (void)sig; }

int CTraceCapture_install_wakeup_signal(void) {
    int sig = SIGRTMIN + 4;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = wakeup_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: waitpid returns EINTR
    sigaction(sig, &sa, NULL);
    return sig;
}
