#include "CTraceCapture_inspect.h"
#include <errno.h>
#include <linux/filter.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

long CTraceCapture_seccomp_get_filter(pid_t pid, unsigned long index, CTraceCapture_sock_filter *buf,
                                      unsigned long capacity) {
    long n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)index, NULL);
    if (n < 0) return -errno;
    if (buf == NULL) return n;
    if ((unsigned long)n > capacity) return -ENOSPC;
    n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)index, buf);
    return n < 0 ? -errno : n;
}

int CTraceCapture_ptrace_getsiginfo(pid_t pid, CTraceCapture_sigsys_info *out) {
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (ptrace(PTRACE_GETSIGINFO, pid, 0, &si) != 0) return -errno;
    memset(out, 0, sizeof *out);
    out->signo = si.si_signo;
    out->code = si.si_code;
    if (si.si_signo == SIGSYS) {
        out->syscall_nr = si.si_syscall;
        out->arch = si.si_arch;
    }
    return 0;
}
