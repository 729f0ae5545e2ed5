import Foundation
import Glibc
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// Shared helpers for the tracer tests: commands run through our own spawn, traces, strace.
enum TraceHelpers {
    /// Runs a command untraced through our own spawn (no filter): a clean signal mask and
    /// default handlers, unlike the test process's. Returns its exit status.
    @discardableResult
    static func spawnUntraced(_ args: [String]) throws -> Int32 {
        let child = try Spawn.start(args, filter: [], noNewPrivs: .never, stopSelf: false)
        var status: Int32 = 0
        _ = valueOrErrno { waitpid(child.pid, &status, 0) }
        if let e = Spawn.result(of: child, command: args) { throw e }
        return status
    }

    /// Starts `script` in the background through a shell that exits at once, so that the
    /// process is not our child; returns its pid.
    static func startDetached(_ script: String) throws -> Int32 {
        let dir = try TestScratch.directory("bg").path
        try spawnUntraced(["sh", "-c", "\(script) </dev/null >/dev/null 2>&1 & echo $! > \"$0\"", dir + "/pid"])
        let text = try String(contentsOfFile: dir + "/pid", encoding: .utf8)
        return try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// Traces `command` to its end with the ptrace backend.
    static func trace(_ target: TraceTarget, options: TraceOptions = .init(),
                      during: ((Int32) throws -> Void)? = nil) throws -> (events: [SyscallEvent], end: TraceEnd) {
        let backend = PtraceBackend()
        let sink = EventSink()
        let pid = try backend.start(target, options: options) { sink.add($0.events) }
        try during?(pid)
        let end = backend.wait()
        return (sink.all, end)
    }

    /// The syscall numbers (x86_64) that `strace -f -c` counts for `command`, via libseccomp's
    /// name resolver so that our own table is not used to check ourselves.
    /// strace is started like our tracer starts commands (clean signal mask), so that both see
    /// the same program behaviour.
    static func straceNumbers(_ command: [String]) throws -> Set<Int32> {
        let dir = try TestScratch.directory("strace").path
        let out = dir + "/summary"
        try spawnUntraced(["strace", "-f", "-c", "-U", "name", "-o", out, "--"] + command)
        try #require(FileManager.default.fileExists(atPath: out), "strace wrote no summary")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let names = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("-") && $0 != "syscall" && $0 != "total" }
        return try numbers(of: names)
    }

    /// The x86_64 numbers of `names`, from libseccomp.
    static func numbers(of names: [String]) throws -> Set<Int32> {
        names.isEmpty ? [] : Set(try PerfTestSupport.numbers(names, arch: "X86_64").values)
    }
}

/// Collects every event (tests only: unbounded).
final class EventSink: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [SyscallEvent] = []
    private(set) var batches = 0
    var onBatchThread: [Bool] = []
    func add(_ batch: [SyscallEvent]) {
        lock.withLock {
            events += batch
            batches += 1
        }
    }
    var all: [SyscallEvent] { lock.withLock { events } }
}

/// C sources of the test programs.
enum TestPrograms {
    /// `threads N`: N threads meet at a barrier (so futex is always used), each makes a few
    /// syscalls; the main thread joins them.
    static let threads = """
        #include <pthread.h>
        #include <stdlib.h>
        #include <fcntl.h>
        #include <unistd.h>
        static pthread_barrier_t barrier;
        static void *work(void *arg) {
            (void)arg;
            pthread_barrier_wait(&barrier);
            getppid();
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0) { write(fd, "x", 1); close(fd); }
            return NULL;
        }
        int main(int argc, char **argv) {
            int n = argc > 1 ? atoi(argv[1]) : 120;
            pthread_t *t = calloc(n, sizeof *t);
            pthread_barrier_init(&barrier, NULL, n + 1);
            for (int i = 0; i < n; i++) if (pthread_create(&t[i], NULL, work, NULL) != 0) return 2;
            pthread_barrier_wait(&barrier);
            for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
            return 0;
        }
        """

    /// `exec_thread CMD...`: a non-leader thread execs CMD while the leader waits.
    static let execThread = """
        #include <pthread.h>
        #include <unistd.h>
        static char **args;
        static void *run(void *arg) { (void)arg; execvp(args[0], args); _exit(99); }
        int main(int argc, char **argv) {
            (void)argc;
            args = argv + 1;
            pthread_t t;
            pthread_create(&t, NULL, run, NULL);
            for (;;) pause();
        }
        """

    /// `signals OUT`: handlers for queued and raised signals write what they received to OUT.
    static let signals = """
        #include <signal.h>
        #include <stdio.h>
        #include <string.h>
        #include <unistd.h>
        static volatile int got_value = -1, got_code = 0, got_usr2 = 0, got_sender = 0;
        static void on_usr1(int sig, siginfo_t *si, void *ctx) {
            (void)sig; (void)ctx;
            got_value = si->si_value.sival_int; got_code = si->si_code; got_sender = si->si_pid == getpid();
        }
        static void on_usr2(int sig) { (void)sig; got_usr2++; }
        int main(int argc, char **argv) {
            struct sigaction sa; memset(&sa, 0, sizeof sa);
            sa.sa_sigaction = on_usr1; sa.sa_flags = SA_SIGINFO; sigaction(SIGUSR1, &sa, NULL);
            signal(SIGUSR2, on_usr2);
            signal(SIGPIPE, SIG_IGN);
            union sigval v; v.sival_int = 4242;
            sigqueue(getpid(), SIGUSR1, v);
            raise(SIGUSR2); raise(SIGUSR2);
            raise(SIGPIPE);
            FILE *f = fopen(argv[1], "w");
            fprintf(f, "usr1 value=%d code=%d self=%d usr2=%d\\n", got_value, got_code, got_sender, got_usr2);
            fclose(f);
            return 0;
        }
        """
}

extension FilterProbe.Call {
    /// A call of syscall `name` as the table numbers it on `arch`: x86_64, or i386 (through
    /// `int $0x80`).
    init(_ name: String, _ arch: Arch = .x86_64, args: [UInt64] = []) {
        precondition(arch == .x86_64 || arch == .i386, "the probe calls x86_64 or i386")
        self.init(nr: Int(sysno(name, arch)), args: args, compat: arch == .i386)
    }
}
