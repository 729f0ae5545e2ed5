import Foundation
import Glibc
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

@Suite(.serialized, .requires(Requirement.ptraceAttach)) struct PtraceBehaviourTests {
    @Test("a command that does not exist or cannot be executed is reported with its errno")
    func execFailures() throws {
        #expect(throws: TraceError.execFailed(command: "no-such-command-xyz", errno: ENOENT)) {
            try TraceHelpers.trace(.spawn(command: ["no-such-command-xyz"]))
        }
        #expect(TraceError.execFailed(command: "x", errno: ENOENT).description == "cannot run 'x': no such file or directory")
        let dir = try TestScratch.directory("noexec").path
        let file = dir + "/script"
        try "#!/bin/sh\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: TraceError.execFailed(command: file, errno: EACCES)) {
            try TraceHelpers.trace(.spawn(command: [file]))
        }
        #expect(TraceError.execFailed(command: "x", errno: EACCES).description == "cannot run 'x': permission denied")
    }

    @Test("the exit status passes through, and a signal death is 128+N")
    func exitStatus() throws {
        #expect(try TraceHelpers.trace(.spawn(command: ["sh", "-c", "exit 7"])).end == .exited(7))
        let killed = try TraceHelpers.trace(.spawn(command: ["sh", "-c", "kill -TERM $$"])).end
        #expect(killed == .signaled(SIGTERM))
        #expect(killed.shellStatus == 128 + SIGTERM)
    }

    @Test("signals reach their handlers unchanged (queued value, code, sender)")
    func signalsToHandlers() throws {
        let bin = try ProcessRunner.compileC(TestPrograms.signals, name: "signals")
        let dir = try TestScratch.directory("signals").path
        try TraceHelpers.spawnUntraced([bin, dir + "/untraced"])
        let (events, end) = try TraceHelpers.trace(.spawn(command: [bin, dir + "/traced"]))
        #expect(end == .exited(0))
        let untraced = try String(contentsOfFile: dir + "/untraced", encoding: .utf8)
        let traced = try String(contentsOfFile: dir + "/traced", encoding: .utf8)
        #expect(untraced == "usr1 value=4242 code=-1 self=1 usr2=2\n")
        #expect(traced == untraced)
        #expect(events.contains { $0.nr == sysno("rt_sigreturn", .host) })  // the handlers ran
    }

    @Test("a SIGSTOP group-stop holds the tracee until SIGCONT, then it goes on")
    func groupStop() throws {
        let dir = try TestScratch.directory("stop").path
        let (_, end) = try TraceHelpers.trace(.spawn(command: ["sh", "-c", "kill -STOP $$; echo resumed > \"$0\"", dir + "/out"])) { pid in
            #expect(waitFor { ProcFS.state(of: pid).map { "tT".contains($0) } ?? false })
            usleep(100_000)
            #expect(!FileManager.default.fileExists(atPath: dir + "/out"), "ran on while stopped")
            kill(pid, SIGCONT)
        }
        #expect(end == .exited(0))
        #expect(try String(contentsOfFile: dir + "/out", encoding: .utf8) == "resumed\n")
    }

    @Test("execve from a non-leader thread: the trace follows the pid switch")
    func execFromThread() throws {
        let bin = try ProcessRunner.compileC(TestPrograms.execThread, name: "exec_thread")
        let (events, end) = try TraceHelpers.trace(.spawn(command: [bin, "sh", "-c", "exit 5"]), options: .init(returns: true))
        #expect(end == .exited(5))
        let pid = try #require(events.first?.pid)
        let execs = events.filter { $0.nr == sysno("execve", .host) && $0.returnValue == 0 }
        #expect(execs.count == 2)
        // The second execve is made by a thread that is not the leader, and succeeds.
        let threadExec = try #require(execs.last)
        #expect(threadExec.pid == pid)
        #expect(threadExec.returnValue == 0)
        // After it, the new image runs as the leader tid.
        let after = events.drop { $0 != threadExec }.dropFirst()
        #expect(!after.isEmpty)
        #expect(after.allSatisfy { $0.tid == pid })
    }

    @Test("with returns, errors are recorded with their errno")
    func returns() throws {
        let (events, end) = try TraceHelpers.trace(.spawn(command: ["cat", "/nonexistent/file"]), options: .init(returns: true))
        #expect(end == .exited(1))
        let opens = events.filter { $0.nr == sysno("openat", .host) }
        #expect(opens.contains { $0.returnValue == -Int64(ENOENT) })
        #expect(opens.contains { ($0.returnValue ?? -1) >= 0 })
        #expect(events.filter { $0.nr != 231 }.allSatisfy { $0.returnValue != nil })
    }

    @Test("events arrive in batches on a thread other than the tracing thread")
    func batches() throws {
        let backend = PtraceBackend()
        let threads = ThreadLog()
        _ = try backend.start(.spawn(command: ["sh", "-c", "i=0; while [ $i -lt 3000 ]; do i=$((i+1)); : > /dev/null; done"]),
                              options: .init()) { batch in threads.add(batch.events.count) }
        #expect(backend.wait() == .exited(0))
        #expect(threads.total > 3000)
        #expect(threads.count < threads.total)
        #expect(!threads.sawMainThread)
    }

    @Test("stop() kills a spawned command and leaves nothing stopped")
    func stopKills() throws {
        let backend = PtraceBackend()
        let pid = try backend.start(.spawn(command: ["sh", "-c", "sleep 30 & sleep 30; wait"]), options: .init()) { _ in }
        var children: [Int32] = []
        #expect(waitFor { children = childProcesses(of: pid); return children.count == 2 })
        backend.stop()
        #expect(backend.wait() == .signaled(SIGKILL))
        #expect(kill(pid, 0) != 0)
        for c in children { #expect(waitFor { ProcFS.state(of: c) == nil || ProcFS.state(of: c) == "Z" }) }
    }

    @Test("stop() with keepRunning detaches a spawned command, which runs on untraced")
    func stopKeepRunning() throws {
        let backend = PtraceBackend()
        let pid = try backend.start(.spawn(command: ["sh", "-c", "while :; do sleep 0.02; done"]),
                                    options: .init(keepRunning: true)) { _ in }
        #expect(waitFor { !childProcesses(of: pid).isEmpty }, "the loop runs")
        backend.stop()
        #expect(backend.wait() == .detached)
        defer { kill(pid, SIGKILL); var st: Int32 = 0; waitpid(pid, &st, 0) }
        #expect(ProcFS.tracerPid(of: pid) == 0)
        #expect(waitFor { ProcFS.state(of: pid).map { "SR".contains($0) } == true })
        // Children forked after the detach are not traced either.
        for k in childProcesses(of: pid) { #expect(ProcFS.tracerPid(of: k).map { $0 == 0 } ?? true) }
    }

    @Test("attaching to a running multi-threaded process and detaching leaves it running untraced")
    func attachDetach() throws {
        // A process that is not our child: started through a shell that exits at once.
        let pid = try TraceHelpers.startDetached("sh -c 'while :; do sleep 0.02; done'")
        defer { kill(pid, SIGKILL) }
        let backend = PtraceBackend()
        let sink = EventSink()
        #expect(try backend.start(.attach(pid: pid), options: .init()) { sink.add($0.events) } == pid)
        #expect(waitFor { (ProcFS.tracerPid(of: pid) ?? 0) != 0 })
        // The shell waits for sleep (wait4 or waitid) and forks the next one (vfork, for dash).
        let waits = Set(["wait4", "waitid"].map { sysno($0, .host) })
        let forks = Set(["clone", "fork", "vfork", "clone3"].map { sysno($0, .host) })
        func seen() -> Set<Int32> { Set(sink.all.map(\.nr)) }
        #expect(waitFor { !seen().isDisjoint(with: waits) && !seen().isDisjoint(with: forks) }, "saw \(seen().sorted())")
        backend.stop()
        #expect(backend.wait() == .detached)
        #expect(ProcFS.tracerPid(of: pid) == 0)
        #expect(waitFor { ProcFS.state(of: pid).map { "SR".contains($0) } == true })
        for t in ProcFS.threads(of: pid) { #expect(ProcFS.tracerPid(of: t) == 0) }
        for k in childProcesses(of: pid) { #expect(ProcFS.tracerPid(of: k).map { $0 == 0 } ?? true) }
    }

    @Test("attaching to every thread of a process with 20 threads")
    func attachThreads() throws {
        let src = """
            #include <pthread.h>
            #include <unistd.h>
            static void *spin(void *a) { (void)a; for (;;) { getppid(); usleep(5000); } }
            int main(void) { pthread_t t; for (int i = 0; i < 20; i++) pthread_create(&t, NULL, spin, NULL); for (;;) pause(); }
            """
        let bin = try ProcessRunner.compileC(src, name: "spinners")
        let pid = try TraceHelpers.startDetached(bin)
        defer { kill(pid, SIGKILL) }
        #expect(waitFor { ProcFS.threads(of: pid).count == 21 })
        let backend = PtraceBackend()
        let sink = EventSink()
        _ = try backend.start(.attach(pid: pid), options: .init()) { sink.add($0.events) }
        let getppid = sysno("getppid", .host)
        #expect(waitFor { Set(sink.all.filter { $0.nr == getppid }.map(\.tid)).count == 20 })
        backend.stop()
        #expect(backend.wait() == .detached)
        for t in ProcFS.threads(of: pid) {
            #expect(ProcFS.tracerPid(of: t) == 0)
            #expect(ProcFS.state(of: t).map { "SR".contains($0) } == true)
        }
    }

    @Test("attaching to a missing or already traced process fails with a clear error")
    func attachFailures() throws {
        #expect(throws: TraceError.noSuchProcess(999_999_999)) {
            try PtraceBackend().start(.attach(pid: 999_999_999), options: .init()) { _ in }
        }
        let first = PtraceBackend()
        let pid = try first.start(.spawn(command: ["sleep", "5"]), options: .init()) { _ in }
        defer { first.stop(); _ = first.wait() }
        let second = PtraceBackend()
        let tracer = try #require(ProcFS.tracerPid(of: pid))
        #expect(throws: TraceError.alreadyTraced(pid: pid, tracer: tracer)) {
            try second.start(.attach(pid: pid), options: .init()) { _ in }
        }
        #expect(TraceError.alreadyTraced(pid: pid, tracer: tracer).description
                .hasPrefix("process \(pid) is already traced by pid \(tracer)"))
    }

    @Test("children that outlive their parent are traced to their end")
    func orphans() throws {
        let dir = try TestScratch.directory("orphan").path
        let (events, end) = try TraceHelpers.trace(.spawn(command: ["sh", "-c", "(sleep 0.3; cat /dev/null; echo done > \"$0\") & exit 0", dir + "/out"]))
        #expect(end == .exited(0))
        #expect(try String(contentsOfFile: dir + "/out", encoding: .utf8) == "done\n")
        #expect(Set(events.map(\.pid)).count >= 3)
    }
}

/// Records batch sizes and whether any batch came on the main thread.
final class ThreadLog: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var count = 0
    private(set) var total = 0
    private(set) var sawMainThread = false
    func add(_ n: Int) {
        lock.withLock {
            count += 1
            total += n
            if Thread.isMainThread { sawMainThread = true }
        }
    }
}
