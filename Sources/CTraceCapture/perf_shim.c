// The perf backend's C side; see CTraceCapture_perf.h.
#include "CTraceCapture_perf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#if defined(__x86_64__)
#include <asm/perf_regs.h>
#endif
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

_Static_assert(sizeof(struct perf_event_header) == 8, "perf_event_header is 8 bytes");
_Static_assert(sizeof(((CTraceCapture_perf_ring *)0)->scratch) > 0xffff, "scratch holds any record");
_Static_assert(sizeof(CTraceCapture_perf_sample) == 120, "CTraceCapture_perf_sample layout");
_Static_assert(offsetof(struct perf_event_mmap_page, data_head) == 1024, "data_head where the uapi says");

int64_t CTraceCapture_perf_nr_execve(void) { return __NR_execve; }
int64_t CTraceCapture_perf_nr_exit_group(void) { return __NR_exit_group; }

/// A zeroed attr of `type`/`config`, sized for this header's kernel ABI.
static void attr_init(struct perf_event_attr *attr, uint32_t type, uint64_t config) {
    memset(attr, 0, sizeof *attr);
    attr->size = sizeof *attr;
    attr->type = type;
    attr->config = config;
}

#if defined(__x86_64__)
/// The user registers of a sys_enter sample: rcx, rsi, rip (the kernel writes them in bit order).
static const uint64_t user_regs_mask = (1ULL << PERF_REG_X86_CX) | (1ULL << PERF_REG_X86_SI) | (1ULL << PERF_REG_X86_IP);
#else
static const uint64_t user_regs_mask = 0;
#endif

int CTraceCapture_perf_regs_supported(void) { return user_regs_mask != 0; }

uint64_t CTraceCapture_perf_sample_type(int with_time, int with_id, int with_tid, int with_regs) {
    return PERF_SAMPLE_RAW | (with_tid ? PERF_SAMPLE_TID : 0) | (with_time ? PERF_SAMPLE_TIME : 0) |
           (with_id ? PERF_SAMPLE_IDENTIFIER : 0) | (with_regs && user_regs_mask != 0 ? PERF_SAMPLE_REGS_USER : 0);
}

long CTraceCapture_read_memory(pid_t pid, uint64_t addr, void *buf, size_t len) {
    struct iovec local = {buf, len};
    struct iovec remote = {(void *)(uintptr_t)addr, len};
    ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
    return n < 0 ? -errno : (long)n;
}

int CTraceCapture_perf_open(uint32_t tp_id, pid_t pid, int cpu, int inherit, int enable_on_exec,
                            int task, uint32_t wakeup_watermark, uint64_t sample_type) {
    struct perf_event_attr attr;
    attr_init(&attr, PERF_TYPE_TRACEPOINT, tp_id);
    attr.sample_period = 1;
    attr.sample_type = sample_type;
    if (sample_type & PERF_SAMPLE_REGS_USER) attr.sample_regs_user = user_regs_mask;
    attr.disabled = enable_on_exec ? 1 : 0;
    attr.inherit = inherit ? 1 : 0;
    attr.enable_on_exec = enable_on_exec ? 1 : 0;
    attr.task = task ? 1 : 0;
    if (wakeup_watermark > 0) {
        attr.watermark = 1;
        attr.wakeup_watermark = wakeup_watermark;
    } else {
        attr.wakeup_events = 1;
    }
    long fd = syscall(__NR_perf_event_open, &attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
    return fd < 0 ? -errno : (int)fd;
}

// The warm-up (see CTraceCapture_perf_warm_up_start): one background thread at a time.
static pthread_mutex_t warm_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t warm_thread;
static int warm_started;
static int warm_fd = -1;

static void *warm_up(void *unused) {
    (void)unused;
    struct perf_event_attr attr;
    attr_init(&attr, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY);
    attr.disabled = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    long fd = syscall(__NR_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
    warm_fd = fd < 0 ? -1 : (int)fd;  // read only after pthread_join
    return NULL;
}

void CTraceCapture_perf_warm_up_start(void) {
    pthread_mutex_lock(&warm_lock);
    if (!warm_started && pthread_create(&warm_thread, NULL, warm_up, NULL) == 0) warm_started = 1;
    pthread_mutex_unlock(&warm_lock);
}

int CTraceCapture_perf_warm_up_pending(void) {
    pthread_mutex_lock(&warm_lock);
    int pending = warm_started;
    pthread_mutex_unlock(&warm_lock);
    return pending;
}

void CTraceCapture_perf_warm_up_finish(void) {
    pthread_mutex_lock(&warm_lock);
    if (warm_started) {
        pthread_join(warm_thread, NULL);
        warm_started = 0;
        if (warm_fd >= 0) close(warm_fd);
        warm_fd = -1;
    }
    pthread_mutex_unlock(&warm_lock);
}

int CTraceCapture_perf_set_output(int fd, int target_fd) {
    return ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, target_fd) < 0 ? -errno : 0;
}

uint64_t CTraceCapture_perf_event_id(int fd) {
    uint64_t id = 0;
    return ioctl(fd, PERF_EVENT_IOC_ID, &id) < 0 ? 0 : id;
}

int CTraceCapture_perf_disable(int fd) {
    return ioctl(fd, PERF_EVENT_IOC_DISABLE, 0) < 0 ? -errno : 0;
}

int CTraceCapture_perf_ring_map(CTraceCapture_perf_ring *ring, int fd, size_t data_pages,
                                uint64_t sample_type) {
    if (data_pages == 0 || (data_pages & (data_pages - 1)) != 0) return -EINVAL;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = (1 + data_pages) * page;
    void *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) return -errno;
    struct perf_event_mmap_page *meta = base;
    ring->sample_type = sample_type;
    ring->base = base;
    ring->map_size = size;
    // data_offset/data_size are filled in by kernels since 4.1; older ones use the page after.
    ring->data_offset = meta->data_offset ? meta->data_offset : page;
    ring->data_size = meta->data_size ? (size_t)meta->data_size : data_pages * page;
    return 0;
}

