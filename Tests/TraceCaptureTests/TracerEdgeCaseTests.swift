import Foundation
import Glibc
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// Adversarial checks of the unsafe layer: failing closed when a filter cannot be installed,
/// reading strings across page boundaries, detaching from a process that keeps making threads
/// and children, stopping a failing start. (Descriptor leaks are checked on the binary, from a
/// process without the test harness's descriptors: DescriptorLeakTests.)
@Suite(.serialized, .requires(Requirement.ptraceAttach)) struct TracerEdgeCaseTests {
    @Test("a filter the kernel refuses is reported with its errno and the command never runs")
    func refusedFilterNeverRuns() throws {
        let dir = try TestScratch.directory("bad-filter").path
        let marker = dir + "/ran"
        // A jump past the end of the program: the kernel's checker refuses it with EINVAL.
        let invalid = [SockFilter(code: 0x05, k: 3), SockFilter(code: 0x06, k: 0x7FFF_0000)]
        let command = ["touch", marker]

        let child = try Spawn.start(command, filter: invalid, noNewPrivs: .unlessCapSysAdmin, stopSelf: false)
        var status: Int32 = 0
        _ = valueOrErrno { waitpid(child.pid, &status, 0) }
        #expect(Spawn.result(of: child, command: command) == .filterFailed(command: "touch", errno: EINVAL))
        #expect((status >> 8) & 0xFF == 127 && status & 0x7F == 0)

        #expect(throws: TraceError.filterFailed(command: "touch", errno: EINVAL)) {
            try TraceHelpers.trace(.spawn(command: command), options: .init(spawnFilter: invalid))
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
        let bin = try ProcessRunner.compileC(src, name: "page-paths")
        let (events, end) = try TraceHelpers.trace(.spawn(command: [bin]))
        #expect(end == .exited(0))
        let paths = events.filter { $0.nr == sysno("openat", .host) }.compactMap { $0.paths[1] }
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
        let bin = try ProcessRunner.compileC(src, name: "churn")
        let pid = try TraceHelpers.startDetached(bin)
        defer { kill(pid, SIGKILL) }
        #expect(waitFor { ProcFS.threads(of: pid).count >= 5 })
        for round in 0..<3 {
            let backend = PtraceBackend()
            let sink = EventSink()
            _ = try backend.start(.attach(pid: pid), options: .init()) { sink.add($0.events) }
            #expect(waitFor { sink.all.count > 0 })
            backend.stop()
            #expect(backend.wait() == .detached)
            let processes = [pid] + childProcesses(of: pid)
            for p in processes {
                for t in ProcFS.threads(of: p) {
                    #expect(ProcFS.tracerPid(of: t).map { $0 == 0 } ?? true, "round \(round): \(t) of \(p) still traced")
                    #expect(ProcFS.state(of: t).map { $0 != "t" && $0 != "T" } ?? true, "round \(round): \(t) of \(p) stopped")
                }
            }
        }
    }

    @Test("stop() while a start is failing returns, and never signals a finished thread", .timeLimit(.minutes(1)))
    func stopDuringFailingStart() throws {
        for _ in 0..<100 {
            let backend = PtraceBackend()
            let starting = DispatchSemaphore(value: 0)
            let stopping = Stopper()
            let stopped = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                starting.wait()
                // Keep asking until start() has failed, so one request lands while it runs.
                while !stopping.done { backend.stop() }
                stopped.signal()
            }
            starting.signal()
            #expect(throws: TraceError.execFailed(command: "no-such-command-xyz", errno: ENOENT)) {
                _ = try backend.start(.spawn(command: ["no-such-command-xyz"]), options: .init()) { _ in }
            }
            stopping.done = true
            try #require(stopped.wait(timeout: .now() + .seconds(5)) == .success, "stop() did not return")
        }
    }
}

extension TracerEdgeCaseTests {
    @Test("reading the filters of, or attaching to, a process another tracer holds says which pid traces it")
    func alreadyTraced() throws {
        let pid = try TraceHelpers.startDetached("sh -c 'while :; do sleep 0.02; done'")
        defer { kill(pid, SIGKILL) }
        let holder = PtraceBackend()
        _ = try holder.start(.attach(pid: pid), options: .init()) { _ in }
        defer { holder.stop(); _ = holder.wait() }
        let tracer = try #require(ProcFS.tracerPid(of: pid))
        #expect(tracer != 0)
        #expect(throws: TraceError.alreadyTraced(pid: pid, tracer: tracer)) { try FilterReader.filters(of: pid) }
        #expect(throws: TraceError.alreadyTraced(pid: pid, tracer: tracer)) {
            try TraceHelpers.trace(.attach(pid: pid))
        }
        #expect(TraceError.alreadyTraced(pid: 5, tracer: 7).description.hasPrefix("process 5 is already traced by pid 7"))
    }
}

extension TracerEdgeCaseTests {
    @Test("stopping an attached trace while the process is in a group-stop detaches it still stopped by its own signal; SIGCONT resumes it",
          .timeLimit(.minutes(1)))
    func stopDuringGroupStop() throws {
        let pid = try TraceHelpers.startDetached("sh -c 'while :; do sleep 0.02; done'")
        defer { kill(pid, SIGKILL) }
        let backend = PtraceBackend()
        _ = try backend.start(.attach(pid: pid), options: .init()) { _ in }
        #expect(waitFor { (ProcFS.tracerPid(of: pid) ?? 0) != 0 })
        kill(pid, SIGSTOP)
        // A group-stop lasts (a syscall stop, also "t", does not): settled after 300 ms.
        #expect(waitFor { ProcFS.state(of: pid) == "t" })
        usleep(300_000)
        try #require(ProcFS.state(of: pid) == "t")
        // The process is quiet now: only the wake-up signal can get the tracing thread out of
        // waitpid, and this test runs on a thread that blocks signals (as Dispatch's do).
        backend.stop()
        #expect(backend.wait() == .detached)
        #expect(ProcFS.tracerPid(of: pid) == 0)
        // Detached, it runs for a moment back into its group-stop, and stays there.
        #expect(waitFor { ProcFS.state(of: pid) == "T" }, "the user's SIGSTOP still holds it")
        usleep(100_000)
        #expect(ProcFS.state(of: pid) == "T")
        kill(pid, SIGCONT)
        #expect(waitFor { ProcFS.state(of: pid).map { "SR".contains($0) } == true })
    }
}

/// A flag set on one thread and read on another.
final class Stopper: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var done: Bool {
        get { lock.withLock { flag } }
        set { lock.withLock { flag = newValue } }
    }
}
