import Foundation
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// The perf backend and the ptrace backend record the same syscall sets on real programs, and
/// the same counts on a deterministic one.
@Suite(.serialized, .requires(TraceBackends.perfUnavailableReason()), .requires(Requirement.ptrace), .requires(Requirement.libseccompPython)) struct PerfBackendPtraceTests {
    /// Traces `command` with both backends, each in a fresh directory that `setup` prepares,
    /// and compares the sets of syscall numbers; `timingDependent` calls are left out.
    func compare(_ name: String, _ command: [String], timingDependent: [String] = [],
                 setup: ((String) throws -> Void)? = nil) throws {
        var traces: [PerfTestSupport.Trace] = []
        for backend in [PtraceBackend(), PerfBackend()] as [TraceBackend] {
            let dir = try TestScratch.directory("perf").path
            try setup?(dir)
            let t = try PerfTestSupport.trace(backend, ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", dir] + command)
            #expect(t.end == .exited(0), "\(name) under \(backend.name)")
            #expect(t.lost == 0, "\(name) under \(backend.name)")
            traces.append(t)
        }
        let ignored = Set(try PerfTestSupport.numbers(timingDependent).values)
        let ptrace = traces[0].numbers.subtracting(ignored)
        let perf = traces[1].numbers.subtracting(ignored)
        #expect(ptrace == perf, """
            \(name): ptrace only \(PerfTestSupport.names(ptrace.subtracting(perf))), \
            perf only \(PerfTestSupport.names(perf.subtracting(ptrace)))
            """)
    }

    @Test("a multi-threaded C program that forks; a shell pipeline (seq | sort | wc)", arguments: PerfTestSupport.Workload.shared)
    func workload(_ w: PerfTestSupport.Workload) throws {
        try compare(w.description, try w.command(), timingDependent: w.timingDependent)
    }

    @Test("sqlite3, git status and xz")
    func realPrograms() throws {
        try compare("sqlite3", ["/usr/bin/sqlite3", "t.db", "create table t(x); insert into t values (1),(2);"])
        try compare("git", ["/usr/bin/git", "status", "--porcelain"]) { dir in
            try ProcessRunner.run(["/usr/bin/git", "-C", dir, "init", "-q"])
            try "hello\n".write(toFile: dir + "/a.txt", atomically: true, encoding: .utf8)
        }
        try compare("xz", ["/usr/bin/xz", "-k", "-f", "-T1", "data.txt"]) { dir in
            try (0..<5000).map { "line \($0)\n" }.joined().write(toFile: dir + "/data.txt", atomically: true, encoding: .utf8)
        }
    }

    @Test("a deterministic program: the same count of every syscall, with the same return values")
    func counts() throws {
        let exe = try ProcessRunner.compileC(PerfBackendCountTests.getppidLoop, name: "getppid")
        var counts: [[Int32: Int]] = []
        for backend in [PtraceBackend(), PerfBackend()] as [TraceBackend] {
            let t = try PerfTestSupport.trace(backend, [exe, "2000", "5"], options: TraceOptions(returns: true))
            #expect(t.end == .exited(5))
            counts.append(Dictionary(grouping: t.events, by: { $0.nr }).mapValues { $0.count })
            let getppid = try PerfTestSupport.number("getppid")
            #expect(t.events.filter { $0.nr == getppid }.allSatisfy { $0.returnValue == Int64(getpid()) },
                    "\(backend.name)")
        }
        #expect(counts[0] == counts[1])
    }
}
