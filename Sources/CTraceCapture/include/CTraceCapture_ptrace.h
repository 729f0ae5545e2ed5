#ifndef CTRACECAPTURE_PTRACE_H
#define CTRACECAPTURE_PTRACE_H
// Fixed-arity wrappers for ptrace(2) and waitpid(2), and the async-signal-safe fork/exec child
// setup used to spawn a traced (or confined) command. Swift cannot call variadic C functions
// nor use the W* macros, so each request and macro gets a function here.
#include <stdint.h>
#include <sys/types.h>

// MARK: - ptrace options and events (values from <linux/ptrace.h>)

/// PTRACE_O_* bits for CTraceCapture_ptrace_seize.
enum {
    CTraceCapture_PTRACE_O_TRACESYSGOOD = 0x01,
    CTraceCapture_PTRACE_O_TRACEFORK = 0x02,
    CTraceCapture_PTRACE_O_TRACEVFORK = 0x04,
    CTraceCapture_PTRACE_O_TRACECLONE = 0x08,
    CTraceCapture_PTRACE_O_TRACEEXEC = 0x10,
    CTraceCapture_PTRACE_O_TRACEVFORKDONE = 0x20,
    CTraceCapture_PTRACE_O_TRACEEXIT = 0x40,
    CTraceCapture_PTRACE_O_TRACESECCOMP = 0x80,
    CTraceCapture_PTRACE_O_EXITKILL = 0x100000,
};

/// PTRACE_EVENT_* values, found in `status >> 16` of a ptrace-event-stop.
enum {
    CTraceCapture_PTRACE_EVENT_FORK = 1,
    CTraceCapture_PTRACE_EVENT_VFORK = 2,
    CTraceCapture_PTRACE_EVENT_CLONE = 3,
    CTraceCapture_PTRACE_EVENT_EXEC = 4,
    CTraceCapture_PTRACE_EVENT_VFORK_DONE = 5,
    CTraceCapture_PTRACE_EVENT_EXIT = 6,
    CTraceCapture_PTRACE_EVENT_SECCOMP = 7,
    CTraceCapture_PTRACE_EVENT_STOP = 128,
};

/// PTRACE_SYSCALL_INFO_* values of CTraceCapture_syscall_info.op.
enum {
    CTraceCapture_SYSCALL_INFO_NONE = 0,
    CTraceCapture_SYSCALL_INFO_ENTRY = 1,
    CTraceCapture_SYSCALL_INFO_EXIT = 2,
    CTraceCapture_SYSCALL_INFO_SECCOMP = 3,
};

/// PTRACE_GET_SYSCALL_INFO's result, flattened (no union) for Swift.
typedef struct {
    uint8_t op;
    uint32_t arch;
    uint64_t nr;
    uint64_t args[6];
    int64_t rval;
    uint8_t is_error;
    uint32_t ret_data;
} CTraceCapture_syscall_info;

// MARK: - ptrace requests. Each returns 0 (or the documented value) or -1 with errno set.

int CTraceCapture_ptrace_seize(pid_t pid, unsigned long options);
int CTraceCapture_ptrace_setoptions(pid_t pid, unsigned long options);
/// PTRACE_CONT delivering `sig` (0 for none).
int CTraceCapture_ptrace_cont(pid_t pid, int sig);
/// PTRACE_SYSCALL: resume and stop at the next syscall entry or exit.
int CTraceCapture_ptrace_syscall(pid_t pid, int sig);
int CTraceCapture_ptrace_listen(pid_t pid);
int CTraceCapture_ptrace_detach(pid_t pid, int sig);
int CTraceCapture_ptrace_interrupt(pid_t pid);
/// PTRACE_GETEVENTMSG into `*msg`.
int CTraceCapture_ptrace_geteventmsg(pid_t pid, unsigned long *msg);
/// PTRACE_GET_SYSCALL_INFO into `*info`; returns 0 or -1 with errno.
int CTraceCapture_ptrace_get_syscall_info(pid_t pid, CTraceCapture_syscall_info *info);
/// PTRACE_PEEKDATA; returns 0 and stores the word, or -1 with errno.
int CTraceCapture_ptrace_peekdata(pid_t pid, uint64_t addr, uint64_t *word);