void CTraceCapture_perf_ring_unmap(CTraceCapture_perf_ring *ring) {
    if (ring->base) munmap(ring->base, ring->map_size);
    ring->base = NULL;
}

uint64_t CTraceCapture_perf_ring_pending(const CTraceCapture_perf_ring *ring) {
    const struct perf_event_mmap_page *meta = ring->base;
    uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
    return head - meta->data_tail;
}

/// Copies `len` bytes at ring position `pos` (which may wrap) to `dst`.
static void ring_copy(const CTraceCapture_perf_ring *ring, uint64_t pos, void *dst, size_t len) {
    const unsigned char *data = (const unsigned char *)ring->base + ring->data_offset;
    size_t off = (size_t)(pos & (ring->data_size - 1));
    size_t first = ring->data_size - off;
    if (first >= len) {
        memcpy(dst, data + off, len);
    } else {
        memcpy(dst, data + off, first);
        memcpy((unsigned char *)dst + first, data, len - first);
    }
}

static uint64_t load_u64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t load_u32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint16_t load_u16(const unsigned char *p) { uint16_t v; memcpy(&v, p, 2); return v; }

/// Parses one PERF_RECORD_SAMPLE of `sample_type` (its fields in the kernel's order: IDENTIFIER
/// u64, TID u32 pid + u32 tid, TIME u64, RAW u32 size + data); returns 1 when it is a sys_enter
/// or sys_exit sample. Without TID the thread comes from the raw data's common_pid. With
/// REGS_USER, a sys_enter sample's raw data is followed by the ABI (u64) and, unless it is
/// PERF_SAMPLE_REGS_ABI_NONE, rcx, rsi and rip (u64 each); sys_exit samples carry none.
static int parse_sample(const unsigned char *rec, size_t rec_size, uint64_t sample_type,
                        const CTraceCapture_perf_layout *layout, CTraceCapture_perf_sample *out) {
    size_t at = sizeof(struct perf_event_header);
    out->id = 0;
    out->time = 0;
    out->user_abi = 0;
    out->user_cx = 0;
    out->user_si = 0;
    out->user_ip = 0;
    if (sample_type & PERF_SAMPLE_IDENTIFIER) {
        if (rec_size < at + 8) return 0;
        out->id = load_u64(rec + at);
        at += 8;
    }
    int with_tid = (sample_type & PERF_SAMPLE_TID) != 0;
    if (with_tid) {
        if (rec_size < at + 8) return 0;
        out->pid = (int32_t)load_u32(rec + at);
        out->tid = (int32_t)load_u32(rec + at + 4);
        at += 8;
    }
    if (sample_type & PERF_SAMPLE_TIME) {
        if (rec_size < at + 8) return 0;
        out->time = load_u64(rec + at);
        at += 8;
    }
    if (rec_size < at + 4) return 0;
    uint32_t raw_size = load_u32(rec + at);
    at += 4;
    if ((size_t)raw_size > rec_size - at) return 0;
    const unsigned char *raw = rec + at;
    if ((size_t)layout->type_offset + 2 > raw_size) return 0;
    if (!with_tid) {
        if ((size_t)layout->pid_offset + 4 > raw_size) return 0;
        out->pid = 0;
        out->tid = (int32_t)load_u32(raw + layout->pid_offset);
    }
    uint16_t type = load_u16(raw + layout->type_offset);
    if (type == layout->enter_type) {
        if ((size_t)layout->enter_id_offset + 8 > raw_size ||
            (size_t)layout->enter_args_offset + 48 > raw_size) return 0;
        out->kind = 0;
        out->nr = (int64_t)load_u64(raw + layout->enter_id_offset);
        for (int i = 0; i < 6; i++) out->args[i] = load_u64(raw + layout->enter_args_offset + 8 * i);
        out->ret = 0;
        if (sample_type & PERF_SAMPLE_REGS_USER) {
            size_t regs = at + raw_size;
            if (rec_size < regs + 8) return 0;
            uint64_t abi = load_u64(rec + regs);
            if (abi > PERF_SAMPLE_REGS_ABI_64) return 0;
            out->user_abi = (uint32_t)abi;
            if (abi != PERF_SAMPLE_REGS_ABI_NONE) {
                if (rec_size < regs + 32) return 0;
                out->user_cx = load_u64(rec + regs + 8);
                out->user_si = load_u64(rec + regs + 16);
                out->user_ip = load_u64(rec + regs + 24);
            }
        }
        return 1;
    }
    if (type == layout->exit_type) {
        if ((size_t)layout->exit_id_offset + 8 > raw_size ||
            (size_t)layout->exit_ret_offset + 8 > raw_size) return 0;
        out->kind = 1;
        out->nr = (int64_t)load_u64(raw + layout->exit_id_offset);
        out->ret = (int64_t)load_u64(raw + layout->exit_ret_offset);
        memset(out->args, 0, sizeof out->args);
        return 1;
    }
    return 0;
}

