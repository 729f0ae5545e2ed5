#include "CTraceCapture_inspect.h"
#include <errno.h>
#include <linux/filter.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

long CTraceCapture_seccomp_get_filter(pid_t pid, unsigned long index, CTraceCapture_sock_filter *buf,
                                      unsigned long capacity) {
    long n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)index, NULL);
    if (n < 0 || buf == NULL) return n;
    if ((unsigned long)n > capacity) {
        errno = ENOSPC;
        return -1;
    }
    return ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)index, buf);
}

int CTraceCapture_ptrace_getsiginfo(pid_t pid, CTraceCapture_sigsys_info *out) {
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (ptrace(PTRACE_GETSIGINFO, pid, 0, &si) != 0) return -1;
    memset(out, 0, sizeof *out);
    out->signo = si.si_signo;
    out->code = si.si_code;
    if (si.si_signo == SIGSYS) {
        out->syscall_nr = si.si_syscall;
        out->arch = si.si_arch;
    }
    return 0;
}

// The kernel's internal restart codes (include/linux/errno.h).
enum { ERESTARTNOINTR_ = 513, ERESTART_RESTARTBLOCK_ = 516 };

int CTraceCapture_reissue_instead_of_restart(pid_t pid, int allowed_64, int allowed_32) {
#if defined(__x86_64__)
    struct user_regs_struct regs;
    if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) != 0) return -1;
    // In a system call (orig_rax >= 0), which the kernel will restart through its restart block.
    // Compat (i386) tasks have the same layout here, their values in the low 32 bits.
    if ((long long)regs.orig_rax < 0 || (int)regs.rax != -ERESTART_RESTARTBLOCK_) return 0;
    int compat = regs.cs == 0x23;  // __USER32_CS; 64-bit code runs with __USER_CS (0x33)
    if (compat ? allowed_32 : allowed_64) return 0;
    regs.rax = (unsigned long long)(long long)-ERESTARTNOINTR_;
    if (ptrace(PTRACE_SETREGS, pid, NULL, &regs) != 0) return -1;
    return 1;
#else
    (void)pid; (void)allowed_64; (void)allowed_32;
    return 0;
#endif
}
