/// What one 32-bit word of `struct seccomp_data` may hold on one path of a filter: the
/// conjunction of every test the path made on it. The tests a seccomp filter can make on a word
/// `w` (after `A &= mask`) are `w & m == v`, `w & m != v`, `w & m > k`, `w & m >= k` and their
/// negations, and `w & k != 0` (`JSET`); each is kept exactly, so `witness()` decides whether a
/// value exists and returns one.
public struct WordConstraint: Hashable, Sendable {
    /// `w & mask != value`.
    public struct Exclusion: Hashable, Sendable {
        public var mask: UInt32
        public var value: UInt32
    }

    /// `low <= w & mask <= high`, for a mask that is not all ones (the whole word uses `low`/`high`).
    public struct MaskedRange: Hashable, Sendable {
        public var mask: UInt32
        public var low: UInt32
        public var high: UInt32
    }

    /// The whole word lies in `low...high`.
    public private(set) var low: UInt32 = 0
    public private(set) var high: UInt32 = .max
    /// Bits known to be set, and known to be clear.
    public private(set) var ones: UInt32 = 0
    public private(set) var zeros: UInt32 = 0
    public private(set) var exclusions: [Exclusion] = []
    public private(set) var maskedRanges: [MaskedRange] = []
    /// Set when a test contradicted the others outright.
    public private(set) var isEmpty = false

    public init() {}

    /// No test was made on the word.
    public var isUnconstrained: Bool {
        !isEmpty && low == 0 && high == .max && ones == 0 && zeros == 0 && exclusions.isEmpty && maskedRanges.isEmpty
    }

    /// The one value the word can hold when its tests pin it, else nil.
    public var pinnedValue: UInt32? {
        if ones | zeros == .max { return ones }
        return low == high ? low : nil
    }

    /// A comparison a filter can make on `w & mask` against a constant.
    public enum Test: Hashable, Sendable {
        case equal, greater, greaterOrEqual, anyBitSet
    }

    /// Adds `(w & mask) TEST k`, or its negation when `holds` is false.
    public mutating func add(_ test: Test, mask: UInt32, _ k: UInt32, holds: Bool) {
        switch (test, holds) {
        case (.equal, true): addEqual(mask: mask, k)
        case (.equal, false): addExclusion(mask: mask, k)
        case (.greater, true): k == .max ? markEmpty() : addRange(mask: mask, low: k + 1, high: .max)
        case (.greater, false): addRange(mask: mask, low: 0, high: k)
        case (.greaterOrEqual, true): addRange(mask: mask, low: k, high: .max)
        case (.greaterOrEqual, false): k == 0 ? markEmpty() : addRange(mask: mask, low: 0, high: k - 1)
        case (.anyBitSet, true): addExclusion(mask: mask & k, 0)
        case (.anyBitSet, false): addEqual(mask: mask & k, 0)
        }
    }

    /// The word restricted to the values both constraints allow.
    public func intersection(_ other: WordConstraint) -> WordConstraint {
        var r = self
        if other.isEmpty { r.isEmpty = true }
        r.low = max(low, other.low)
        r.high = min(high, other.high)
        r.ones |= other.ones
        r.zeros |= other.zeros
        if r.low > r.high || r.ones & r.zeros != 0 { r.isEmpty = true }
        // Repeats are harmless and checking for them costs more than they do.
        r.exclusions += other.exclusions
        r.maskedRanges += other.maskedRanges
        return r
    }

    private mutating func markEmpty() { isEmpty = true }

    private mutating func addEqual(mask: UInt32, _ k: UInt32) {
        guard k & ~mask == 0 else { return markEmpty() }
        ones |= k
        zeros |= mask & ~k
        if ones & zeros != 0 { markEmpty() }
        if mask == .max { addRange(mask: mask, low: k, high: k) }
    }

    private mutating func addExclusion(mask: UInt32, _ k: UInt32) {
        // `w & mask` never has bits outside the mask: the test always holds.
        guard k & ~mask == 0 else { return }
        if mask == 0 { return markEmpty() }  // `w & 0 != 0` never holds
        exclusions.append(Exclusion(mask: mask, value: k))
    }

    private mutating func addRange(mask: UInt32, low l: UInt32, high h: UInt32) {
        let top = mask  // the largest value `w & mask` can take
        let h = min(h, top)
        guard l <= h else { return markEmpty() }
        if l == 0 && h == top { return }
        if mask == .max {
            low = max(low, l)
            high = min(high, h)
            if low > high { markEmpty() }
            return
        }
        if l == h { return addEqual(mask: mask, l) }
        let r = MaskedRange(mask: mask, low: l, high: h)
        if !maskedRanges.contains(r) { maskedRanges.append(r) }
    }

