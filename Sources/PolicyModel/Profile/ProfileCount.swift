/// The bound on every count a profile file may hold, and sums that cannot trap.
///
/// A count read from a file is untrusted: summing two near `UInt64.max` would trap. No trace
/// comes near 2^53 calls (a century at a billion calls a second), so a file holding more is
/// refused, and merging thousands of maximal profiles still cannot overflow.
enum ProfileCount {
    static let max: UInt64 = 1 << 53

    /// The sum of `values`, or nil when it overflows.
    static func sum(_ values: [UInt64]) -> UInt64? {
        var total: UInt64 = 0
        for v in values {
            let (s, overflow) = total.addingReportingOverflow(v)
            if overflow { return nil }
            total = s
        }
        return total
    }

    /// `value`, checked against the bound; `field` names it in the error (made only then: a
    /// large profile has millions of counts).
    @inline(__always)
    static func checked(_ value: UInt64, _ field: @autoclosure () -> String) throws(ProfileError) -> UInt64 {
        guard value <= max else { throw .invalid(field: field(), expected: "a count of at most 2^53 (\(max)), not \(value)") }
        return value
    }
}
