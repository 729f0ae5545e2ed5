import Foundation
import Glibc
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// The set of syscalls recorded must equal the set `strace -f -c` reports for the same command
/// (strace -c never lists calls that do not return: exit and exit_group).
@Suite(.serialized, .requires(Requirement.ptrace), .requires(Requirement.strace), .requires(Requirement.libseccompPython)) struct StraceParityTests {
    static let noReturn: Set<Int32> = [60, 231]  // exit, exit_group on x86_64

    func compare(_ command: [String]) throws {
        let expected = try TraceHelpers.straceNumbers(command)
        let (events, end) = try TraceHelpers.trace(.spawn(command: command))
        #expect(end == .exited(0))
        let seen = Set(events.filter { $0.arch == .x86_64 }.map(\.nr)).subtracting(Self.noReturn)
        #expect(seen.sorted() == expected.sorted(),
                "recorded only \(seen.subtracting(expected).sorted()), strace only \(expected.subtracting(seen).sorted())")
    }

    @Test("a program with 120 threads")
    func threads() throws {
        let bin = try ProcessRunner.compileC(TestPrograms.threads, name: "threads")
        try compare([bin, "120"])
        let (events, _) = try TraceHelpers.trace(.spawn(command: [bin, "120"]))
        let getppidThreads = Set(events.filter { $0.nr == sysno("getppid", .host) }.map(\.tid))
        #expect(getppidThreads.count == 120)
        #expect(Set(events.map(\.pid)).count == 1)
    }

    @Test("a pipeline of several processes")
    func pipeline() throws {
        try compare(["sh", "-c", "seq 1000 | sort | wc -l >/dev/null"])
    }

    @Test("a database engine (sqlite3)")
    func sqlite() throws {
        let dir = try TestScratch.directory("sqlite").path
        let sql = "create table t(a integer, b text); insert into t values (1,'x'),(2,'y'); select count(*) from t;"
        try compare(["sh", "-c", "rm -f \"$0\"; sqlite3 \"$0\" \"$1\" >/dev/null", dir + "/db.sqlite", sql])
    }

    @Test("a version-control command (git init, git status)")
    func git() throws {
        let dir = try TestScratch.directory("git").path
        try ProcessRunner.run(["git", "init", "-q", dir])
        try "hello\n".write(toFile: dir + "/a.txt", atomically: true, encoding: .utf8)
        try ProcessRunner.run(["git", "-C", dir, "status"])
        try compare(["git", "-C", dir, "status", "--porcelain"])
    }

    @Test("a compressor (xz, gzip)")
    func compressors() throws {
        let dir = try TestScratch.directory("xz").path
        let input = dir + "/in.txt"
        try String(repeating: "seccomp-tui compresses this line\n", count: 20000).write(toFile: input, atomically: true, encoding: .utf8)
        try compare(["sh", "-c", "xz -T1 -c \"$0\" | xz -d | gzip -c >/dev/null", input])
    }
}
