import Foundation
import Testing
import TestSupport
import TraceCapture

/// The perf warm-up is started only for command lines that trace (see also
/// TraceCaptureTests/PerfWarmUpBackendTests). Seen from outside: strace counts the binary's
/// software perf events (the warm-up opens a dummy one; the perf backend opens tracepoints).
/// A record that traces joins the warm-up before it starts, so its count is certain; the TUI
/// commands cannot run without a terminal, and a process that ends first may exit before the
/// warm-up thread ran, so they are not among the command lines that must warm up.
@Suite(.serialized, .requires(Requirement.strace), .requires(TraceBackends.perfUnavailableReason())) struct PerfWarmUpTests {
    static let strace = "/usr/bin/strace"

    /// How many software perf events `seccomp-tui ARGS` opened (any thread), stdin not a terminal.
    static func warmUps(_ args: [String]) throws -> Int {
        let log = TestScratch.root.appendingPathComponent("warmup-\(UUID().uuidString).txt").path
        _ = try ProcessRunner.run([strace, "-f", "-qq", "-e", "trace=perf_event_open", "-o", log,
                                        try SeccompTUIBinary.path()] + args)
        defer { try? FileManager.default.removeItem(atPath: log) }
        return try String(contentsOfFile: log, encoding: .utf8).components(separatedBy: "type=PERF_TYPE_SOFTWARE").count - 1
    }

    @Test("record warms perf up; other commands, help and --backend ptrace do not")
    func which() throws {
        let warm: [[String]] = [["record", "--", "/bin/true"], ["record", "--backend", "perf", "--", "/bin/true"],
                                ["record", "--", "/bin/true", "--backend", "ptrace"], ["record", "--", "/bin/true", "--help"]]
        if PerfPermission.problem() == nil {
            for args in warm { #expect(try Self.warmUps(args) == 1, "\(args)") }
        } else {
            for args in warm { #expect(try Self.warmUps(args) == 0, "\(args)") }
        }
        // These end before a tracer starts (strace cannot trace a ptrace tracer's children).
        let unwritable = ["-o", "/nonexistent/dir/p.json"]
        for args in [["export", "p.policy"], ["syscalls", "read"], ["enforce", "--policy", "/nonexistent/p", "--", "x"],
                     ["open", "/nonexistent/p.json"], ["record", "--backend", "ptrace"] + unwritable + ["--", "x"],
                     ["record", "--backend=ptrace"] + unwritable + ["--", "x"], ["learn", "--backend", "ptrace", "--", "x"],
                     ["--help"], ["record", "-h"], ["--version"], ["help", "record"]] {
            #expect(try Self.warmUps(args) == 0, "\(args)")
        }
    }
}
