import Foundation
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// `-p PID`: every existing thread gets its own events, later children inherit them, nothing is
/// counted twice, and stopping detaches without disturbing the process.
@Suite(.serialized, .requires(TraceBackends.perfUnavailableReason()), .requires(Requirement.libseccompPython)) struct PerfBackendAttachTests {
    /// Threads that exist before the tracer attaches, then work; then a forked child works.
    static let lateWorker = """
        #include <pthread.h>
        #include <stdlib.h>
        #include <sys/syscall.h>
        #include <sys/wait.h>
        #include <time.h>
        #include <unistd.h>
        static long n;
        static void pause_ms(long ms) { struct timespec t = {ms / 1000, (ms % 1000) * 1000000L}; nanosleep(&t, NULL); }
        static void *work(void *arg) {
            pause_ms(atol((char *)arg));
            for (long i = 0; i < n; i++) syscall(SYS_getppid);
            return NULL;
        }
        int main(int argc, char **argv) {
            n = atol(argv[1]);
            pthread_t t[3];
            for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, work, argv[2]);
            for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
            pid_t c = fork();
            if (c == 0) { for (long i = 0; i < n; i++) syscall(SYS_getppid); _exit(0); }
            waitpid(c, NULL, 0);
            pause_ms(atol(argv[3]));
            return 3;
        }
        """

    func launch(_ exe: String, _ args: [String]) throws -> Process {
        let p = try ProcessRunner.start([exe] + args)
        // Wait until all of its threads exist.
        try #require(waitFor { ProcFS.threads(of: p.processIdentifier).count >= 4 })
        return p
    }

    @Test("attaching to a running multi-threaded process records each thread's calls once, and its children's")
    func attachCounts() throws {
        let exe = try ProcessRunner.compileC(Self.lateWorker, name: "late")
        let getppid = try PerfTestSupport.number("getppid")
        let p = try launch(exe, ["2000", "400", "0"])
        #expect(ProcFS.threads(of: p.processIdentifier).count == 4)
        let collector = EventSink()
        let backend = PerfBackend()
        let pid = try backend.start(.attach(pid: p.processIdentifier), options: TraceOptions()) { collector.add($0.events) }
        #expect(pid == p.processIdentifier)
        let end = backend.wait()
        p.waitUntilExit()
        #expect(end == .detached)
        #expect(p.terminationStatus == 3)
        #expect(backend.lostEvents == 0)
        let calls = collector.all.filter { $0.nr == getppid }
        #expect(calls.count == 4 * 2000)
        let byThread = Dictionary(grouping: calls, by: { $0.tid }).mapValues { $0.count }
        #expect(byThread.count == 4 && byThread.values.allSatisfy { $0 == 2000 })
        #expect(calls.filter { $0.pid == p.processIdentifier }.count == 3 * 2000)
    }

    @Test("stop detaches from an attached process, which runs on to its normal end")
    func attachStop() throws {
        let exe = try ProcessRunner.compileC(Self.lateWorker, name: "late")
        let p = try launch(exe, ["10", "100", "600"])
        let collector = EventSink()
        let backend = PerfBackend()
        _ = try backend.start(.attach(pid: p.processIdentifier), options: TraceOptions()) { collector.add($0.events) }
        #expect(waitFor { collector.all.count > 0 })
        backend.stop()
        #expect(backend.wait() == .detached)
        let seen = collector.all.count
        p.waitUntilExit()
        #expect(p.terminationStatus == 3)
        #expect(collector.all.count == seen)
    }

    @Test("attaching to a pid that does not exist is an error naming it")
    func attachMissing() throws {
        var pid: Int32 = 4_000_000
        while kill(pid, 0) == 0 || errno != ESRCH { pid -= 1 }
        #expect(throws: TraceError.noSuchProcess(pid)) {
            _ = try PerfBackend().start(.attach(pid: pid), options: TraceOptions()) { _ in }
        }
    }

    @Test("stop with keepRunning leaves a spawned command running")
    func keepRunning() throws {
        let backend = PerfBackend()
        let pid = try backend.start(.spawn(command: ["/bin/sleep", "0.5"]), options: TraceOptions(keepRunning: true)) { _ in }
        #expect(waitFor { (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) == "sleep\n" })
        backend.stop()
        #expect(backend.wait() == .detached)
        #expect(kill(pid, 0) == 0)
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        #expect(status == 0)
    }
}
