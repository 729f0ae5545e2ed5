import Foundation
import Glibc
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// Shared helpers for the tracer tests: running commands, compiling small C programs, traces.
enum TestSupport {
    /// A fresh temporary directory (removed with the test process's scratch root at exit).
    static func tempDir(_ label: String) throws -> String {
        try TestScratch.directory(label).path
    }

    /// Runs a command untraced; returns its exit status and stdout.
    @discardableResult
    static func run(_ args: [String], cwd: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Spawn.resolve(args[0]))
        p.arguments = Array(args.dropFirst())
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Runs a command untraced through our own spawn (no filter): a clean signal mask and
    /// default handlers, unlike the test process's. Returns its exit status.
    @discardableResult
    static func spawnUntraced(_ args: [String]) throws -> Int32 {
        let child = try Spawn.start(args, filter: [], noNewPrivs: .never, stopSelf: false)
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
        if let e = Spawn.result(of: child, command: args) { throw e }
        return status
    }

    /// Starts `script` in the background through a shell that exits at once, so that the
    /// process is not our child; returns its pid.
    static func startDetached(_ script: String) throws -> Int32 {
        let dir = try tempDir("bg")
        try spawnUntraced(["sh", "-c", "\(script) </dev/null >/dev/null 2>&1 & echo $! > \"$0\"", dir + "/pid"])
        let text = try String(contentsOfFile: dir + "/pid", encoding: .utf8)
        return try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// Compiles a C program with `gcc -O1 -pthread` and returns the binary's path.
    static func compile(_ source: String, name: String) throws -> String {
        let dir = try tempDir("cc")
        let src = dir + "/\(name).c", bin = dir + "/\(name)"
        try source.write(toFile: src, atomically: true, encoding: .utf8)
        let r = try run(["gcc", "-O1", "-pthread", "-o", bin, src])
        try #require(r.status == 0, "gcc failed: \(r.err)")
        return bin
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
        let dir = try tempDir("strace")
        let out = dir + "/summary"
        try spawnUntraced(["strace", "-f", "-c", "-U", "name", "-o", out, "--"] + command)
        try #require(FileManager.default.fileExists(atPath: out), "strace wrote no summary")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let names = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("-") && $0 != "syscall" && $0 != "total" }
        return try numbers(of: names)
    }

    static func numbers(of names: [String]) throws -> Set<Int32> {
        guard !names.isEmpty else { return [] }
        let script = "import seccomp,sys\nfor n in sys.argv[1:]: print(seccomp.resolve_syscall(seccomp.Arch.X86_64, n))"
        let r = try run(["/usr/bin/python3", "-c", script] + names)
        try #require(r.status == 0, "libseccomp could not resolve \(names): \(r.err)")
        return Set(r.out.split(separator: "\n").compactMap { Int32($0) })
    }

    /// Waits (up to `seconds`) for `condition`.
    static func eventually(_ seconds: Double = 5, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
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
