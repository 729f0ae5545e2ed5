/* Makes syscalls with flag and enumeration arguments for DecoderStraceTests: each call either
 * fails harmlessly or touches only /dev/null, a fresh socket or a private mapping. */
#define _GNU_SOURCE 1
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/futex.h>

int main(void) {
    int one = 1, n = 0;
    struct stat st;
    struct timespec ts;
    struct rlimit rl;
    openat(AT_FDCWD, "/nonexistent/a", O_RDONLY | O_CLOEXEC);
    openat(AT_FDCWD, "/nonexistent/b", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
    openat(AT_FDCWD, "/nonexistent/c", O_RDWR | O_APPEND | O_NONBLOCK | O_DIRECTORY);
    syscall(SYS_openat, (long)AT_FDCWD, "/nonexistent/d", 0x80000002L);
    int null = openat(AT_FDCWD, "/dev/null", O_RDWR);
    ioctl(null, TCGETS, &st);
    ioctl(null, TIOCGWINSZ, &st);
    ioctl(null, FIONREAD, &n);
    ioctl(null, FIONBIO, &one);
    fcntl(null, F_GETFD);
    fcntl(null, F_SETFD, FD_CLOEXEC);
    fcntl(null, F_SETFL, O_NONBLOCK | O_APPEND);
    fcntl(null, F_DUPFD_CLOEXEC, 10);
    lseek(null, 0, SEEK_END);
    int s4 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
    setsockopt(s4, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(s4, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(s4, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    getsockopt(s4, SOL_SOCKET, SO_ERROR, &n, &(socklen_t){sizeof n});
    socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    socket(AF_UNIX, SOCK_SEQPACKET, 0);
    socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(p, 4096, PROT_READ);
    mprotect(p, 4096, PROT_NONE);
    madvise(p, 8192, MADV_DONTNEED);
    mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    access("/nonexistent", R_OK | W_OK);
    access("/nonexistent", F_OK);
    unlinkat(AT_FDCWD, "/nonexistent/e", AT_REMOVEDIR);
    fstatat(AT_FDCWD, "/", &st, AT_SYMLINK_NOFOLLOW);
    mkdirat(AT_FDCWD, "/nonexistent/f", 0755);
    fchmodat(AT_FDCWD, "/nonexistent/g", 04711, 0);
    prctl(PR_GET_DUMPABLE);
    prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    prlimit(0, RLIMIT_NOFILE, NULL, &rl);
    getrlimit(RLIMIT_STACK, &rl);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    clock_gettime(CLOCK_BOOTTIME, &ts);
    kill(getpid(), 0);
    kill(0x7ffffff0, SIGTERM);
    syscall(SYS_futex, &n, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    syscall(SYS_futex, &n, FUTEX_WAKE, 1, NULL, NULL, 0);
    return 0;
}
