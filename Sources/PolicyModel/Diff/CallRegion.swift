/// A set of calls described word by word: each of the 16 32-bit words of `struct seccomp_data`
/// (`nr`, `arch`, the instruction pointer's halves, the six arguments' halves) has its own
/// `WordConstraint`, and a call is in the region when every word satisfies its own. A filter
/// path's region is such a set, because a classic BPF test reads one word at a time.
public struct CallRegion: Hashable, Sendable {
    /// Indexed by the word's offset in `struct seccomp_data` divided by 4.
    public private(set) var words: [WordConstraint]

    public static let wordCount = 16
    public static let nrWord = 0
    public static let archWord = 1
    /// The word index of argument `i`'s low and high halves.
    public static func argLowWord(_ i: Int) -> Int { 4 + 2 * i }
    public static func argHighWord(_ i: Int) -> Int { 5 + 2 * i }

    /// Every call.
    public init() { words = Array(repeating: WordConstraint(), count: CallRegion.wordCount) }

    /// No call satisfies a contradiction found while adding tests (an empty word).
    public var isObviouslyEmpty: Bool { words.contains(where: \.isEmpty) }

    public mutating func add(word: Int, _ test: WordConstraint.Test, mask: UInt32, _ k: UInt32, holds: Bool) {
        words[word].add(test, mask: mask, k, holds: holds)
    }

    /// Restricts one word to exactly `value`.
    public mutating func pin(word: Int, to value: UInt32) {
        words[word].add(.equal, mask: .max, value, holds: true)
    }

    public func intersection(_ other: CallRegion) -> CallRegion {
        var r = self
        for i in words.indices { r.words[i] = words[i].intersection(other.words[i]) }
        return r
    }

    /// A call in the region (each word as small as `WordConstraint.witness` finds it), or nil when the region is empty.
    public func witness() throws(WordConstraint.SearchLimitExceeded) -> SeccompData? {
        if isObviouslyEmpty { return nil }
        var values: [UInt32] = []
        values.reserveCapacity(CallRegion.wordCount)
        for w in words {
            guard let v = try w.witness() else { return nil }
            values.append(v)
        }
        let args = (0..<6).map { UInt64(values[CallRegion.argHighWord($0)]) << 32 | UInt64(values[CallRegion.argLowWord($0)]) }
        return SeccompData(nr: Int32(bitPattern: values[0]), arch: values[1],
                           instructionPointer: UInt64(values[3]) << 32 | UInt64(values[2]), args: args)
    }

    /// Whether the region holds any call.
    public func isSatisfiable() throws(WordConstraint.SearchLimitExceeded) -> Bool {
        if isObviouslyEmpty { return false }
        for w in words where !w.isUnconstrained {
            if try w.witness() == nil { return false }
        }
        return true
    }

    /// Whether `data` lies in the region.
    public func contains(_ data: SeccompData) -> Bool {
        words.indices.allSatisfy { words[$0].contains(data.word(at: UInt32($0 * 4))!) }
    }
}
