#ifndef CTRACECAPTURE_FILTER_H
#define CTRACECAPTURE_FILTER_H
#include <stdint.h>
#include <sys/types.h>

/// One instruction of a classic BPF program, laid out as `struct sock_filter`.
typedef struct {
    uint16_t code;
    uint8_t jt;
    uint8_t jf;
    uint32_t k;
} CTraceCapture_sock_filter;

/// One raw system call for the filter probe: `syscall(nr, args[0..5])`, or with `compat` set the
/// i386 system call `nr` through `int $0x80` (arguments cut to 32 bits; the filter sees
/// `AUDIT_ARCH_I386`). Needs a kernel with IA32 emulation for compat calls.
typedef struct {
    long nr;
    unsigned long args[6];
    int compat;
} CTraceCapture_probe_call;

/// Sets `PR_SET_NO_NEW_PRIVS` and installs `filter` on the calling thread with
/// `seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog)`. Returns 0, or -errno.
/// Async-signal-safe: usable between fork and exec.
int CTraceCapture_install_filter(const CTraceCapture_sock_filter *filter, unsigned short count, unsigned int flags);

/// Forks a child that installs `filter`, performs each call with raw `syscall()` and reports each
/// call's errno (0 when the call succeeded) through shared memory; the parent reaps the child.
/// `errnos` receives one value per completed call. Returns the number of calls reported
/// (fewer than `ncalls` when the child died, e.g. killed by the filter), or -errno when the probe
/// could not run; `*install_error` is the errno of a failed install (0 when it succeeded), and
/// `*term_signal` the signal that ended the child (0 if it exited), `*exit_code` its exit status.
int CTraceCapture_filter_probe(const CTraceCapture_sock_filter *filter, unsigned short count, unsigned int flags,
                               const CTraceCapture_probe_call *calls, int ncalls, int *errnos,
                               int *install_error, int *term_signal, int *exit_code);
#endif
