import Foundation
import PolicyModel

/// How policy files are read: the target Docker's conditional entries are resolved for, whether
/// unknown syscall names are skipped, and where warnings go.
public struct PolicyLoadOptions {
    public var target: OCITarget
    /// Skip unknown syscall names with a warning instead of failing (`--lenient`).
    public var lenient: Bool = false
    /// Receives one line per warning; stderr by default.
    public var warn: (String) -> Void = { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) }

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
