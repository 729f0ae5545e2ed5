import Testing
@testable import seccomp_tui

/// The perf warm-up is started only for command lines that trace (see also
/// TraceCaptureTests/PerfWarmUpBackendTests).
@Suite struct PerfWarmUpTests {
    @Test("record, learn and the default command warm perf up; other commands, help and --backend ptrace do not")
    func which() {
        for args in [["record", "--", "true"], ["learn", "-o", "p.json", "--", "ls"], ["--", "ls"], ["-o", "x.json", "--", "ls"],
                     ["record", "--backend", "perf", "--", "x"], ["record", "--", "x", "--backend", "ptrace"],
                     ["record", "--", "x", "--help"], ["learn", "-p", "1"]] {
            #expect(SeccompTUI.tracesWithPerf(args), "\(args)")
        }
        for args in [["export", "p.policy"], ["syscalls", "read"], ["enforce", "--policy", "p", "--", "x"], ["open", "p.json"],
                     ["record", "--backend", "ptrace", "--", "x"], ["record", "--backend=ptrace", "--", "x"],
                     ["--help"], ["record", "-h"], ["--version"], ["help", "record"]] {
            #expect(!SeccompTUI.tracesWithPerf(args), "\(args)")
        }
    }
}
