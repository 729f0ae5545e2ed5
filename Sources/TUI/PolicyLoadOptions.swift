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
    /// The hashes of the messages printed (8 bytes each where the messages would take about 150:
    /// a text policy can raise a warning a line). Two different messages share one with a chance
    /// of about n²/2⁶⁵: 10⁻⁹ for 200,000 warnings; the later one would then not be printed.
    nonisolated(unsafe) private static var printed: Set<Int> = []
    /// Open `batch` calls, and the warnings they have held back (written together at the end).
    nonisolated(unsafe) private static var batches = 0
    nonisolated(unsafe) private static var pending: [UInt8] = []

    public static func print(_ message: String) {
        let line = lock.withLock { () -> [UInt8]? in
            guard printed.insert(message.hashValue).inserted else { return nil }
            let line = Array("warning: \(message.printableForMessage())\n".utf8)
            guard batches > 0 else { return line }
            pending += line
            return pending.count >= 1 << 16 ? take() : nil
        }
        if let line { FileHandle.standardError.write(Data(line)) }
    }

    /// Runs `body`, writing the warnings it prints in a few large writes rather than one each
    /// (a policy file can raise a warning a line); they are all written when `body` returns or
    /// throws, before anything else it might say.
    public static func batch<T>(_ body: () throws -> T) rethrows -> T {
        lock.withLock { batches += 1 }
        defer {
            let rest = lock.withLock { () -> [UInt8] in
                batches -= 1
                return batches == 0 ? take() : []
            }
            if !rest.isEmpty { FileHandle.standardError.write(Data(rest)) }
        }
        return try body()
    }

    /// The held-back warnings, emptied; with the lock held.
    private static func take() -> [UInt8] {
        defer { pending = [] }
        return pending
    }
}
