#ifndef CTRACECAPTURE_PTY_H
#define CTRACECAPTURE_PTY_H
// A pseudo-terminal pair for the traced program (posix_openpt, which Swift's Glibc module does
// not export without _XOPEN_SOURCE).

/// Opens a pair: `*controller` (read/write, close-on-exec) and `*terminal` (the side the program
/// gets, close-on-exec: the spawner dup2s it onto 0, 1 and 2), both without becoming this
/// process's controlling terminal. Returns 0, or -errno.
int CTraceCapture_pty_open(int *controller, int *terminal);

/// Sets the window size (TIOCSWINSZ; the program's process group gets SIGWINCH). 0 or -errno.
int CTraceCapture_pty_resize(int controller, unsigned short rows, unsigned short columns);

/// The window size of the terminal `fd` (TIOCGWINSZ). 0 or -errno.
int CTraceCapture_pty_size(int fd, unsigned short *rows, unsigned short *columns);
#endif
