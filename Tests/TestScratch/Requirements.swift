import Glibc
import Testing

extension Trait where Self == ConditionTrait {
    /// Runs the test only as root (runc, podman, reading other processes' filters, mounting
    /// tracefs); otherwise it is skipped and the run says why.
    public static var requiresRoot: Self {
        .enabled(if: geteuid() == 0, "needs root: run the tests as root (sudo swift test)")
    }

    /// Runs the test only when `reason` is nil (the feature is there); otherwise it is skipped
    /// with `reason` as the message, e.g. `.requires(TraceBackends.perfUnavailableReason())`.
    public static func requires(_ reason: String?) -> Self {
        .enabled(if: reason == nil, Comment(rawValue: reason ?? ""))
    }
}
