import Foundation
import Glibc
import PolicyModel
import Testing
@testable import TraceCapture

/// Adversarial checks of the unsafe layer: descriptors that could leak into the traced or
/// confined program, failing closed when a filter cannot be installed, reading strings across
/// page boundaries, and detaching from a process that keeps making threads and children.
@Suite(.serialized) struct CaptureReviewTests {
    /// The descriptors (>= 3) of this test process that a child would inherit (no FD_CLOEXEC):
    /// they come from the test harness, not from us.
    static func inheritableDescriptors() -> Set<Int32> {
        var out = Set<Int32>()
        guard let dir = opendir("/proc/self/fd") else { return out }
        defer { closedir(dir) }
        let own = dirfd(dir)
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            guard let fd = Int32(name), fd >= 3, fd != own else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 && flags & FD_CLOEXEC == 0 { out.insert(fd) }
        }
        return out
    }

    /// A shell script that writes the descriptors the shell itself holds to `$0` (listed by a
    /// child `ls`, so that the listing's own directory descriptor is not among them).
    static let listDescriptors = ["sh", "-c", "exec >\"$0\"; ls /proc/$$/fd; :"]

    static func descriptors(in file: String) throws -> Set<Int32> {
        Set(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").compactMap { Int32($0) })
    }

    @Test("no descriptor of ours leaks into a traced, complained-about or enforced program")
    func noDescriptorLeaks() throws {
        let dir = try TestSupport.tempDir("fds")
        let allowed = Set<Int32>([0, 1, 2]).union(Self.inheritableDescriptors())
        let policy = Policy(defaultAction: .allow, rules: [Rule(syscall: "uname", action: .errno(1))])

        let traced = dir + "/traced"
        #expect(try TestSupport.trace(.spawn(command: Self.listDescriptors + [traced])).end == .exited(0))
        let keepRunning = dir + "/keep-running"
        #expect(try TestSupport.trace(.spawn(command: Self.listDescriptors + [keepRunning]),
                                      options: .init(keepRunning: true)).end == .exited(0))
        let enforced = dir + "/enforced"
        #expect(try Enforcer.run(Self.listDescriptors + [enforced], policy: policy, mode: .enforce) == .exited(0))
        let complained = dir + "/complained"
        #expect(try Enforcer.run(Self.listDescriptors + [complained], policy: policy, mode: .complain) == .exited(0))
        let reported = dir + "/reported"
        #expect(try Enforcer.run(Self.listDescriptors + [reported], policy: policy, mode: .report) == .exited(0))

        for file in [traced, keepRunning, enforced, complained, reported] {
            let fds = try Self.descriptors(in: file)
            #expect(fds.isSuperset(of: [0, 1, 2]), "\(file): \(fds.sorted())")
            #expect(fds.isSubset(of: allowed), "\(file): \(fds.sorted()) has more than \(allowed.sorted())")
        }
    }

    @Test("a filter the kernel refuses is reported with its errno and the command never runs")
    func refusedFilterNeverRuns() throws {
        let dir = try TestSupport.tempDir("bad-filter")
        let marker = dir + "/ran"
        // A jump past the end of the program: the kernel's checker refuses it with EINVAL.
        let invalid = [SockFilter(code: 0x05, k: 3), SockFilter(code: 0x06, k: 0x7FFF_0000)]
        let command = ["touch", marker]

        let child = try Spawn.start(command, filter: invalid, noNewPrivs: .unlessCapSysAdmin, stopSelf: false)
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
        #expect(Spawn.result(of: child, command: command) == .filterFailed(command: "touch", errno: EINVAL))
        #expect((status >> 8) & 0xFF == 127 && status & 0x7F == 0)

        #expect(throws: TraceError.filterFailed(command: "touch", errno: EINVAL)) {
            try TestSupport.trace(.spawn(command: command), options: .init(spawnFilter: invalid))
        }
        #expect(!FileManager.default.fileExists(atPath: marker), "the command ran without its filter")
    }

    @Test("path arguments are read whole across a page boundary, and up to an unmapped page without a NUL")
    func pathsAcrossPages() throws {
        let src = """
            #include <fcntl.h>
            #include <string.h>
            #include <sys/mman.h>
            #include <unistd.h>
            int main(void) {
                long page = sysconf(_SC_PAGESIZE);
                char *p = mmap(0, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                const char *across = "/nonexistent/crosses-the-page-boundary";
                char *a = p + page - 10;
                strcpy(a, across);
                openat(AT_FDCWD, a, O_RDONLY);
                munmap(p + 2 * page, page);
                char *b = p + 2 * page - 7;
                memcpy(b, "/no-nul", 7);
                openat(AT_FDCWD, b, O_RDONLY);
                return 0;
            }
            """
        let bin = try TestSupport.compile(src, name: "page-paths")
        let (events, end) = try TestSupport.trace(.spawn(command: [bin]))
        #expect(end == .exited(0))
        let paths = events.filter { $0.nr == 257 }.compactMap { $0.paths[1] }
        #expect(paths.contains("/nonexistent/crosses-the-page-boundary"), "\(paths)")
        #expect(paths.contains("/no-nul"), "\(paths)")
    }

    @Test("stopping a trace of a process that keeps making threads and children leaves every one running untraced",
          .timeLimit(.minutes(1)))
    func detachUnderChurn() throws {
        let src = """
            #include <pthread.h>
            #include <signal.h>
            #include <sys/wait.h>
            #include <unistd.h>
            static void *brief(void *a) { (void)a; getppid(); return 0; }
            static void *spawner(void *a) {
                (void)a;
                for (;;) { pthread_t t; if (pthread_create(&t, 0, brief, 0) == 0) pthread_join(t, 0); }
            }
            int main(void) {
                signal(SIGCHLD, SIG_IGN);
                pthread_t t;
                for (int i = 0; i < 4; i++) pthread_create(&t, 0, spawner, 0);
                for (;;) { if (fork() == 0) { usleep(20000); _exit(0); } usleep(2000); }
            }
            """
        let bin = try TestSupport.compile(src, name: "churn")
        let pid = try TestSupport.startDetached(bin)
        defer { kill(pid, SIGKILL) }
        #expect(TestSupport.eventually { ProcFS.threads(of: pid).count >= 5 })
        for round in 0..<3 {
            let backend = PtraceBackend()
            let sink = EventSink()
            _ = try backend.start(.attach(pid: pid), options: .init()) { sink.add($0) }
            usleep(200_000)
            backend.stop()
            #expect(backend.wait() == .detached)
            #expect(sink.all.count > 0)
            usleep(50_000)
            var processes = [pid]
            processes += try TestSupport.run(["pgrep", "-P", "\(pid)"]).out.split(separator: "\n").compactMap { Int32($0) }
            for p in processes {
                for t in ProcFS.threads(of: p) {
                    #expect(ProcFS.tracerPid(of: t).map { $0 == 0 } ?? true, "round \(round): \(t) of \(p) still traced")
                    #expect(ProcFS.state(of: t).map { $0 != "t" && $0 != "T" } ?? true, "round \(round): \(t) of \(p) stopped")
                }
            }
        }
    }
}
