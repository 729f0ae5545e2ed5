/// The six argument values of one call, stored inline (no allocation).
public struct CallArguments: Hashable, Sendable {
    public var a0, a1, a2, a3, a4, a5: UInt64

    public init(_ a0: UInt64, _ a1: UInt64, _ a2: UInt64, _ a3: UInt64, _ a4: UInt64, _ a5: UInt64) {
        (self.a0, self.a1, self.a2, self.a3, self.a4, self.a5) = (a0, a1, a2, a3, a4, a5)
    }

    /// The first six values of `args`, zeros for those missing.
    public init(_ args: [UInt64]) {
        a0 = args.count > 0 ? args[0] : 0
        a1 = args.count > 1 ? args[1] : 0
        a2 = args.count > 2 ? args[2] : 0
        a3 = args.count > 3 ? args[3] : 0
        a4 = args.count > 4 ? args[4] : 0
        a5 = args.count > 5 ? args[5] : 0
    }

    public var array: [UInt64] { [a0, a1, a2, a3, a4, a5] }

    /// Argument `i` (0...5).
    @inline(__always)
    public subscript(i: Int) -> UInt64 {
        switch i {
        case 0: return a0
        case 1: return a1
        case 2: return a2
        case 3: return a3
        case 4: return a4
        case 5: return a5
        default: preconditionFailure("argument index \(i) is not in 0...5")
        }
    }

    /// The six values hashed as one 48-byte block: one `combine` call rather than six (this
    /// runs once per traced call), still the seeded hash over every bit, so that a hostile
    /// profile cannot be built from calls that all collide.
    @inline(__always)
    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: self) { hasher.combine(bytes: $0) }
    }
}

/// A bounded set of distinct whole calls (all six arguments) with how often each was made.
/// Once `capacity` distinct calls are held, further new ones are only counted in `overflow`.
public struct CallSet: Hashable, Sendable {
    public let capacity: Int
    public private(set) var counts: [CallArguments: UInt64] = [:]
    /// Calls that were not stored because the set was full.
    public private(set) var overflow: UInt64 = 0

    public init(capacity: Int = 64) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
    }

    public mutating func add(_ call: CallArguments, count: UInt64 = 1) {
        if let i = counts.index(forKey: call) {
            counts.values[i] &+= count
        } else if counts.count < capacity {
            counts[call] = count
        } else {
            overflow &+= count
        }
    }

    public mutating func merge(_ other: CallSet) {
        for (call, n) in other.counts.sorted(by: { $0.value > $1.value }) { add(call, count: n) }
        overflow &+= other.overflow
    }

    /// The stored calls, most frequent first.
    public var entries: [(call: CallArguments, count: UInt64)] {
        counts.map { (call: $0.key, count: $0.value) }.sorted {
            $0.count != $1.count ? $0.count > $1.count : $0.call.array.lexicographicallyPrecedes($1.call.array)
        }
    }

    init(capacity: Int, counts: [CallArguments: UInt64], overflow: UInt64) throws(ProfileError) {
        guard capacity > 0, counts.count <= capacity else {
            throw .invalid(field: "calls", expected: "at most \(capacity) distinct calls")
        }
        self.capacity = capacity
        self.counts = counts
        self.overflow = overflow
    }
}

/// A bounded sample of the strings a path argument held, with counts; strings beyond
/// `capacity` distinct ones are counted in `other`.
public struct StringSamples: Hashable, Sendable {
    public let capacity: Int
    public private(set) var counts: [String: UInt64] = [:]
    public private(set) var other: UInt64 = 0

    public init(capacity: Int = 16) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
    }

    public mutating func add(_ s: String, count: UInt64 = 1) {
        if let c = counts[s] {
            counts[s] = c &+ count
        } else if counts.count < capacity {
            counts[s] = count
        } else {
            other &+= count
        }
    }

    public mutating func merge(_ o: StringSamples) {
        for (s, n) in o.counts.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            add(s, count: n)
        }
        other &+= o.other
    }

    /// The sampled strings, most frequent first.
    public var entries: [(string: String, count: UInt64)] {
        counts.map { (string: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.string < $1.string }
    }

    init(capacity: Int, counts: [String: UInt64], other: UInt64) throws(ProfileError) {
        guard capacity > 0, counts.count <= capacity else {
            throw .invalid(field: "paths", expected: "at most \(capacity) distinct strings")
        }
        self.capacity = capacity
        self.counts = counts
        self.other = other
    }
}
