// CALLS raw getppid calls, each with a distinct first argument (ignored by the kernel; it makes
// every call a distinct call), each timed. Prints: calls, total µs, and the per-call round trip
// in µs (mean, median, p99, max): under `ask`, from the call's entry to its return, i.e. the
// notification, the supervisor's receive, decision and answer, and the wake-up.
// With a second argument FILE, writes there each call's start (CLOCK_MONOTONIC ns), one a line.
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    long calls = argc > 1 ? atol(argv[1]) : 10000;
    long *d = malloc(sizeof(long) * calls);
    long *starts = malloc(sizeof(long) * calls);
    long start = ns();
    for (long i = 0; i < calls; i++) {
        long t0 = ns();
        starts[i] = t0;
        syscall(SYS_getppid, i);
        d[i] = ns() - t0;
    }
    long total = ns() - start;
    if (argc > 2) {
        FILE *f = fopen(argv[2], "w");
        for (long i = 0; i < calls; i++) fprintf(f, "%ld\n", starts[i]);
        fclose(f);
    }
    long sum = 0;
    for (long i = 0; i < calls; i++) sum += d[i];
    qsort(d, calls, sizeof(long), cmp);
    printf("%ld %.1f %.2f %.2f %.2f %.2f\n", calls, total / 1e3, sum / 1e3 / calls, d[calls / 2] / 1e3,
           d[calls * 99 / 100] / 1e3, d[calls - 1] / 1e3);
    return 0;
}
