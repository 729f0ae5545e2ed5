/* What the perf backend's i386 check costs the traced program: N getppid calls traced on
 * raw_syscalls:sys_enter (one sampling event per CPU, as the backend opens them), with samples of
 * the raw record alone and with the three user registers the check reads (rcx, rsi, rip:
 * PERF_SAMPLE_REGS_USER). Runs interleaved; prints each configuration's median and the ratio.
 *
 *   cc -O2 -o regs benchmarks/perf-compat-registers.c && ./regs [CALLS] [RUNS]   (as root) */
#include <asm/perf_regs.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Seconds the child took for `calls` getppid calls under events sampling `regs` (0: none). */
static double run(int tp, uint64_t regs, long calls, int cpus) {
    int go[2], done[2];
    if (pipe(go) || pipe(done)) exit(1);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        if (read(go[0], &c, 1) != 1) _exit(1);
        double t0 = now();
        for (long i = 0; i < calls; i++) syscall(SYS_getppid);
        double t = now() - t0;
        if (write(done[1], &t, sizeof t) != sizeof t) _exit(1);
        _exit(0);
    }
    size_t pages = 1024, size = (pages + 1) * 4096;
    int fds[cpus];
    struct perf_event_mmap_page *rings[cpus];
    for (int cpu = 0; cpu < cpus; cpu++) {
        struct perf_event_attr a;
        memset(&a, 0, sizeof a);
        a.size = sizeof a;
        a.type = PERF_TYPE_TRACEPOINT;
        a.config = tp;
        a.sample_period = 1;
        a.sample_type = PERF_SAMPLE_RAW | (regs ? PERF_SAMPLE_REGS_USER : 0);
        a.sample_regs_user = regs;
        a.inherit = 1;
        a.watermark = 1;
        a.wakeup_watermark = 1 << 20;
        fds[cpu] = syscall(SYS_perf_event_open, &a, pid, cpu, -1, 0);
        if (fds[cpu] < 0) { perror("perf_event_open"); exit(1); }
        rings[cpu] = mmap(0, size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[cpu], 0);
        if (rings[cpu] == MAP_FAILED) { perror("mmap"); exit(1); }
    }
    if (write(go[1], "x", 1) != 1) exit(1);
    int status;
    while (waitpid(pid, &status, WNOHANG) == 0) {  /* a reader that keeps up: consume everything */
        for (int cpu = 0; cpu < cpus; cpu++)
            __atomic_store_n(&rings[cpu]->data_tail, __atomic_load_n(&rings[cpu]->data_head, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
        usleep(1000);
    }
    double t = 0;
    if (read(done[0], &t, sizeof t) != sizeof t) exit(1);
    for (int cpu = 0; cpu < cpus; cpu++) {
        munmap(rings[cpu], size);
        close(fds[cpu]);
    }
    close(go[0]); close(go[1]); close(done[0]); close(done[1]);
    return t;
}

int main(int argc, char **argv) {
    long calls = argc > 1 ? atol(argv[1]) : 400000;
    int runs = argc > 2 ? atoi(argv[2]) : 15;
    FILE *f = fopen("/sys/kernel/tracing/events/raw_syscalls/sys_enter/id", "r");
    int tp;
    if (!f || fscanf(f, "%d", &tp) != 1) { fprintf(stderr, "no raw_syscalls:sys_enter in tracefs\n"); return 1; }
    int cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t regs = (1ULL << PERF_REG_X86_CX) | (1ULL << PERF_REG_X86_SI) | (1ULL << PERF_REG_X86_IP);
    double raw[runs], with[runs];
    for (int r = 0; r < runs; r++) {
        raw[r] = run(tp, 0, calls, cpus);
        with[r] = run(tp, regs, calls, cpus);
    }
    qsort(raw, runs, sizeof raw[0], cmp);
    qsort(with, runs, sizeof with[0], cmp);
    double a = raw[runs / 2], b = with[runs / 2];
    printf("%ld getppid calls traced, median of %d interleaved runs\n", calls, runs);
    printf("raw record only:          %.4f s\n", a);
    printf("raw + rcx, rsi, rip:      %.4f s  (%.2fx, +%.3f us per call)\n", b, b / a, (b - a) / calls * 1e6);
    return 0;
}