size_t CTraceCapture_perf_ring_read(CTraceCapture_perf_ring *ring,
                                    const CTraceCapture_perf_layout *layout,
                                    CTraceCapture_perf_sample *out, size_t max,
                                    uint64_t *lost, uint64_t *skipped) {
    struct perf_event_mmap_page *meta = ring->base;
    // Acquire pairs with the kernel's write barrier before it publishes data_head: the records
    // below head are complete once we see head.
    uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
    uint64_t tail = meta->data_tail;
    const unsigned char *data = (const unsigned char *)ring->base + ring->data_offset;
    size_t n = 0;
    while (tail < head && n < max) {
        struct perf_event_header hdr;
        ring_copy(ring, tail, &hdr, sizeof hdr);
        if (hdr.size < sizeof hdr || hdr.size > head - tail) {
            // A malformed header: nothing after it can be trusted; drop what is left.
            *skipped += 1;
            tail = head;
            break;
        }
        const unsigned char *rec;
        size_t off = (size_t)(tail & (ring->data_size - 1));
        if (off + hdr.size <= ring->data_size) {
            rec = data + off;
        } else {
            // hdr.size is a u16: it always fits the 64 KiB scratch buffer.
            ring_copy(ring, tail, ring->scratch, hdr.size);
            rec = ring->scratch;
        }
        if (hdr.type == PERF_RECORD_SAMPLE) {
            if (parse_sample(rec, hdr.size, ring->sample_type, layout, &out[n])) n++;
            else *skipped += 1;
        } else if (hdr.type == PERF_RECORD_LOST) {
            // struct { header; u64 id; u64 lost; }
            if (hdr.size >= 24) *lost += load_u64(rec + 16);
        } else if (hdr.type == PERF_RECORD_FORK) {
            // struct { header; u32 pid, ppid; u32 tid, ptid; u64 time; }
            if (hdr.size >= 32) {
                CTraceCapture_perf_sample *f = &out[n++];
                memset(f, 0, sizeof *f);
                f->kind = 2;
                f->pid = (int32_t)load_u32(rec + 8);
                f->tid = (int32_t)load_u32(rec + 16);
            } else {
                *skipped += 1;
            }
        } else if (hdr.type == PERF_RECORD_EXIT) {
            // nothing to learn: a thread's samples end on their own
        } else {
            *skipped += 1;
        }
        tail += hdr.size;
    }
    // Release: our reads of the records happen before the kernel may overwrite them.
    __atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
    return n;
}

extern char **environ;

