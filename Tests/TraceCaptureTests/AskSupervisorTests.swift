import Dispatch
import Foundation
import Glibc
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// Ask mode against the running kernel: calls wait in SECCOMP_RET_USER_NOTIF until answered.
@Suite(.serialized, .requires(Requirement.userNotif))
struct AskSupervisorTests {
    /// Answers the calls of `targets` (all when nil) with `target` (from another thread, after
    /// `delay`), every other call "allow always"; records the asked calls.
    final class Asker: @unchecked Sendable {
        let lock = NSLock()
        var asked: [AskedCall] = []
        var supervisor: AskSupervisor?
        let target: (AskedCall, Int) -> AskAnswer?
        let delay: Double
        let targets: Set<String>?

        init(delay: Double = 0, targets: Set<String>? = ["getppid"], target: @escaping (AskedCall, Int) -> AskAnswer?) {
            self.delay = delay
            self.targets = targets
            self.target = target
        }

        func onAsk(_ call: AskedCall) {
            let index: Int = lock.withLock {
                asked.append(call)
                return asked.filter { $0.name == call.name }.count - 1
            }
            guard targets.map({ $0.contains(call.name ?? "") }) ?? true else {
                supervisor?.answer(call.id, .allowAlways(conditions: []))
                return
            }
            guard let answer = target(call, index) else { return }
            if delay == 0 { supervisor?.answer(call.id, answer); return }
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in supervisor?.answer(call.id, answer) }
        }

        func names() -> [String] { lock.withLock { asked.compactMap(\.name) } }
        func calls(_ name: String) -> [AskedCall] { lock.withLock { asked.filter { $0.name == name } } }

