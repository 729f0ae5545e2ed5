import Foundation
import PolicyModel
import Testing
import TraceCapture
import TestSupport

/// Helpers shared by the perf backend tests: traces collected into arrays, and strace's view of
/// the same command.
enum PerfTestSupport {
    struct Trace {
        var pid: Int32
        var events: [SyscallEvent]
        var end: TraceEnd
        var lost: UInt64

        var numbers: Set<Int32> { Set(events.map(\.nr)) }
        func count(of nr: Int32) -> Int { events.filter { $0.nr == nr }.count }
    }

    static func trace(_ backend: TraceBackend, _ command: [String], options: TraceOptions = TraceOptions(),
                      whileRunning: ((TraceBackend, Int32) -> Void)? = nil) throws -> Trace {
        let collector = EventSink()
        let pid = try backend.start(.spawn(command: command), options: options) { collector.add($0.events) }
        whileRunning?(backend, pid)
        let end = backend.wait()
        return Trace(pid: pid, events: collector.all, end: end, lost: backend.lostEvents)
    }

    /// strace -f's view of `command`: every syscall number it printed (`-n`), with counts of
    /// calls (a call split into "unfinished" and "resumed" lines counts once).
    static func strace(_ command: [String], cwd: String? = nil) throws -> [Int32: Int] {
        let dir = try TestScratch.directory("perf").path
        let out = dir + "/strace.txt"
        let r = try ProcessRunner.run(["/usr/bin/strace", "-f", "-qq", "-n", "-o", out] + command, in: cwd.map { URL(fileURLWithPath: $0) })
        guard r.status == 0 else { throw ProcessRunner.Failure("strace \(command) exited \(r.status): \(r.combined)") }
        var counts: [Int32: Int] = [:]
        for line in try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n") {
            guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]"), open < close,
                  let nr = Int32(line[line.index(after: open)..<close].trimmingCharacters(in: .whitespaces))
            else { continue }
            if line.contains("<... ") { continue }
            counts[nr, default: 0] += 1
        }
        return counts
    }

    /// The syscall numbers of `names` on `arch` (libseccomp's name; the host's by default), from
    /// libseccomp (python3-seccomp), so that our own table is not used to check ourselves.
    static func numbers(_ names: [String], arch: String = "NATIVE") throws -> [String: Int32] {
        let script = "import seccomp,sys\nfor n in sys.argv[1:]: print(n, seccomp.resolve_syscall(seccomp.Arch.\(arch), n))"
        let r = try ProcessRunner.run(["/usr/bin/python3", "-c", script] + names)
        guard r.status == 0 else { throw ProcessRunner.Failure("python3-seccomp: \(r.combined)") }
        var result: [String: Int32] = [:]
        for line in r.combined.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let nr = Int32(parts[1]) { result[String(parts[0])] = nr }
        }
        return result
    }

    static func number(_ name: String) throws -> Int32 {
        try #require(try numbers([name])[name])
    }

    /// Names for readable failure messages, from libseccomp.
    static func names(_ numbers: Set<Int32>) -> [String] {
        let script = "import seccomp,sys\nfor n in sys.argv[1:]: print(seccomp.resolve_syscall(seccomp.Arch.NATIVE, int(n)).decode())"
        let sorted = numbers.sorted()
        guard let r = try? ProcessRunner.run(["/usr/bin/python3", "-c", script] + sorted.map(String.init)), r.status == 0 else {
            return sorted.map { "#\($0)" }
        }
        return r.combined.split(separator: "\n").map(String.init)
    }

    /// A program perf's view is compared on with another tracer's (ptrace's, strace's): its
    /// command, and the calls whose count depends on timing.
    struct Workload: Sendable, CustomStringConvertible {
        var description: String
        var command: @Sendable () throws -> [String]
        var timingDependent: [String]

        /// The programs both comparisons run.
        static let shared = [
            // pthread_join waits in futex only when the thread has not ended yet.
            Workload(description: "threads", command: {
                [try ProcessRunner.compileC(PerfBackendCountTests.threads, name: "threads"), "4", "100"]
            }, timingDependent: ["futex"]),
            // dash's SIGCHLD handler runs (and returns with rt_sigreturn) only when a child ends
            // while the shell is not blocked in wait4: under strace the children are slower.
            Workload(description: "pipeline", command: { ["/bin/sh", "-c", "seq 1000 | sort | wc -l >/dev/null"] },
                     timingDependent: ["rt_sigreturn"]),
        ]
    }
}
