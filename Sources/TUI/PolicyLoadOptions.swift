import Foundation
import PolicyModel

/// How policy files are read: the target Docker's conditional entries are resolved for, whether
/// unknown syscall names are skipped, and where warnings go.
public struct PolicyLoadOptions {
    public var target: OCITarget
    /// Skip unknown syscall names with a warning instead of failing (`--lenient`).
    public var lenient: Bool = false
    /// Receives one line per warning; stderr by default (`Warnings.print`).
    public var warn: (String) -> Void = Warnings.print

    public init(target: OCITarget, lenient: Bool = false) {
        self.target = target
        self.lenient = lenient
    }

    /// The host: its architecture, the running kernel and no capabilities.
    static func host() throws -> PolicyLoadOptions {
        PolicyLoadOptions(target: OCITarget(arch: .host, capabilities: [], kernel: try runningKernel()))
    }

    /// The running kernel's version from `/proc/sys/kernel/osrelease`.
    public static func runningKernel() throws -> KernelVersion {
        let path = "/proc/sys/kernel/osrelease"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw FileError(path: path, reason: "cannot read the running kernel's version (give --kernel VERSION)")
        }
        guard let version = KernelVersion(release: text) else {
            throw FileError(path: path, reason: "expected a kernel version such as 6.1.0, found \"\(text.trimmingCharacters(in: .whitespacesAndNewlines))\"")
        }
        return version
    }
}

/// Warnings on stderr: each message once per run (a policy read twice, or a file included from
/// several places, would repeat it), control characters escaped.
public enum Warnings {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var printed: Set<String> = []

    public static func print(_ message: String) {
        let inserted = lock.withLock { printed.insert(message).inserted }
        guard inserted else { return }
        FileHandle.standardError.write(Data("warning: \(message.printableForMessage())\n".utf8))
    }
}
