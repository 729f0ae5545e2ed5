/* A syscall-heavy workload: N cheap syscalls (getppid), N from argv[1] (default 400000). */
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 400000;
    for (long i = 0; i < n; i++) syscall(SYS_getppid);
    return 0;
}
