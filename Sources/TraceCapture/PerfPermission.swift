import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Errors of the perf backend, each one sentence saying what is wrong and what to do.
public enum PerfBackendError: Error, Equatable, CustomStringConvertible {
    /// The process may not use raw tracepoint samples; the text says what is missing.
    case notPermitted(String)
    /// tracefs or the tracepoints are missing or unreadable.
    case tracefs(String)
    /// A system call of the backend failed.
    case system(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .notPermitted(let text), .tracefs(let text):
            return text
        case .system(let operation, let e):
            return "\(operation) failed: \(Errno(e))"
        }
    }
}

/// Whether this process may use the perf backend: raw tracepoint samples need `CAP_PERFMON`
/// (or `CAP_SYS_ADMIN`, i.e. root), or `kernel.perf_event_paranoid` at -1.
public enum PerfPermission {
    static let capSysAdmin = 21
    static let capPerfmon = 38

    /// The current `kernel.perf_event_paranoid`, if readable.
    public static func paranoidLevel() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/sys/kernel/perf_event_paranoid", encoding: .utf8)
        else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The effective capability set of this process (`CapEff` in /proc/self/status).
    static func effectiveCapabilities() -> UInt64 {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("CapEff:") {
            return UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16) ?? 0
        }
        return 0
    }

    /// Whether the process holds CAP_PERFMON or CAP_SYS_ADMIN.
    public static func isCapable() -> Bool {
        let caps = effectiveCapabilities()
        return caps & (1 << UInt64(capPerfmon)) != 0 || caps & (1 << UInt64(capSysAdmin)) != 0
    }

    /// nil when raw tracepoint samples are permitted; otherwise what is missing, as one sentence.
    public static func problem() -> String? {
        if isCapable() { return nil }
        let level = paranoidLevel()
        if let level, level <= -1 { return nil }
        let current = level.map { "it is \($0)" } ?? "it is unreadable"
        return "the perf backend needs root or CAP_PERFMON, or kernel.perf_event_paranoid = -1 (\(current)): "
            + "the kernel gives raw_syscalls tracepoint samples to privileged tracers only; "
            + "run as root, grant CAP_PERFMON, set `sysctl kernel.perf_event_paranoid=-1`, or use --backend ptrace"
    }

    /// Throws `notPermitted` with `problem()`'s text when perf may not be used.
    public static func check() throws {
        if let problem = problem() { throw PerfBackendError.notPermitted(problem) }
    }
}