pid_t CTraceCapture_perf_spawn_held(const char *file, char *const argv[], char *const envp[], int die_with_parent,
                                    int take_terminal, int *release_fd, int *status_fd) {
    pid_t parent = getpid();
    int rel[2], st[2];
    if (pipe2(rel, O_CLOEXEC) < 0) return -errno;
    if (pipe2(st, O_CLOEXEC) < 0) {
        int e = errno;
        close(rel[0]);
        close(rel[1]);
        return -e;
    }
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = fork();
    if (pid == 0) {
        // Child: async-signal-safe calls only.
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        // Default dispositions for all: the tracer ignores SIGINT/SIGTERM/SIGPIPE for itself.
        for (int s = 1; s < NSIG; s++) {
            if (s == SIGKILL || s == SIGSTOP) continue;
            sigaction(s, &dfl, NULL);
        }
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        close(rel[1]);
        close(st[0]);
        // The parent may have died between fork and prctl: then no signal comes, and the
        // child has been reparented.
        if (die_with_parent && (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != parent)) _exit(127);
        char c;
        ssize_t r;
        do { r = read(rel[0], &c, 1); } while (r < 0 && errno == EINTR);
        if (r != 1) _exit(127);  // the tracer went away without releasing us
        int e = 0;
        if (take_terminal && (setsid() < 0 || ioctl(0, TIOCSCTTY, 0) < 0)) e = errno;
        if (e == 0) {
            if (envp) environ = (char **)envp;  // a pointer store: safe after fork
            execvp(file, argv);
            e = errno;
        }
        ssize_t w;
        do { w = write(st[1], &e, sizeof e); } while (w < 0 && errno == EINTR);
        _exit(127);
    }
    int e = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(rel[0]);
    close(st[1]);
    if (pid < 0) {
        close(rel[1]);
        close(st[0]);
        return -e;
    }
    *release_fd = rel[1];
    *status_fd = st[0];
    return pid;
}

int CTraceCapture_perf_release(int release_fd, int status_fd) {
    // A child that died before being released would make this write raise SIGPIPE: block it
    // here and discard the pending signal.
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    char c = 1;
    ssize_t w;
    do { w = write(release_fd, &c, 1); } while (w < 0 && errno == EINTR);
    int write_errno = w == 1 ? 0 : errno;
    if (write_errno == EPIPE) {
        struct timespec zero = {0, 0};
        sigtimedwait(&pipe_set, NULL, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(release_fd);
    int child_errno = 0;
    size_t got = 0;
    while (got < sizeof child_errno) {
        ssize_t r = read(status_fd, (char *)&child_errno + got, sizeof child_errno - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(status_fd);
    if (got == sizeof child_errno) return child_errno ? -child_errno : -EIO;
    if (got != 0 || write_errno != 0) return write_errno ? -write_errno : -EIO;
    return 0;
}

int CTraceCapture_perf_poll(const int *fds, short *revents, int n, int timeout_ms) {
    struct pollfd p[n > 0 ? n : 1];
    for (int i = 0; i < n; i++) {
        p[i].fd = fds[i];
        p[i].events = POLLIN;
        p[i].revents = 0;
    }
    int r = poll(p, (nfds_t)n, timeout_ms);
    if (r < 0) return -errno;
    for (int i = 0; i < n; i++) revents[i] = p[i].revents;
    return r;
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int CTraceCapture_perf_close_detached(const int *fds, int n) {
    if (n <= 0) return 0;
    // The closer must hold the last references: it waits (on `gate`) until we closed ours.
    int gate[2];
    if (pipe2(gate, O_CLOEXEC) < 0) {
        for (int i = 0; i < n; i++) close(fds[i]);
        return -errno;
    }
    int keep[n + 1];
    memcpy(keep, fds, sizeof(int) * (size_t)n);
    keep[n] = gate[0];
    qsort(keep, (size_t)n + 1, sizeof(int), cmp_int);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = fork();
    if (pid == 0) {
        // Intermediate child: fork the closer and leave at once, so the closer is nobody's
        // child to wait for. Async-signal-safe calls only.
        if (fork() == 0) {
            unsigned int next = 0;
            for (int i = 0; i <= n; i++) {
                if (keep[i] < 0 || (unsigned int)keep[i] < next) continue;
                if ((unsigned int)keep[i] > next) syscall(SYS_close_range, next, (unsigned int)keep[i] - 1, 0);
                next = (unsigned int)keep[i] + 1;
            }
            syscall(SYS_close_range, next, ~0U, 0);
            char c;
            while (read(gate[0], &c, 1) < 0 && errno == EINTR) {}
            for (int i = 0; i < n; i++) close(fds[i]);
            _exit(0);
        }
        _exit(0);
    }
    int e = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid > 0) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    }
    for (int i = 0; i < n; i++) close(fds[i]);
    close(gate[1]);
    close(gate[0]);
    return pid < 0 ? -e : 0;
}
