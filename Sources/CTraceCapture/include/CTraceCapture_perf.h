#ifndef CTRACECAPTURE_PERF_H
#define CTRACECAPTURE_PERF_H
// The perf backend's C side: perf_event_open on a tracepoint, per-CPU ring buffers and their
// reader, and a spawn helper that holds the child before exec until its events are open.
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

/// Where the fields of `raw_syscalls:sys_enter` and `sys_exit` sit in a sample's raw data, read
/// from the tracepoints' `format` files. `type` values are the tracepoint ids (`common_type`).
typedef struct {
    uint32_t enter_type;
    uint32_t exit_type;
    uint32_t type_offset;   // common_type, 2 bytes
    uint32_t pid_offset;    // common_pid, 4 bytes: the thread's id as the kernel knows it
    uint32_t enter_id_offset;
    uint32_t enter_args_offset;  // unsigned long args[6]
    uint32_t exit_id_offset;
    uint32_t exit_ret_offset;
} CTraceCapture_perf_layout;

/// One parsed record. `kind` is 0 for a sys_enter sample, 1 for a sys_exit sample, 2 for a
/// PERF_RECORD_FORK (a traced task made process or thread `tid` of process `pid`; the other
/// fields are 0). `id` is the event id that produced a sample (`PERF_EVENT_IOC_ID` of the event
/// that was opened, also for inherited events), 0 when the events were opened without
/// PERF_SAMPLE_IDENTIFIER; `time` is 0 without PERF_SAMPLE_TIME. Without PERF_SAMPLE_TID a
/// sample's `tid` is the raw record's `common_pid` and its `pid` is 0 (not known). `user_abi`
/// is the PERF_SAMPLE_REGS_ABI_* of a sys_enter sample taken with user registers (1: 32-bit
/// code, 2: 64-bit code), 0 without them; `user_cx`, `user_si` and `user_ip` are then the
/// thread's rcx, rsi and rip as the kernel saved them at entry (x86_64 only).
typedef struct {
    uint64_t id;
    uint64_t time;
    uint64_t args[6];
    int64_t nr;
    int64_t ret;
    int32_t pid;
    int32_t tid;
    uint32_t kind;
    uint32_t user_abi;
    uint64_t user_cx;
    uint64_t user_si;
    uint64_t user_ip;
} CTraceCapture_perf_sample;

/// The sample_type of our events: RAW always; TID (`with_tid`: the process and thread ids as
/// seen from our pid namespace), TIME (`with_time`, to order samples of different CPUs) and
/// IDENTIFIER (`with_id`, to tell events apart) only when asked, since every field is written
/// by the traced thread on every syscall. `with_regs` (sys_enter events, x86_64 hosts only;
/// ignored elsewhere) adds PERF_SAMPLE_REGS_USER with rcx, rsi and rip, which tell an i386
/// (compat) call from a native one: `CTraceCapture_perf_open` then asks for those. A ring
/// whose sample_type has REGS_USER expects them after the raw data of sys_enter samples only,
/// so sys_exit events writing to it are opened without them.
uint64_t CTraceCapture_perf_sample_type(int with_time, int with_id, int with_tid, int with_regs);
/// Whether `CTraceCapture_perf_sample_type` can add user registers on this host (x86_64).
int CTraceCapture_perf_regs_supported(void);

/// Copies `len` bytes at `addr` of process (or thread) `pid`'s memory to `buf` with
/// process_vm_readv. Returns the bytes copied, or -errno.
long CTraceCapture_read_memory(pid_t pid, uint64_t addr, void *buf, size_t len);

/// A mapped ring buffer: one metadata page followed by 2^n data pages. `sample_type` is that of
/// every event writing to it.
typedef struct {
    uint64_t sample_type;
    void *base;
    size_t map_size;
    size_t data_size;
    uint64_t data_offset;
    /// Bytes of a record that wrapped around the end of the buffer are copied here.
    unsigned char scratch[65536];
} CTraceCapture_perf_ring;

/// Opens a sampling event on tracepoint `tp_id`: every hit is a sample of `sample_type` (from
/// `CTraceCapture_perf_sample_type`). `pid` > 0 traces that task, `cpu` >= 0 that CPU; `task`
/// asks for PERF_RECORD_FORK and PERF_RECORD_EXIT records of the traced tasks. Returns the fd
/// or -errno.
int CTraceCapture_perf_open(uint32_t tp_id, pid_t pid, int cpu, int inherit, int enable_on_exec,
                            int task, uint32_t wakeup_watermark, uint64_t sample_type);