        /// Runs `command` under `policy` to its end.
        func run(_ command: [String], policy: Policy? = nil, during: ((AskSupervisor) -> Void)? = nil,
                 onResolved: @escaping @Sendable ([UInt64]) -> Void = { _ in }) throws -> TraceEnd {
            let s = AskSupervisor(policy: policy, command: command, onAsk: { [self] in onAsk($0) }, onResolved: onResolved)
            supervisor = s
            _ = try s.start()
            // A test whose program waits for an answer that never comes fails instead of hanging:
            // stopping the supervisor fails the waiting calls with ENOSYS.
            let watchdog = DispatchWorkItem { s.stop() }
            DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
            defer { watchdog.cancel() }
            during?(s)
            return s.wait()
        }
    }

    /// getppid as a raw call, `count` times; each result (`value errno microseconds`) on a line of argv[1].
    static let getppidProgram = """
        #include <errno.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <sys/syscall.h>
        #include <time.h>
        #include <unistd.h>
        static long us(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000L + t.tv_nsec / 1000; }
        int main(int argc, char **argv) {
            FILE *f = fopen(argv[1], "w");
            int count = atoi(argv[2]);
            for (int i = 0; i < count; i++) {
                long t0 = us();
                errno = 0;
                long r = syscall(SYS_getppid);
                fprintf(f, "%ld %d %ld\\n", r, r < 0 ? errno : 0, us() - t0);
            }
            fclose(f);
            return 0;
        }
        """

    /// 50 threads call getppid at once (a barrier); argv[1] gets `tid result errno` per thread.
    static let threadsProgram = """
        #include <errno.h>
        #include <pthread.h>
        #include <stdio.h>
        #include <sys/syscall.h>
        #include <unistd.h>
        static pthread_barrier_t barrier;
        static long results[50][3];
        static void *run(void *arg) {
            long i = (long)arg;
            results[i][0] = syscall(SYS_gettid);
            pthread_barrier_wait(&barrier);
            errno = 0;
            long r = syscall(SYS_getppid);
            results[i][1] = r;
            results[i][2] = r < 0 ? errno : 0;
            return 0;
        }
        int main(int argc, char **argv) {
            pthread_t t[50];
            pthread_barrier_init(&barrier, 0, 50);
            for (long i = 0; i < 50; i++) pthread_create(&t[i], 0, run, (void *)i);
            for (int i = 0; i < 50; i++) pthread_join(t[i], 0);
            FILE *f = fopen(argv[1], "w");
            for (int i = 0; i < 50; i++) fprintf(f, "%ld %ld %ld\\n", results[i][0], results[i][1], results[i][2]);
            fclose(f);
            return 0;
        }
        """

    static func lines(_ path: String) throws -> [[Int]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ").compactMap { Int($0) } }
    }

    @Test("an uncovered call blocks until answered and gets exactly the answered errno, then the real result")
    func blocksUntilAnswered() throws {
        let bin = try ProcessRunner.compileC(Self.getppidProgram, name: "getppid")
        let out = try TestScratch.directory("ask").path + "/out"
        let asker = Asker(delay: 0.3) { _, i in i == 0 ? .denyOnce(errno: 77) : .allowOnce }
        let end = try asker.run([bin, out, "2"])
        #expect(end == .exited(0))
        let results = try Self.lines(out)
        try #require(results.count == 2)
        #expect(results[0][0] == -1 && results[0][1] == 77)
        #expect(results[0][2] >= 300_000, "the call returned before it was answered")
        #expect(results[1][0] == Int(getpid()) && results[1][1] == 0, "allowed: the real parent pid")
        #expect(results[1][2] >= 300_000)
        let asked = asker.calls("getppid")
        #expect(asked.count == 2, "each once-only answer asks again")
        #expect(asked.allSatisfy { $0.event.pid == $0.event.tid })
    }

    @Test("an \"always\" answer stops further prompts for that call; the saved policy has the rule")
    func alwaysStopsPrompts() throws {
        let bin = try ProcessRunner.compileC(Self.getppidProgram, name: "getppid")
        let out = try TestScratch.directory("ask").path + "/out"
        let asker = Asker { _, _ in .denyAlways(errno: 13, conditions: []) }
        _ = try asker.run([bin, out, "5"])
        let results = try Self.lines(out)
        #expect(results.count == 5)
        #expect(results.allSatisfy { $0[0] == -1 && $0[1] == 13 })
        #expect(asker.calls("getppid").count == 1)
        #expect(Set(asker.names()).count == asker.names().count, "every syscall asked once")
        let s = try #require(asker.supervisor)
        #expect(s.statistics.answeredByRules >= 4)
        let saved = s.savedPolicy
        #expect(saved.rules(for: "getppid") == [Rule(syscall: "getppid", action: .errno(13))])
        #expect(saved.rules(for: "execve") == [Rule(syscall: "execve", action: .allow)])
        #expect(saved.rules(for: "exit_group") == [Rule(syscall: "exit_group", action: .allow)])
        // The profile holds the asked calls: getppid 5 times (one asked, four by the rule).
        let profiled = s.askedProfile.syscalls.first { $0.name == "getppid" }
        #expect(profiled?.count == 5)
    }

    @Test("a call the policy decides never asks; an argument condition answers only matching calls")
    func policyAndConditions() throws {
        let bin = try ProcessRunner.compileC(Self.getppidProgram, name: "getppid")
        let out = try TestScratch.directory("ask").path + "/out"
        // fd == 1 only: the program's fopen'd file is another descriptor, so write still asks.
        let policy = Policy(defaultAction: .killProcess, rules: [
            Rule(syscall: "getppid", action: .errno(5)),
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 1, width: .bits32)]),
        ])
        let asker = Asker { _, _ in .allowOnce }
        let end = try asker.run([bin, out, "3"], policy: policy)
        #expect(end == .exited(0))
        #expect(try Self.lines(out).allSatisfy { $0[0] == -1 && $0[1] == 5 })
        #expect(asker.calls("getppid").isEmpty)
        #expect(asker.calls("write").count == 1)
        #expect(asker.supervisor?.savedPolicy.defaultAction == .killProcess)
    }

    @Test("50 threads asking at once are all queued in arrival order and each gets its own answer")
    func fiftyThreads() throws {
        let bin = try ProcessRunner.compileC(Self.threadsProgram, name: "threads50")
        let out = try TestScratch.directory("ask").path + "/out"
        // Nothing is answered until all 50 wait; then each thread gets errno 100 + its place in the queue.
        let asker = Asker { _, _ in nil }
        let answered = DispatchSemaphore(value: 0)
        let end = try asker.run([bin, out], during: { s in
            DispatchQueue.global().async {
                _ = waitFor(timeout: 30) { asker.calls("getppid").count == 50 }
                let waiting = s.waiting
                for (i, call) in waiting.enumerated() { s.answer(call.id, .denyOnce(errno: UInt16(100 + i))) }
                answered.signal()
            }
        })
        answered.wait()
        #expect(end == .exited(0))
        let asked = asker.calls("getppid")
        try #require(asked.count == 50)
        #expect(asked.map(\.received) == asked.map(\.received).sorted(), "arrival order")
        #expect(Set(asked.map(\.event.tid)).count == 50)
        let byTid = Dictionary(uniqueKeysWithValues: asked.enumerated().map { ($1.event.tid, 100 + $0) })
        let results = try Self.lines(out)
        #expect(results.count == 50)
        for r in results {
            #expect(r[1] == -1 && r[2] == byTid[Int32(r[0])], "thread \(r[0]) got its own answer")
        }
    }

    @Test("an \"always\" answer to one of 50 waiting calls settles the other 49 with it")
    func alwaysSettlesWaiting() throws {
        let bin = try ProcessRunner.compileC(Self.threadsProgram, name: "threads50")
        let out = try TestScratch.directory("ask").path + "/out"
        let asker = Asker { _, _ in nil }
        let resolved = LockedIDs()
        let end = try asker.run([bin, out], during: { s in
            DispatchQueue.global().async {
                _ = waitFor(timeout: 30) { asker.calls("getppid").count == 50 }
                s.answer(s.waiting[0].id, .denyAlways(errno: 42, conditions: []))
            }
        }, onResolved: { resolved.add($0) })
        #expect(end == .exited(0))
        #expect(asker.calls("getppid").count == 50)
        #expect(resolved.count == 49)
        let results = try Self.lines(out)
        #expect(results.count == 50 && results.allSatisfy { $0[1] == -1 && $0[2] == 42 })
    }

    final class LockedIDs: @unchecked Sendable {
        private let lock = NSLock()
        private var ids: [UInt64] = []
        func add(_ more: [UInt64]) { lock.withLock { ids += more } }
        var count: Int { lock.withLock { ids.count } }
    }

    @Test("replaceRules (a front end's decisions) settles the waiting call and answers the later ones; onCall sees every counted call")
    func replaceRules() throws {
        let bin = try ProcessRunner.compileC(Self.getppidProgram, name: "getppid")
        let out = try TestScratch.directory("ask").path + "/out"
        let asker = Asker { _, _ in nil }
        let counted = LockedIDs()
        let s = AskSupervisor(policy: nil, command: [bin, out, "3"], onAsk: { asker.onAsk($0) },
                              onCall: { e in counted.add([UInt64(e.nr)]) })
        asker.supervisor = s
        _ = try s.start()
        let watchdog = DispatchWorkItem { s.stop() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        defer { watchdog.cancel() }
        _ = waitFor(timeout: 30) { asker.calls("getppid").count == 1 }
        s.replaceRules(s.answeredRules.rules + [Rule(syscall: "getppid", action: .errno(9))])
        #expect(s.wait() == .exited(0))
        #expect(try Self.lines(out).map { $0[1] } == [9, 9, 9])
        #expect(asker.calls("getppid").count == 1)
        let profiled = s.askedProfile.syscalls.reduce(0) { $0 + Int($1.count) }
        #expect(counted.count == profiled)
    }

    @Test("children and a new program keep asking; paths are read from the caller's memory")
    func childrenAndExec() throws {
        let dir = try TestScratch.directory("ask").path
        let asker = Asker(targets: nil) { _, _ in .allowOnce }
        let end = try asker.run(["/bin/sh", "-c", "/bin/cat \(dir)/nothing-here 2>/dev/null; exec /bin/true"])
        #expect(end == .exited(0))
        let s = try #require(asker.supervisor)
        let execs = asker.names().filter { $0 == "execve" }
        #expect(execs.count == 2, "cat (in a child) and true (exec'd by sh): \(execs.count)")
        let opened = s.askedProfile.syscalls.first { $0.name == "openat" }
        #expect(opened != nil)
        let all = asker.calls("openat") + asker.calls("execve")
        #expect(all.contains { $0.event.paths.values.contains("\(dir)/nothing-here") })
        #expect(all.contains { $0.event.paths.values.contains("/bin/true") })
        let pids = Set(asker.lock.withLock { asker.asked.map(\.event.pid) })
        #expect(pids.count >= 2, "calls from the shell and from its child")
    }

    @Test("stopping the supervisor fails the waiting call with ENOSYS: the program is not left blocked")
    func stopUnblocks() throws {
        let source = """
            #include <errno.h>
            #include <sys/syscall.h>
            #include <unistd.h>
            int main(void) { long r = syscall(SYS_getppid); _exit(r < 0 ? errno : 0); }
            """
        let bin = try ProcessRunner.compileC(source, name: "stop")
        let asker = Asker { _, _ in nil }
        let end = try asker.run([bin], during: { s in
            _ = waitFor(timeout: 10) { asker.calls("getppid").count == 1 }
            s.stop()
        })
        #expect(end == .exited(ENOSYS))
    }

    @Test("kill kills the caller's process and becomes a kill rule")
    func killAnswer() throws {
        let bin = try ProcessRunner.compileC(Self.getppidProgram, name: "getppid")
        let out = try TestScratch.directory("ask").path + "/out"
        let asker = Asker { _, _ in .kill }
        let end = try asker.run([bin, out, "3"])
        #expect(end == .signaled(SIGKILL))
        #expect(asker.calls("getppid").count == 1)
        #expect(asker.supervisor?.savedPolicy.rules(for: "getppid") == [Rule(syscall: "getppid", action: .killProcess)])
    }

    @Test("a waiting call interrupted by a signal is pruned; the restarted call asks anew and gets its answer")
    func interruptedCall() throws {
        let source = """
            #include <errno.h>
            #include <signal.h>
            #include <string.h>
            #include <sys/syscall.h>
            #include <unistd.h>
            static void handler(int sig) { (void)sig; }
            int main(void) {
                struct sigaction sa;
                memset(&sa, 0, sizeof sa);
                sa.sa_handler = handler;
                sa.sa_flags = SA_RESTART;
                sigaction(SIGUSR1, &sa, 0);
                long r = syscall(SYS_getppid);
                _exit(r > 0 ? 0 : 1);
            }
            """
        let bin = try ProcessRunner.compileC(source, name: "interrupted")
        let asker = Asker { _, _ in nil }
        let end = try asker.run([bin], during: { s in
            _ = waitFor(timeout: 10) { asker.calls("getppid").count == 1 }
            let first = asker.calls("getppid")[0]
            kill(first.event.pid, SIGUSR1)
            _ = waitFor(timeout: 10) { asker.calls("getppid").count == 2 }
            #expect(s.pruneGone() == [first.id])
            #expect(s.answer(first.id, .denyOnce(errno: 1)) == false)
            let second = asker.calls("getppid")[1]
            #expect(s.waiting.map(\.id) == [second.id])
            #expect(s.answer(second.id, .allowOnce))
        })
        #expect(end == .exited(0))
    }

    @Test("a command that cannot be run is reported, and nothing waits")
    func execFailure() throws {
        let s = AskSupervisor(policy: nil, command: ["/nonexistent/program"], onAsk: { _ in })
        #expect(throws: EnforceError.start(.execFailed(command: "/nonexistent/program", errno: ENOENT))) { _ = try s.start() }
        let denied = AskSupervisor(policy: Policy(defaultAction: .allow, rules: [Rule(syscall: "execve", action: .errno(1))]),
                                   command: ["/bin/true"], onAsk: { _ in })
        #expect(throws: EnforceError.refusesExec(command: "/bin/true", arch: .host, action: .errno(1))) { _ = try denied.start() }
    }
}
