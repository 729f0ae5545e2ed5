import Foundation

/// How often each syscall is expected, to shape the dispatch: frequent syscalls that the kernel
/// does not cache get the shortest paths.
public struct SyscallWeights: Hashable, Sendable {
    /// Counts by syscall name; empty for uniform weights.
    public var counts: [String: Double]
    /// The architecture the counts were taken on; other architectures get small uniform weights.
    public var arch: Arch

    public init(counts: [String: Double], arch: Arch = .host) {
        self.counts = counts
        self.arch = arch
    }

    /// Every syscall equally likely.
    public static let uniform = SyscallWeights(counts: [:])

    /// The relative weight of `name` on `arch`: its count (plus a little, so that unseen calls
    /// still count) on the architecture the counts were taken on, a little elsewhere, or 1 for
    /// uniform weights. x32 calls are rare (most kernels do not even enable the ABI): they weigh
    /// a thousandth.
    public func weight(of name: String, on arch: Arch) -> Double {
        let base: Double
        if counts.isEmpty { base = 1 } else if arch == self.arch { base = (counts[name] ?? 0) + 0.01 } else { base = 0.01 }
        return arch == .x32 ? base * 1e-3 : base
    }
}

/// An error in a frequency file, naming the line.
public struct SyscallFrequencyError: Error, Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

extension SyscallWeights {
    /// Parses minijail's frequency format: one `syscall: count` per line; `#` starts a comment;
    /// blank lines are ignored. A syscall named twice adds up. The counts are for `arch`.
    public static func parseFrequency(_ text: String, arch: Arch = .host, table: SyscallTable = .shared) throws -> SyscallWeights {
        var counts: [String: Double] = [:]
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
                .map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
            if line.isEmpty { continue }
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw SyscallFrequencyError(line: i + 1, message: "expected `syscall: count`, found `\(line)`")
            }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            let countText = parts[1].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw SyscallFrequencyError(line: i + 1, message: "missing syscall name before `:`") }
            guard table.definition(named: name) != nil || table.otherArchitectureNames.contains(name) else {
                let hint = table.closestNames(to: name)
                let suggestion = hint.isEmpty ? "" : " (did you mean \(hint.joined(separator: ", "))?)"
                throw SyscallFrequencyError(line: i + 1, message: "unknown syscall `\(name)`\(suggestion)")
            }
            guard let count = UInt64(countText) else {
                throw SyscallFrequencyError(line: i + 1, message: "count `\(countText)` is not a non-negative integer")
            }
            counts[name, default: 0] += Double(count)
        }
        return SyscallWeights(counts: counts, arch: arch)
    }
}
