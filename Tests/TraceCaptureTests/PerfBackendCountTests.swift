import CTraceCapture
import Foundation
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// The perf backend counts exactly on deterministic programs, follows threads and children,
/// pairs return values and reports how the program ended.
@Suite(.serialized, .requires(TraceBackends.perfUnavailableReason()), .requires(Requirement.libseccompPython)) struct PerfBackendCountTests {
    static let getppidLoop = """
        #include <stdlib.h>
        #include <sys/syscall.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            long n = atol(argv[1]);
            for (long i = 0; i < n; i++) syscall(SYS_getppid);
            return argc > 2 ? atoi(argv[2]) : 0;
        }
        """

    static let threads = """
        #include <pthread.h>
        #include <stdlib.h>
        #include <sys/syscall.h>
        #include <unistd.h>
        static long per_thread;
        static void *work(void *arg) {
            for (long i = 0; i < per_thread; i++) syscall(SYS_getppid);
            return arg;
        }
        int main(int argc, char **argv) {
            int n = atoi(argv[1]);
            per_thread = atol(argv[2]);
            pthread_t t[64];
            for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, work, NULL);
            for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
            if (fork() == 0) { for (long i = 0; i < per_thread; i++) syscall(SYS_getppid); _exit(0); }
            wait(NULL);
            return 0;
        }
        """

    let getppid: Int32

    init() throws {
        getppid = try PerfTestSupport.number("getppid")
    }

    @Test("a program doing exactly N getppid calls yields N getppid events and its exit status")
    func exactCount() throws {
        let exe = try ProcessRunner.compileC(Self.getppidLoop, name: "getppid")
        let t = try PerfTestSupport.trace(PerfBackend(), [exe, "25000", "7"])
        #expect(t.lost == 0)
        #expect(t.count(of: getppid) == 25000)
        #expect(t.end == .exited(7))
        #expect(t.events.allSatisfy { $0.pid == t.pid && $0.tid == t.pid && $0.arch == .host })
        let execve = t.events.filter { Int64($0.nr) == CTraceCapture_perf_nr_execve() }
        #expect(execve.count == 1)
        #expect(execve.first?.paths[0] == exe)
    }

    @Test("threads and forked children are followed through inherit")
    func threadsAndChildren() throws {
        let exe = try ProcessRunner.compileC(Self.threads, name: "threads")
        let t = try PerfTestSupport.trace(PerfBackend(), [exe, "4", "2000"])
        #expect(t.lost == 0)
        #expect(t.end == .exited(0))
        let calls = t.events.filter { $0.nr == getppid }
        #expect(calls.count == 5 * 2000)
        let byThread = Dictionary(grouping: calls, by: { $0.tid }).mapValues(\.count)
        #expect(byThread.count == 5)
        #expect(byThread.values.allSatisfy { $0 == 2000 })
        // four threads share the program's pid; the forked child has its own
        #expect(Set(calls.map { $0.pid }).count == 2)
        #expect(calls.filter { $0.pid == t.pid }.count == 4 * 2000)
    }

    @Test("with returns, every getppid carries the tracer's pid as its return value")
    func returnValues() throws {
        let exe = try ProcessRunner.compileC(Self.getppidLoop, name: "getppid")
        let t = try PerfTestSupport.trace(PerfBackend(), [exe, "5000"], options: TraceOptions(returns: true))
        #expect(t.lost == 0)
        let calls = t.events.filter { $0.nr == getppid }
        #expect(calls.count == 5000)
        #expect(calls.allSatisfy { $0.returnValue == Int64(getpid()) })
        let exitGroup = t.events.filter { Int64($0.nr) == CTraceCapture_perf_nr_exit_group() }
        #expect(exitGroup.count == 1 && exitGroup.first?.returnValue == nil)
        let execve = t.events.filter { Int64($0.nr) == CTraceCapture_perf_nr_execve() }
        #expect(execve.count == 1 && execve.first?.returnValue == 0)
    }

    @Test("a command that cannot be executed is an error naming it")
    func execFailure() throws {
        let backend = PerfBackend()
        #expect(throws: TraceError.execFailed(command: "/nonexistent/program", errno: ENOENT)) {
            _ = try backend.start(.spawn(command: ["/nonexistent/program"]), options: TraceOptions()) { _ in }
        }
    }

    @Test("stop kills the spawned command and its children, and wait reports the signal")
    func stopKills() throws {
        let backend = PerfBackend()
        let t = try PerfTestSupport.trace(backend, ["/bin/sh", "-c", "sleep 30 & sleep 30; wait"]) { b, pid in
            // Both sleeps started.
            #expect(waitFor { PerfBackend.descendants(of: pid).count >= 2 })
            b.stop()
        }
        #expect(t.end == .signaled(SIGKILL))
        #expect(PerfBackend.descendants(of: t.pid).isEmpty)
        let clones = try PerfTestSupport.numbers(["clone", "clone3", "fork", "vfork"])
        #expect(!t.numbers.isDisjoint(with: clones.values))
    }
}
