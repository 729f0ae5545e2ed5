#ifndef CTRACECAPTURE_NOTIFY_H
#define CTRACECAPTURE_NOTIFY_H
// A command confined by a filter whose refusals go to a user-notification listener held by the
// parent (SECCOMP_RET_USER_NOTIF): enforce's supervisor answers each with the policy's errno and
// counts it.
#include <stdint.h>
#include <sys/types.h>

/// One notification: the call a filter sent to the listener.
struct CTraceCapture_notif {
    uint64_t id;
    uint32_t pid;
    int32_t nr;
    uint32_t arch;
    uint64_t instruction_pointer;
    uint64_t args[6];
};

/// As CTraceCapture_spawn_flags without stop_self, but the filter is installed with
/// SECCOMP_FILTER_FLAG_NEW_LISTENER and the listener is taken into this process
/// (pidfd_getfd, CLOEXEC) before the child execs: the child spins on shared memory, making no
/// system call, until it is taken. Returns the pid with `*error_fd` as CTraceCapture_spawn's
/// and `*listener_fd` (-1 when the child failed before installing the filter: read `*error_fd`).
/// Returns -1 with errno when fork failed; -2 with errno when the listener could not be taken
/// (the child was killed and reaped, nothing ran).
pid_t CTraceCapture_spawn_supervised(const char *path, char *const argv[], char *const envp[],
                                     const void *filter, unsigned short filter_len, unsigned int filter_flags,
                                     int nnp_mode, int *error_fd, int *listener_fd);

/// Waits for the next notification on `listener` or for `stop_fd` to become readable.
/// Returns 1 with `*out` filled, 0 when `stop_fd` is readable or no process uses the filter
/// any more, -1 with errno on error.
int CTraceCapture_notif_receive(int listener, int stop_fd, struct CTraceCapture_notif *out);

/// Answers notification `id`: the call returns -1 with errno `err` without running (`err` 0:
/// it returns 0). Returns 0, or -1 with errno (ENOENT: the call is no longer waiting).
int CTraceCapture_notif_respond(int listener, uint64_t id, int err);

/// Whether notification `id` is still waiting (its process has not died meanwhile): check after
/// reading the caller's memory and before trusting what was read.
int CTraceCapture_notif_id_valid(int listener, uint64_t id);

#endif
