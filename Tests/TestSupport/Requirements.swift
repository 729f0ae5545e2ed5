import Foundation
import Glibc
import Testing

extension Trait where Self == ConditionTrait {
    /// Runs the test only as root (runc, podman, reading other processes' filters, mounting
    /// tracefs); otherwise it is skipped and the run says why.
    public static var requiresRoot: Self {
        .enabled(if: geteuid() == 0, "needs root: run the tests as root (sudo swift test)")
    }

    /// Runs the test only when `reason` is nil (the feature is there); otherwise it is skipped
    /// with `reason` as the message, e.g. `.requires(TraceBackends.perfUnavailableReason())`
    /// or `.requires(Requirement.tmux)`.
    public static func requires(_ reason: String?) -> Self {
        .enabled(if: reason == nil, Comment(rawValue: reason ?? ""))
    }
}

/// What the tests need from the machine besides root and perf (whose reason TraceCapture's
/// `TraceBackends.perfUnavailableReason()` gives): each is nil when it is there, else the reason
/// a test that needs it is skipped. `scripts/install-deps` installs the programs.
public enum Requirement {
    public static let tmux = program("/usr/bin/tmux", "tmux")
    public static let strace = program("/usr/bin/strace", "strace")
    public static let runc = program("/usr/sbin/runc", "runc")
    public static let bwrap = program("/usr/bin/bwrap", "bubblewrap (bwrap)")
    public static let podman = program("/usr/bin/podman", "podman")
    public static let cc = program("/usr/bin/cc", "a C compiler (cc)")

    /// libseccomp's Python binding for Debian's /usr/bin/python3 (python3-seccomp), the
    /// reference the filters are compared with.
    public static let libseccompPython: String? = {
        if let missing = program("/usr/bin/python3", "python3") { return missing }
        let r = try? ProcessRunner.run(["/usr/bin/python3", "-c", "import seccomp"])
        return r?.status == 0 ? nil : "needs libseccomp's python binding: apt-get install python3-seccomp"
    }()

    /// ptrace of our own children (Yama's ptrace_scope 3 forbids every attach).
    public static let ptrace: String? = {
        let scope = (try? String(contentsOfFile: "/proc/sys/kernel/yama/ptrace_scope", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return scope == "3" ? "needs ptrace: kernel.yama.ptrace_scope is 3 (no process may trace)" : nil
    }()

    /// ptrace of a process that is not our child (attach, `-p`): root, or Yama's ptrace_scope 0.
    public static let ptraceAttach: String? = {
        if let none = ptrace { return none }
        let scope = (try? String(contentsOfFile: "/proc/sys/kernel/yama/ptrace_scope", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return geteuid() == 0 || scope == nil || scope == "0"
            ? nil : "needs root to attach to a process that is not our child (kernel.yama.ptrace_scope is \(scope!))"
    }()

    /// The kernel's seccomp user notification (SECCOMP_RET_USER_NOTIF, Linux 5.0), for ask.
    public static let userNotif: String? = {
        let actions = (try? String(contentsOfFile: "/proc/sys/kernel/seccomp/actions_avail", encoding: .utf8)) ?? ""
        return actions.split(whereSeparator: \.isWhitespace).contains("user_notif")
            ? nil : "needs seccomp user notification (user_notif in /proc/sys/kernel/seccomp/actions_avail)"
    }()

    private static func program(_ path: String, _ name: String) -> String? {
        FileManager.default.isExecutableFile(atPath: path) ? nil : "needs \(name) (\(path)): scripts/install-deps installs it"
    }
}
