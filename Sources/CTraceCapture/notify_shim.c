#include "CTraceCapture_notify.h"
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

_Static_assert(sizeof(struct seccomp_notif) == 80, "struct seccomp_notif layout");
_Static_assert(sizeof(struct seccomp_notif_resp) == 24, "struct seccomp_notif_resp layout");
_Static_assert(CTraceCapture_FILTER_FLAG_NEW_LISTENER == SECCOMP_FILTER_FLAG_NEW_LISTENER, "flag value");
_Static_assert(CTraceCapture_NOTIF_FLAG_CONTINUE == SECCOMP_USER_NOTIF_FLAG_CONTINUE, "flag value");

int CTraceCapture_notif_check_sizes(void) {
    struct seccomp_notif_sizes sizes;
    memset(&sizes, 0, sizeof sizes);
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) return -errno;
    // The kernel writes its own struct seccomp_notif: it must not be larger than ours.
    if (sizes.seccomp_notif > sizeof(struct seccomp_notif)) return -EOVERFLOW;
    if (sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)) return -EOVERFLOW;
    return 0;
}

int CTraceCapture_notif_recv(int listener, CTraceCapture_notification *out) {
    struct seccomp_notif n;
    for (;;) {
        memset(&n, 0, sizeof n); // the kernel refuses a buffer that is not zeroed
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &n) == 0) break;
        if (errno != EINTR) return -errno;
    }
    out->id = n.id;
    out->pid = n.pid;
    out->flags = n.flags;
    out->nr = n.data.nr;
    out->arch = n.data.arch;
    out->instruction_pointer = n.data.instruction_pointer;
    for (int i = 0; i < 6; i++) out->args[i] = n.data.args[i];
    return 0;
}

int CTraceCapture_notif_send(int listener, uint64_t id, int64_t val, int32_t error, uint32_t flags) {
    struct seccomp_notif_resp r;
    memset(&r, 0, sizeof r);
    r.id = id;
    r.val = val;
    r.error = error;
    r.flags = flags;
    for (;;) {
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &r) == 0) return 0;
        if (errno != EINTR) return -errno;
    }
}

int CTraceCapture_notif_id_valid(int listener, uint64_t id) {
    __u64 v = id;
    for (;;) {
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &v) == 0) return 0;
        if (errno != EINTR) return -errno;
    }
}

int CTraceCapture_notif_poll(int listener, int wake, int timeout_ms) {
    struct pollfd fds[2] = { { listener, POLLIN, 0 }, { wake, POLLIN, 0 } };
    int n;
    do {
        n = poll(fds, wake >= 0 ? 2 : 1, timeout_ms);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return -errno;
    int mask = 0;
    if (fds[0].revents & POLLIN) mask |= 1;
    if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) mask |= 2;
    if (wake >= 0 && (fds[1].revents & (POLLIN | POLLHUP))) mask |= 4;
    return mask;
}
