import Foundation
import Testing
import TestSupport
import TraceCapture

/// Every descriptor seccomp-tui opens is close-on-exec: a program it records, enforces or
/// complains about holds only the standard streams it was given.
@Suite(.serialized, .requires(Requirement.ptrace), .requires(TraceBackends.perfUnavailableReason())) struct DescriptorLeakTests {
    /// Runs seccomp-tui with `arguments` from a process that holds only 0, 1 and 2 (the test
    /// process's own descriptors are closed first), and returns the descriptors the program's
    /// shell held, as listed by a child `ls`.
    func descriptors(_ arguments: [String], dir: URL, name: String) throws -> [Int] {
        let list = dir.appendingPathComponent(name).path
        let wrapper = "import os, sys; os.closerange(3, 1 << 16); os.execv(sys.argv[1], sys.argv[1:])"
        let r = try ProcessRunner.run(["/usr/bin/python3", "-c", wrapper, try SeccompTUIBinary.path()] + arguments
            + ["--", "sh", "-c", "exec >\"$0\"; ls /proc/$$/fd; :", list])
        #expect(r.status == 0, "\(arguments): \(r.stderr)")
        return try String(contentsOfFile: list, encoding: .utf8).split(separator: "\n").compactMap { Int($0) }.sorted()
    }

    @Test("record (ptrace, keep-running, perf) and enforce (plain, report, complain, log-only) leak no descriptor")
    func noLeaks() throws {
        let dir = try TestScratch.directory("fd-leaks")
        let policy = dir.appendingPathComponent("policy.json").path
        try #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_ERRNO"}]}"#
            .write(toFile: policy, atomically: true, encoding: .utf8)
        let runs: [(String, [String])] = [
            ("record", ["record", "--backend", "ptrace"]),
            ("keep-running", ["record", "--backend", "ptrace", "--keep-running"]),
            ("perf", ["record", "--backend", "perf"]),
            ("enforce", ["enforce", "--policy", policy]),
            ("report", ["enforce", "--report", "--policy", policy]),
            ("complain", ["enforce", "--complain", "--policy", policy]),
            ("log-only", ["enforce", "--complain", "--log-only", "--policy", policy]),
        ]
        for (name, arguments) in runs {
            #expect(try descriptors(arguments, dir: dir, name: name) == [0, 1, 2], "\(name)")
        }
    }
}
