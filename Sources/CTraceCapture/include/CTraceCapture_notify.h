#ifndef CTRACECAPTURE_NOTIFY_H
#define CTRACECAPTURE_NOTIFY_H
// Seccomp user notifications (SECCOMP_RET_USER_NOTIF): the listener's ioctls as fixed-arity
// functions, and getting a child's listener into the supervisor (pidfd_getfd).
#include <stdint.h>
#include <sys/types.h>

/// `struct seccomp_notif`, flattened for Swift: one call waiting in the kernel for an answer.
typedef struct {
    uint64_t id;
    /// The thread that made the call, in the supervisor's pid namespace (0 when not visible).
    uint32_t pid;
    uint32_t flags;
    int32_t nr;
    uint32_t arch;
    uint64_t instruction_pointer;
    uint64_t args[6];
} CTraceCapture_notification;

/// `SECCOMP_FILTER_FLAG_NEW_LISTENER` and `SECCOMP_USER_NOTIF_FLAG_CONTINUE`.
enum {
    CTraceCapture_FILTER_FLAG_NEW_LISTENER = 1 << 3,
    CTraceCapture_NOTIF_FLAG_CONTINUE = 1 << 0,
};

/// Checks that the running kernel's notification structures fit ours (SECCOMP_GET_NOTIF_SIZES).
/// Returns 0, or -errno (ENOSYS: no user notifications; EOVERFLOW: a larger struct than we know).
int CTraceCapture_notif_check_sizes(void);

/// SECCOMP_IOCTL_NOTIF_RECV on `listener`, retrying on EINTR; blocks until a call waits.
/// Returns 0, or -errno (ENOENT: the call went away before it was received).
int CTraceCapture_notif_recv(int listener, CTraceCapture_notification *out);

/// SECCOMP_IOCTL_NOTIF_SEND: answers call `id` with `flags` (CONTINUE: the call runs) or with
/// `error` (a negative errno, or 0 and the return value `val`). Returns 0, or -errno (ENOENT:
/// the call is gone: its thread was killed or it was interrupted by a signal).
int CTraceCapture_notif_send(int listener, uint64_t id, int64_t val, int32_t error, uint32_t flags);

/// SECCOMP_IOCTL_NOTIF_ID_VALID: 0 while call `id` still waits, else -errno (ENOENT).
int CTraceCapture_notif_id_valid(int listener, uint64_t id);

/// poll(2) on `listener` and `wake` (a pipe's read end, -1 for none) for at most `timeout_ms`
/// (-1: forever). Returns a mask: 1 a call waits, 2 every task using the filter is gone (POLLHUP),
/// 4 `wake` is readable; 0 on timeout; -errno on failure.
int CTraceCapture_notif_poll(int listener, int wake, int timeout_ms);

/// As CTraceCapture_spawn_flags without stop_self, but the filter is installed with
/// SECCOMP_FILTER_FLAG_NEW_LISTENER and the listener is taken into this process
/// (pidfd_getfd, CLOEXEC) before the child execs: the child spins on shared memory, making no
/// system call, until it is taken. Returns the pid with `*error_fd` and `*report` as
/// CTraceCapture_spawn_flags's, and `*listener_fd` (-1 when the child failed before installing
/// the filter: CTraceCapture_spawn_result says why).
/// Returns -errno when fork failed, or when the listener could not be taken: then
/// `*listener_failed` is 1 (the child was killed and reaped, nothing ran).
pid_t CTraceCapture_spawn_supervised(const char *path, char *const argv[], char *const envp[],
                                     const void *filter, unsigned short filter_len, unsigned int filter_flags,
                                     int nnp_mode, int *error_fd, void **report, int *listener_fd,
                                     int *listener_failed);
#endif