/// Reads a NUL-terminated string of at most `max - 1` bytes from the tracee at `addr` into
/// `buf` (always NUL-terminated). Uses process_vm_readv page by page, PEEKDATA as fallback.
/// Returns the string's length, or -1 with errno when nothing could be read.
long CTraceCapture_read_string(pid_t pid, uint64_t addr, char *buf, unsigned long max);

// MARK: - waitpid and its status macros

/// waitpid(pid, &status, flags | __WALL | __WNOTHREAD), retrying on EINTR: only the calling
/// thread's children and tracees, so that tracers on other threads (and Foundation's Process)
/// are not disturbed.
pid_t CTraceCapture_waitpid(pid_t pid, int *status, int flags);
int CTraceCapture_WNOHANG(void);
int CTraceCapture_WSTOPPED(void);
int CTraceCapture_WIFSTOPPED(int status);
int CTraceCapture_WSTOPSIG(int status);
int CTraceCapture_WIFEXITED(int status);
int CTraceCapture_WEXITSTATUS(int status);
int CTraceCapture_WIFSIGNALED(int status);
int CTraceCapture_WTERMSIG(int status);
/// The PTRACE_EVENT_* of a ptrace-event-stop (`status >> 16`), 0 otherwise.
int CTraceCapture_ptrace_event(int status);

/// waitpid(pid, &status, flags | __WALL | __WNOTHREAD) once: returns -1 with errno EINTR when a signal (such
/// as the wake-up signal) interrupted it.
pid_t CTraceCapture_waitpid_once(pid_t pid, int *status, int flags);

/// The signal used to interrupt the tracing thread's waitpid (a real-time signal), after
/// installing for it a handler that does nothing and does not restart system calls.
int CTraceCapture_install_wakeup_signal(void);

/// tgkill(2).
int CTraceCapture_tgkill(pid_t tgid, pid_t tid, int sig);

// MARK: - spawning

/// When to set PR_SET_NO_NEW_PRIVS before installing the filter.
enum {
    CTraceCapture_NNP_NEVER = 0,
    CTraceCapture_NNP_ALWAYS = 1,
    /// Only when the child lacks CAP_SYS_ADMIN (the kernel then requires it).
    CTraceCapture_NNP_UNLESS_CAP_SYS_ADMIN = 2,
};

/// Stages at which a spawned child can fail; written with errno into the error pipe.
enum {
    CTraceCapture_SPAWN_STAGE_FILTER = 1,
    CTraceCapture_SPAWN_STAGE_NNP = 2,
    CTraceCapture_SPAWN_STAGE_EXEC = 3,
    /// Taking the pseudo-terminal as the controlling terminal (setsid, TIOCSCTTY).
    CTraceCapture_SPAWN_STAGE_TERMINAL = 4,
};

/// Forks a child that (1) resets every signal handler to default and unblocks every signal
/// (as a command started from a shell), (2) when `stop_self`, raises SIGSTOP so the parent can PTRACE_SEIZE it, (3) sets
/// NO_NEW_PRIVS per `nnp_mode` and installs the classic BPF `filter` of `filter_len`
/// instructions (8 bytes each; none when `filter_len` is 0) with `filter_flags`
/// (SECCOMP_FILTER_FLAG_*), (4) execve's `path`. With `take_terminal` the child first starts a
/// session whose controlling terminal is its fd 0.
/// Only async-signal-safe calls run in the child. Signals are blocked around fork.
/// On success returns the child's pid, stores in `*error_fd` the read end of a CLOEXEC pipe
/// that reads EOF once the child exec'd or ended, and in `*report` a shared page where the child
/// notes a failure before it exits with 127 (no write(): the filter may refuse it).
/// Returns -errno when the fork itself (or its pipe or page) failed.
pid_t CTraceCapture_spawn_flags(const char *path, char *const argv[], char *const envp[],
                                const void *filter, unsigned short filter_len, unsigned int filter_flags,
                                int nnp_mode, int stop_self, int take_terminal, int *error_fd, void **report);

/// Waits for EOF on the pipe of CTraceCapture_spawn_flags, then returns 0 when the exec
/// succeeded, or 1 and fills `*stage`/`*err` when the child reported a failure. Closes the fd
/// and unmaps the page.
int CTraceCapture_spawn_result(int error_fd, void *report, int *stage, int *err);

#endif
