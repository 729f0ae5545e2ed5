/// A bounded histogram of the values one argument took: the most frequent values with their
/// counts, and everything else lumped into `other`.
///
/// Uses the Space-Saving scheme (Metwally et al.): at most `capacity` values are tracked; a new
/// value arriving when the table is full replaces the least counted one and inherits its count
/// as an over-estimate (`error`). While no more than `capacity` distinct values were seen, every
/// count is exact. Memory stays bounded however long the trace.
public struct TopValues: Hashable, Sendable {
    /// How many distinct values are tracked at most.
    public let capacity: Int
    /// The tracked values, in the order they were first tracked.
    public private(set) var values: [UInt64] = []
    /// Estimated counts (upper bounds), parallel to `values`.
    public private(set) var counts: [UInt64] = []
    /// How much each count may over-estimate, parallel to `values`.
    public private(set) var errors: [UInt64] = []
    /// Every value recorded, tracked or not.
    public private(set) var total: UInt64 = 0
    /// Whether more distinct values arrived than the table holds (counts may then be estimates).
    public private(set) var overflowed = false

    public init(capacity: Int = 32) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
    }

    /// Records `count` occurrences of `value`.
    public mutating func add(_ value: UInt64, count: UInt64 = 1) {
        total &+= count
        if let i = values.firstIndex(of: value) {
            counts[i] &+= count
            return
        }
        if values.count < capacity {
            values.append(value)
            counts.append(count)
            errors.append(0)
            return
        }
        overflowed = true
        var minIndex = 0
        for i in 1..<counts.count where counts[i] < counts[minIndex] { minIndex = i }
        let floor = counts[minIndex]
        values[minIndex] = value
        counts[minIndex] = floor &+ count
        errors[minIndex] = floor
    }

    /// The tracked values with the counts they certainly had (estimate minus error), most
    /// frequent first, ties by value.
    public var entries: [(value: UInt64, count: UInt64)] {
        values.indices
            .map { (value: values[$0], count: counts[$0] - errors[$0]) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
    }

    /// Occurrences not accounted for by `entries`: `entries` counts plus `other` equal `total`.
    public var other: UInt64 {
        total - values.indices.reduce(0) { $0 + (counts[$1] - errors[$1]) }
    }

    /// The number of distinct values, when it is known exactly (nothing overflowed).
    public var exactDistinctCount: Int? { overflowed ? nil : values.count }

    /// The estimated count of `value`, 0 when it is not tracked.
    public func count(of value: UInt64) -> UInt64 {
        values.firstIndex(of: value).map { counts[$0] - errors[$0] } ?? 0
    }

    /// Adds another histogram's counts into this one (mergeable summaries: a value missing from
    /// a full side may have had up to that side's smallest count, which becomes its error).
    public mutating func merge(_ other: TopValues) {
        if other.total == 0 { return }
        if total == 0 && other.capacity == capacity { self = other; return }
        let selfFloor = overflowed ? (counts.min() ?? 0) : 0
        let otherFloor = other.overflowed ? (other.counts.min() ?? 0) : 0
        var merged: [UInt64: (count: UInt64, error: UInt64)] = [:]
        for i in values.indices { merged[values[i]] = (counts[i], errors[i]) }
        for (v, e) in merged {
            if !other.values.contains(v) { merged[v] = (e.count + otherFloor, e.error + otherFloor) }
        }
        for i in other.values.indices {
            let v = other.values[i]
            if let e = merged[v], values.contains(v) {
                merged[v] = (e.count + other.counts[i], e.error + other.errors[i])
            } else {
                merged[v] = (other.counts[i] + selfFloor, other.errors[i] + selfFloor)
            }
        }
        let order = Dictionary(uniqueKeysWithValues: (values + other.values.filter { !values.contains($0) })
            .enumerated().map { ($1, $0) })
        let kept = merged.sorted { a, b in
            a.value.count != b.value.count ? a.value.count > b.value.count : order[a.key]! < order[b.key]!
        }.prefix(capacity).sorted { order[$0.key]! < order[$1.key]! }
        let newTotal = total + other.total
        let newOverflowed = overflowed || other.overflowed || merged.count > capacity
        values = kept.map(\.key)
        counts = kept.map(\.value.count)
        errors = kept.map(\.value.error)
        total = newTotal
        overflowed = newOverflowed
    }

    /// Rebuilds a histogram from stored parts, checking that they are consistent.
    public init(capacity: Int, values: [UInt64], counts: [UInt64], errors: [UInt64], total: UInt64,
                overflowed: Bool) throws(ProfileError) {
        guard capacity > 0 else { throw .invalid(field: "capacity", expected: "a positive number") }
        guard values.count == counts.count, values.count == errors.count, values.count <= capacity else {
            throw .invalid(field: "values", expected: "at most \(capacity) entries, each with a count and an error")
        }
        guard Set(values).count == values.count else { throw .invalid(field: "values", expected: "distinct values") }
        guard zip(counts, errors).allSatisfy({ $0 >= $1 }) else {
            throw .invalid(field: "error", expected: "an error no larger than its count")
        }
        guard let certain = ProfileCount.sum(zip(counts, errors).map { $0 - $1 }), certain <= total else {
            throw .invalid(field: "total", expected: "at least the sum of the counts")
        }
        self.capacity = capacity
        self.values = values
        self.counts = counts
        self.errors = errors
        self.total = total
        self.overflowed = overflowed
    }
}