    /// Thrown when deciding a word would take more steps than `WordConstraint.searchLimit`
    /// (many partial-mask tests that cover each other); never a guess.
    public struct SearchLimitExceeded: Error, Hashable, Sendable {}

    /// Nodes the bit-by-bit search may visit per word.
    public static let searchLimit = 4_000_000

    /// A value the word can hold (the smallest one unless partial-mask tests were made), or nil
    /// when none can.
    public func witness() throws(SearchLimitExceeded) -> UInt32? {
        if isEmpty || low > high || ones & zeros != 0 { return nil }
        // Fast path: only the interval and whole-word exclusions, as dispatch on `nr` makes.
        if ones == 0, zeros == 0, maskedRanges.isEmpty, exclusions.allSatisfy({ $0.mask == .max }) {
            let excluded = Set(exclusions.map(\.value))
            var v = low
            while true {
                if !excluded.contains(v) { return v }
                if v == high { return nil }
                v += 1
            }
        }
        var budget = WordConstraint.searchLimit
        let partial = exclusions.filter { $0.mask != .max }
        // The bits partial-mask tests read are decided first, so that tests covering each other
        // (`w & 1 != 0` and `w & 1 != 1`) are found contradictory at once; then the others, most
        // significant first, which makes the interval a range query.
        let forced = ones | zeros
        let read = (partial.reduce(0) { $0 | $1.mask } | maskedRanges.reduce(0) { $0 | $1.mask }) & ~forced
        let order = (0..<32).reversed().filter { read >> UInt32($0) & 1 == 1 }
            + (0..<32).reversed().filter { (read | forced) >> UInt32($0) & 1 == 0 }
        return try search(order[...], decided: forced, value: ones, partial: partial, budget: &budget)
    }

    /// Depth-first over the bits in `order`, 0 before 1; `decided` holds the bits already fixed in
    /// `value`. A subtree is left as soon as a test cannot hold anywhere in it.
    private func search(_ order: ArraySlice<Int>, decided: UInt32, value: UInt32, partial: [Exclusion],
                        budget: inout Int) throws(SearchLimitExceeded) -> UInt32? {
        budget -= 1
        if budget < 0 { throw SearchLimitExceeded() }
        let reachable = value | ~decided
        if reachable < low || value > high { return nil }
        for r in maskedRanges where reachable & r.mask < r.low || value & r.mask > r.high { return nil }
        for e in partial where e.mask & ~decided == 0 && value & e.mask == e.value { return nil }
        guard let bit = order.first else { return contains(value) ? value : nil }
        let b = UInt32(1) << UInt32(bit)
        for choice in [UInt32(0), b] {
            if let v = try search(order.dropFirst(), decided: decided | b, value: value | choice, partial: partial,
                                  budget: &budget) {
                return v
            }
        }
        return nil
    }

    /// The same set of values written with fewer tests, for reading: interval ends that are
    /// excluded points move inwards, and exclusions nothing in the interval or the known bits
    /// could match are dropped.
    public func simplified() -> WordConstraint {
        var r = self
        if r.isEmpty { return r }
        var points = Set(r.exclusions.filter { $0.mask == .max }.map(\.value))
        while r.low < r.high, points.remove(r.high) != nil { r.high -= 1 }
        while r.low < r.high, points.remove(r.low) != nil { r.low += 1 }
        if r.low == r.high {
            // One value is left (the word is satisfiable): it says everything.
            r.ones = 0
            r.zeros = 0
            r.exclusions = []
            r.maskedRanges = []
            return r
        }
        let (low, high, ones, zeros) = (r.low, r.high, r.ones, r.zeros)
        var seen = Set<Exclusion>()
        r.exclusions = r.exclusions.filter { seen.insert($0).inserted }
        r.exclusions.removeAll { e in
            if e.mask == .max {
                return !points.contains(e.value) || e.value < low || e.value > high || e.value & ones != ones || e.value & zeros != 0
            }
            return e.value & zeros & e.mask != 0 || ~e.value & ones & e.mask != 0
        }
        return r
    }

    /// Whether `v` satisfies every test (used to check witnesses).
    public func contains(_ v: UInt32) -> Bool {
        if isEmpty || v < low || v > high || v & ones != ones || v & zeros != 0 { return false }
        if exclusions.contains(where: { v & $0.mask == $0.value }) { return false }
        return maskedRanges.allSatisfy { (($0.low)...($0.high)).contains(v & $0.mask) }
    }
}
