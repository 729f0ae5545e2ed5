/// What the returns of one syscall looked like, when the tracer saw them (`--returns`).
public struct ReturnStats: Hashable, Sendable {
    /// Calls whose return value was seen.
    public private(set) var returned: UInt64 = 0
    /// Calls that returned an error (-4095...-1).
    public private(set) var errors: UInt64 = 0
    /// How often each errno was returned (bounded by the 4095 possible errnos).
    public private(set) var errnos: [Int32: UInt64] = [:]

    public init() {}

    /// Records one return value.
    public mutating func add(_ value: Int64) {
        returned &+= 1
        if value < 0 && value >= -4095 {
            errors &+= 1
            errnos[Int32(-value), default: 0] &+= 1
        }
    }

    public mutating func merge(_ o: ReturnStats) {
        returned &+= o.returned
        errors &+= o.errors
        for (e, n) in o.errnos { errnos[e, default: 0] &+= n }
    }

    init(returned: UInt64, errors: UInt64, errnos: [Int32: UInt64]) throws(ProfileError) {
        guard errors <= returned else { throw .invalid(field: "errors", expected: "no more errors than returns") }
        guard errnos.keys.allSatisfy({ (1...4095).contains($0) }) else {
            throw .invalid(field: "errnos", expected: "errno numbers from 1 to 4095")
        }
        guard ProfileCount.sum(Array(errnos.values)) == errors else {
            throw .invalid(field: "errnos", expected: "counts adding up to \"errors\"")
        }
        self.returned = returned
        self.errors = errors
        self.errnos = errnos
    }
}
