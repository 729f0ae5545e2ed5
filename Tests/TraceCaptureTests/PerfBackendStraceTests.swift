import Foundation
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// On real programs the perf backend sees the same set of system calls as strace -f, and the
/// same counts on a deterministic program.
@Suite(.serialized, .requires(TraceBackends.perfUnavailableReason()), .requires(Requirement.strace), .requires(Requirement.libseccompPython)) struct PerfBackendStraceTests {
    /// Runs `command` under strace and under the perf backend (each in a fresh copy of the
    /// working directory `setup` prepares) and compares the sets of syscall numbers.
    /// `timingDependent` names calls that one run makes and another may not for reasons of
    /// timing alone; they are left out of the comparison.
    func compare(_ name: String, _ command: [String], timingDependent: [String] = [],
                 setup: ((String) throws -> Void)? = nil) throws {
        let straceDir = try TestScratch.directory("perf").path
        let perfDir = try TestScratch.directory("perf").path
        try setup?(straceDir)
        try setup?(perfDir)
        // Both run under the same `sh -c 'cd DIR && exec CMD'` wrapper, so that each works in its
        // own directory without changing this process's.
        func inDirectory(_ dir: String) -> [String] { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", dir] + command }
        let straced = try PerfTestSupport.strace(inDirectory(straceDir))
        let t = try PerfTestSupport.trace(PerfBackend(), inDirectory(perfDir))
        #expect(t.lost == 0, "\(name): events lost")
        #expect(t.end == .exited(0), "\(name)")
        let ignored = Set(try PerfTestSupport.numbers(timingDependent).values)
        let expected = Set(straced.keys).subtracting(ignored)
        let seen = t.numbers.subtracting(ignored)
        let onlyStrace = expected.subtracting(seen)
        let onlyPerf = seen.subtracting(expected)
        #expect(onlyStrace.isEmpty && onlyPerf.isEmpty,
                "\(name): strace only \(PerfTestSupport.names(onlyStrace)), perf only \(PerfTestSupport.names(onlyPerf))")
    }

    @Test("a multi-threaded C program that forks; a shell pipeline (seq | sort | wc)", arguments: PerfTestSupport.Workload.shared)
    func workload(_ w: PerfTestSupport.Workload) throws {
        try compare(w.description, try w.command(), timingDependent: w.timingDependent)
    }

    @Test("sqlite3 creating a table and inserting rows")
    func sqlite() throws {
        try compare("sqlite3", ["/usr/bin/sqlite3", "t.db",
                                "create table t(x); insert into t values (1),(2),(3); select count(*) from t;"])
    }

    @Test("git status on a fresh repository")
    func gitStatus() throws {
        // git status rewrites the index (index.lock renamed over it) only when its racy-timestamp
        // check says so, and otherwise drops the lock (unlink): timing decides which.
        try compare("git", ["/usr/bin/git", "status", "--porcelain"], timingDependent: ["rename", "unlink"]) { dir in
            let git = ["/usr/bin/git", "-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"]
            try ProcessRunner.run(git + ["init", "-q"])
            try "hello\n".write(toFile: dir + "/a.txt", atomically: true, encoding: .utf8)
            try ProcessRunner.run(git + ["add", "a.txt"])
            try ProcessRunner.run(git + ["commit", "-qm", "a"])
            try "changed\n".write(toFile: dir + "/a.txt", atomically: true, encoding: .utf8)
            try ProcessRunner.run(git + ["status", "--porcelain"])
        }
    }

    @Test("xz and gzip compressing a file")
    func compressors() throws {
        let setup: (String) throws -> Void = { dir in
            let text = (0..<20000).map { "line \($0) of some text\n" }.joined()
            try text.write(toFile: dir + "/data.txt", atomically: true, encoding: .utf8)
        }
        try compare("xz", ["/usr/bin/xz", "-k", "-f", "-T1", "data.txt"], setup: setup)
        try compare("gzip", ["/usr/bin/gzip", "-k", "-f", "data.txt"], setup: setup)
    }

    @Test("a deterministic program: the same count of every syscall as strace")
    func counts() throws {
        let exe = try ProcessRunner.compileC(PerfBackendCountTests.getppidLoop, name: "getppid")
        let straced = try PerfTestSupport.strace([exe, "3000"])
        let t = try PerfTestSupport.trace(PerfBackend(), [exe, "3000"])
        #expect(t.lost == 0)
        let counts = Dictionary(grouping: t.events, by: { $0.nr }).mapValues { $0.count }
        #expect(counts == straced)
        #expect(counts[try PerfTestSupport.number("getppid")] == 3000)
    }
}