/// PERF_EVENT_IOC_SET_OUTPUT: `fd`'s records go to `target_fd`'s ring buffer. 0 or -errno.
int CTraceCapture_perf_set_output(int fd, int target_fd);
/// PERF_EVENT_IOC_ID: the event's id, or 0 on failure.
uint64_t CTraceCapture_perf_event_id(int fd);
/// PERF_EVENT_IOC_DISABLE. 0 or -errno.
int CTraceCapture_perf_disable(int fd);

/// Maps `1 + data_pages` pages of `fd` (data_pages a power of two), whose events (and those
/// redirected to it) sample `sample_type`. 0 or -errno.
int CTraceCapture_perf_ring_map(CTraceCapture_perf_ring *ring, int fd, size_t data_pages,
                                uint64_t sample_type);
void CTraceCapture_perf_ring_unmap(CTraceCapture_perf_ring *ring);
/// Bytes written and not yet consumed.
uint64_t CTraceCapture_perf_ring_pending(const CTraceCapture_perf_ring *ring);
/// Reads up to `max` samples and fork records, consuming the records it reads; PERF_RECORD_LOST
/// counts are added to `*lost`, PERF_RECORD_EXIT records are passed over, records of other
/// types (and samples of other tracepoints, and records cut short) are skipped and counted in
/// `*skipped`. Returns the number of entries written to `out`.
size_t CTraceCapture_perf_ring_read(CTraceCapture_perf_ring *ring,
                                    const CTraceCapture_perf_layout *layout,
                                    CTraceCapture_perf_sample *out, size_t max,
                                    uint64_t *lost, uint64_t *skipped);

/// Forks a child that waits (blocked on a pipe) before `execvp(file, argv)`. On success returns
/// the child's pid and sets `*release_fd` (write end: `CTraceCapture_perf_release` lets the child
/// go) and `*status_fd` (read end of a CLOEXEC pipe carrying an exec failure's errno). -errno on
/// failure. The child sets every signal to its default disposition and an empty signal mask.
/// With `die_with_parent` the child is killed (PR_SET_PDEATHSIG, SIGKILL) when the calling
/// thread ends, as ptrace's EXITKILL kills a tracee with its tracer; a child whose parent is
/// already gone by then exits at once. With `take_terminal` it starts a session whose
/// controlling terminal is its fd 0. `envp` (NULL: this process's) is the command's environment.
pid_t CTraceCapture_perf_spawn_held(const char *file, char *const argv[], char *const envp[], int die_with_parent,
                                    int take_terminal, int *release_fd, int *status_fd);
/// Releases the held child and waits for its exec: returns 0 once it exec'd, or -errno
/// of the failed exec (the child then exits with status 127). Closes both fds.
int CTraceCapture_perf_release(int release_fd, int status_fd);

/// Closes `fds` in a detached grandchild process: the close of the last event on a tracepoint
/// unregisters it and waits for an RCU grace period (tens of ms), which the tracer need not wait
/// for. The grandchild closes every other descriptor first. Our own copies are closed here.
/// Returns 0, or -errno when no process could be made (the fds are then closed here).
int CTraceCapture_perf_close_detached(const int *fds, int n);

/// poll(2) over `n` fds for POLLIN; `revents` receives each fd's revents. Returns poll's
/// result or -errno.
int CTraceCapture_perf_poll(const int *fds, short *revents, int n, int timeout_ms);

/// Starts opening, in a background thread, a disabled software event on this process. The first
/// per-task perf event after a second without any makes the kernel switch its scheduler hooks
/// on and wait for an RCU grace period (~15 ms here); started early, that wait runs alongside
/// start-up instead of inside the tracer's own perf_event_open. Does nothing when already
/// started; a refused open is ignored (the tracer reports its own errors).
void CTraceCapture_perf_warm_up_start(void);
/// Waits for the warm-up thread and closes its event (once the tracer's events are open they
/// keep the hooks on). Does nothing when no warm-up was started.
void CTraceCapture_perf_warm_up_finish(void);
/// 1 while a warm-up was started and not finished.
int CTraceCapture_perf_warm_up_pending(void);

/// `__NR_execve` and `__NR_exit_group` on the host.
int64_t CTraceCapture_perf_nr_execve(void);
int64_t CTraceCapture_perf_nr_exit_group(void);

#endif
