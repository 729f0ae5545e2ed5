import CTraceCapture
import Foundation
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// Every event names the process and thread that made it, also for threads and processes made
/// while tracing, whose first calls may be read (from another CPU's ring) before the FORK record
/// that names their process: each call here passes its own pid and tid as arguments, so each
/// event can be checked against what the program itself knew. Both ways of naming the process
/// are checked: FORK records (the default here) and PERF_SAMPLE_TID (used in other pid
/// namespaces).
@Suite(.serialized, .requires(TraceBackends.perfUnavailableReason()), .requires(Requirement.libseccompPython)) struct PerfBackendProcessTests {
    static let tree = """
        #include <pthread.h>
        #include <stdlib.h>
        #include <sys/syscall.h>
        #include <sys/wait.h>
        #include <unistd.h>
        static long calls;
        static void mark(void) {
            for (long i = 0; i < calls; i++) syscall(SYS_getppid, (long)getpid(), (long)syscall(SYS_gettid), 0x5eed);
        }
        static void *thread_main(void *arg) { mark(); return arg; }
        static void process(int threads, int depth) {
            pthread_t t[16];
            for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, thread_main, NULL);
            if (depth > 0) {
                pid_t c = fork();
                if (c == 0) { process(threads, depth - 1); _exit(0); }
            }
            mark();
            for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
            while (wait(NULL) > 0) {}
        }
        int main(int argc, char **argv) {
            calls = atol(argv[3]);
            for (int i = 0; i < atoi(argv[1]); i++) {
                pid_t c = fork();
                if (c == 0) { process(atoi(argv[2]), 2); _exit(0); }
            }
            process(atoi(argv[2]), 0);
            return 0;
        }
        """

    @Test("processes and threads made while tracing: each call carries the pid and tid that made it",
          arguments: [TraceOptions(), TraceOptions(returns: true)], [false, true])
    func everyEventNamesItsMaker(options: TraceOptions, sampleTID: Bool) throws {
        let getppid = try PerfTestSupport.number("getppid")
        let exe = try ProcessRunner.compileC(Self.tree, name: "tree")
        // 1 + 4 x 3 processes, each with 3 threads and its main thread: 52 threads, 100 calls each.
        let backend = PerfBackend(configuration: .init(sampleTID: sampleTID))
        let t = try PerfTestSupport.trace(backend, [exe, "4", "3", "100"], options: options)
        #expect(t.lost == 0)
        #expect(t.end == .exited(0))
        let calls = t.events.filter { $0.nr == getppid && $0.args[2] == 0x5eed }
        #expect(calls.count == 52 * 100)
        let wrong = calls.filter { Int32(truncatingIfNeeded: $0.args[0]) != $0.pid
            || Int32(truncatingIfNeeded: $0.args[1]) != $0.tid }
        #expect(wrong.isEmpty, "\(wrong.count) events name another process or thread, e.g. \(wrong.prefix(3))")
        #expect(Set(calls.map(\.pid)).count == 13 && Set(calls.map(\.tid)).count == 52)
        #expect(calls.contains { $0.pid == t.pid })
    }

    @Test("this test process runs in the initial pid namespace; a process in a new one is told so")
    func pidNamespace() throws {
        #expect(ProcFS.inInitialPIDNamespace())
        let r = try ProcessRunner.run(["/usr/bin/unshare", "--pid", "--fork", "/bin/readlink", "/proc/self/ns/pid"])
        #expect(r.status == 0)
        #expect(!r.stdout.contains("4026531836") && r.stdout.hasPrefix("pid:["))
    }
}
