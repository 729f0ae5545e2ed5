#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "CTraceCapture_pty.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

int CTraceCapture_pty_open(int *controller, int *terminal) {
    int c = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (c < 0) return -errno;
    char name[128];
    if (grantpt(c) != 0 || unlockpt(c) != 0 || ptsname_r(c, name, sizeof name) != 0) {
        int e = errno;
        close(c);
        return -e;
    }
    int t = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (t < 0) {
        int e = errno;
        close(c);
        return -e;
    }
    *controller = c;
    *terminal = t;
    return 0;
}

int CTraceCapture_pty_resize(int controller, unsigned short rows, unsigned short columns) {
    struct winsize ws = { rows, columns, 0, 0 };
    return ioctl(controller, TIOCSWINSZ, &ws) == 0 ? 0 : -errno;
}

int CTraceCapture_pty_size(int fd, unsigned short *rows, unsigned short *columns) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return -errno;
    *rows = ws.ws_row;
    *columns = ws.ws_col;
    return 0;
}
