#ifndef CTRACECAPTURE_INSPECT_H
#define CTRACECAPTURE_INSPECT_H
// Reading another process's seccomp state through ptrace: its installed filters
// (PTRACE_SECCOMP_GET_FILTER) and the siginfo of a SIGSYS a filter raised (PTRACE_GETSIGINFO).
#include <stdint.h>
#include <sys/types.h>
#include "CTraceCapture_filter.h"

/// PTRACE_SECCOMP_GET_FILTER on a ptrace-stopped tracee: copies filter number `index` (0 is the
/// first filter installed) into `buf` when `buf` is not NULL and `capacity` is large enough.
/// Returns the filter's number of instructions, or -1 with errno: ENOENT past the last filter,
/// EINVAL when the tracee has no filter, EACCES without CAP_SYS_ADMIN or when the caller is
/// itself confined by seccomp.
long CTraceCapture_seccomp_get_filter(pid_t pid, unsigned long index, CTraceCapture_sock_filter *buf,
                                      unsigned long capacity);

/// What PTRACE_GETSIGINFO says about a signal-delivery-stop.
typedef struct {
    int signo;
    int code;
    /// For a SIGSYS a seccomp filter raised (code SYS_SECCOMP): the call's number and audit arch.
    int syscall_nr;
    uint32_t arch;
} CTraceCapture_sigsys_info;

/// The SYS_SECCOMP value of si_code.
enum { CTraceCapture_SYS_SECCOMP = 1 };

/// PTRACE_GETSIGINFO on a tracee in a signal-delivery-stop. Returns 0 or -1 with errno.
int CTraceCapture_ptrace_getsiginfo(pid_t pid, CTraceCapture_sigsys_info *out);
/// On a ptrace-stopped tracee whose interrupted system call the kernel would resume with
/// restart_syscall (its return register holds -ERESTART_RESTARTBLOCK: poll, nanosleep, a futex
/// wait with a timeout...), makes the kernel re-issue the call itself instead (-ERESTARTNOINTR:
/// same number, same arguments; a relative timeout starts again) — unless restart_syscall is
/// allowed for the code the tracee runs (`allowed_64`: x86_64, `allowed_32`: i386). Returns 1
/// when it re-issued, 0 when not (or the architecture is not handled), -1 with errno.
int CTraceCapture_reissue_instead_of_restart(pid_t pid, int allowed_64, int allowed_32);

#endif
