#include "CTraceCapture_notify.h"
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/// The kernel's sizes of the notification structs (SECCOMP_GET_NOTIF_SIZES), asked once (only
/// the supervisor's thread calls these functions). The kernel reads and writes its own sizes; ours
/// are prefixes of them. Fails with EOVERFLOW when a kernel struct does not fit `room` bytes.
static int notif_size(int response, size_t room, size_t *size) {
    static struct seccomp_notif_sizes sizes;
    if (sizes.seccomp_notif == 0 && syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) return -1;
    size_t kernel = response ? sizes.seccomp_notif_resp : sizes.seccomp_notif;
    size_t ours = response ? sizeof(struct seccomp_notif_resp) : sizeof(struct seccomp_notif);
    if (kernel > room || kernel < ours) {
        errno = EOVERFLOW;
        return -1;
    }
    *size = kernel;
    return 0;
}

int CTraceCapture_notif_receive(int listener, int stop_fd, struct CTraceCapture_notif *out) {
    uint64_t buffer[64];
    size_t size;
    if (notif_size(0, sizeof buffer, &size) != 0) return -1;
    for (;;) {
        struct pollfd p[2] = { { listener, POLLIN, 0 }, { stop_fd, POLLIN, 0 } };
        int r = poll(p, 2, -1);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (p[1].revents) return 0;
        if (p[0].revents & POLLIN) {
            memset(buffer, 0, size);
            if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, buffer) != 0) {
                // ENOENT: the caller died or was interrupted between poll and receive.
                if (errno == EINTR || errno == ENOENT) continue;
                return -1;
            }
            struct seccomp_notif *n = (struct seccomp_notif *)buffer;
            out->id = n->id;
            out->pid = n->pid;
            out->nr = n->data.nr;
            out->arch = n->data.arch;
            out->instruction_pointer = n->data.instruction_pointer;
            for (int i = 0; i < 6; i++) out->args[i] = n->data.args[i];
            return 1;
        }
        if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) return 0;
    }
}

int CTraceCapture_notif_respond(int listener, uint64_t id, int err) {
    uint64_t buffer[16];
    size_t size;
    if (notif_size(1, sizeof buffer, &size) != 0) return -1;
    memset(buffer, 0, size);
    struct seccomp_notif_resp *resp = (struct seccomp_notif_resp *)buffer;
    resp->id = id;
    resp->error = -err;
    resp->val = 0;
    resp->flags = 0;
    for (;;) {
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) == 0) return 0;
        if (errno != EINTR) return -1;
    }
}

int CTraceCapture_notif_id_valid(int listener, uint64_t id) {
    return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}
