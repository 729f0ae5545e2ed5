/// How often each syscall is expected, to shape the dispatch: frequent syscalls that the kernel
/// does not cache get the shortest paths; with a profile, also how often each argument value is
/// seen, so that hot values are tested first.
public struct SyscallWeights: Hashable, Sendable {
    /// Counts by architecture and syscall name; empty for uniform weights.
    public var counts: [Arch: [String: Double]]
    /// Counts of the low 32 bits of argument values, by architecture, syscall and argument index.
    public var valueCounts: [Arch: [String: [Int: [UInt32: Double]]]]

    /// Counts by syscall name, taken on `arch` (a minijail frequency file).
    public init(counts: [String: Double], arch: Arch = .host) {
        self.counts = counts.isEmpty ? [:] : [arch: counts]
        self.valueCounts = [:]
    }

    /// Counts of syscalls and argument values from a recorded profile.
    public init(profile: Profile) {
        var counts: [Arch: [String: Double]] = [:]
        var values: [Arch: [String: [Int: [UInt32: Double]]]] = [:]
        for sp in profile.syscalls {
            counts[sp.arch, default: [:]][sp.name, default: 0] += Double(sp.count)
            for (i, top) in sp.arguments.enumerated() {
                for (value, count) in top.entries {
                    values[sp.arch, default: [:]][sp.name, default: [:]][i, default: [:]][UInt32(truncatingIfNeeded: value),
                                                                                       default: 0] += Double(count)
                }
            }
        }
        self.counts = counts
        self.valueCounts = values
    }

    /// Every syscall equally likely.
    public static let uniform = SyscallWeights(counts: [:])

    /// The relative weight of `name` on `arch`: its count (plus a little, so that unseen calls
    /// still count), or 1 for uniform weights. x32 calls are rare (most kernels do not even enable
    /// the ABI): they weigh a thousandth.
    public func weight(of name: String, on arch: Arch) -> Double {
        let base = counts.isEmpty ? 1 : (counts[arch]?[name] ?? 0) + 0.01
        return arch == .x32 ? base * 1e-3 : base
    }

    /// How often each low word of argument `index` of `name` was seen on `arch` (empty: unknown).
    public func valueCounts(of name: String, argument index: Int, on arch: Arch) -> [UInt32: Double] {
        valueCounts[arch]?[name]?[index] ?? [:]
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
        var number = 0
        // Lines are cut at line feeds in the bytes (a carriage return before one is dropped) and
        // trimmed here rather than by Foundation: a 16 MiB file of a million lines takes a
        // fraction of a second.
        for bytes in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var raw = Substring(bytes)
            if raw.utf8.last == UInt8(ascii: "\r") { raw = Substring(raw.utf8.dropLast()) }
            if let hash = raw.utf8.firstIndex(of: UInt8(ascii: "#")) { raw = raw[..<hash] }
            let line = raw.trimmingHorizontalSpaces()
            if line.isEmpty { continue }
            guard let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")) else {
                throw SyscallFrequencyError(line: number, message: "expected `syscall: count`, found `\(line)`")
            }
            let name = String(line[..<colon].trimmingHorizontalSpaces())
            let countText = line[line.utf8.index(after: colon)...].trimmingHorizontalSpaces()
            guard !name.isEmpty else { throw SyscallFrequencyError(line: number, message: "missing syscall name before `:`") }
            guard table.definition(named: name) != nil || table.otherArchitectureNames.contains(name) else {
                let hint = table.closestNames(to: name)
                let suggestion = hint.isEmpty ? "" : " (did you mean \(hint.joined(separator: ", "))?)"
                throw SyscallFrequencyError(line: number, message: "unknown syscall `\(name)`\(suggestion)")
            }
            guard let count = UInt64(countText, radix: 10) else {
                throw SyscallFrequencyError(line: number, message: "count `\(countText)` is not a non-negative integer")
            }
            counts[name, default: 0] += Double(count)
        }
        return SyscallWeights(counts: counts, arch: arch)
    }
}
