/// Whether two rules can match the same call. OCI runtimes hand rules to libseccomp, which does
/// not pick the most restrictive of two matching rules of one syscall (an unconditional rule
/// beats conditional ones; identical tests with different actions are refused), so rules with
/// different actions are only written when no call can match both.
extension Rule {
    /// False only when no argument values satisfy both rules on any architecture; true when
    /// they might (conservative).
    public func mayOverlap(with other: Rule) -> Bool {
        guard syscall == other.syscall else { return false }
        // Check under both widths a call can be compared on: the rules' own (64-bit
        // architectures) and the low 32 bits (i386, x32).
        return !Rule.provablyDisjoint(self, other, arch32: false) || !Rule.provablyDisjoint(self, other, arch32: true)
    }

    private static func provablyDisjoint(_ a: Rule, _ b: Rule, arch32: Bool) -> Bool {
        if let x = a.onlyCondition, let y = b.onlyCondition, let disjoint = disjointTests(x, y, arch32: arch32) {
            return disjoint
        }
        let all = a.conditions + b.conditions
        for index in Set(all.map(\.index)) {
            let cs = all.filter { $0.index == index }
            // Only a shared width gives one value space to reason in.
            let widths = Set(cs.map { arch32 ? ArgWidth.bits32 : $0.width })
            guard widths.count == 1, let width = widths.first else { continue }
            if ArgumentSet.intersectionIsEmpty(cs.map { ArgumentSet($0, mask: width.mask) }, mask: width.mask) {
                return true
            }
        }
        return false
    }

    /// The answer of `provablyDisjoint` for two one-test rules testing one argument with interval
    /// tests (no `&`), without building sets: most pairs of a big file are of this kind. Nil
    /// when the tests are of another kind.
    private static func disjointTests(_ x: Condition, _ y: Condition, arch32: Bool) -> Bool? {
        guard x.index == y.index, x.op != .maskedEq, y.op != .maskedEq else { return nil }
        let width = arch32 ? ArgWidth.bits32 : x.width
        guard width == (arch32 ? ArgWidth.bits32 : y.width) else { return false }
        let (x1, x2) = ArgumentSet.intervals(x, mask: width.mask)
        let (y1, y2) = ArgumentSet.intervals(y, mask: width.mask)
        func meet(_ p: ClosedRange<UInt64>?, _ q: ClosedRange<UInt64>?) -> Bool {
            guard let p, let q else { return false }
            return p.overlaps(q)
        }
        return !(meet(x1, y1) || meet(x1, y2) || meet(x2, y1) || meet(x2, y2))
    }
}

/// The argument values (after masking to the compared width) one condition accepts: a union
/// of closed intervals, or a masked pattern.
struct ArgumentSet {
    var intervals: [ClosedRange<UInt64>]?
    /// `(a & mask) == bits`, with `bits` inside `mask`; nil when the set is given by intervals.
    var pattern: (mask: UInt64, bits: UInt64)?

    init(_ c: Condition, mask m: UInt64) {
        if c.op == .maskedEq {
            let v = c.value & m
            pattern = (v, c.valueTwo & v)  // valueTwo is compared cut to the mask
        } else {
            let (first, second) = Self.intervals(c, mask: m)
            intervals = [first, second].compactMap { $0 }
        }
    }

    /// The values an interval test (not `&`) accepts within 0...mask: at most two intervals.
    static func intervals(_ c: Condition, mask m: UInt64) -> (ClosedRange<UInt64>?, ClosedRange<UInt64>?) {
        let v = c.value & m
        switch c.op {
        case .eq: return (v...v, nil)
        case .ne: return (v > 0 ? 0...(v - 1) : nil, v < m ? (v + 1)...m : nil)
        case .lt: return (v > 0 ? 0...(v - 1) : nil, nil)
        case .le: return (0...v, nil)
        case .gt: return (v < m ? (v + 1)...m : nil, nil)
        case .ge: return (v...m, nil)
        case .maskedEq: return (nil, nil)
        }
    }

    /// Whether the intersection of `sets` (each within 0...mask) is empty.
    static func intersectionIsEmpty(_ sets: [ArgumentSet], mask: UInt64) -> Bool {
        // Combine the patterns: bits both constrain must agree.
        var pMask: UInt64 = 0, pBits: UInt64 = 0
        for s in sets {
            guard let p = s.pattern else { continue }
            if (pBits ^ p.bits) & (pMask & p.mask) != 0 { return true }
            pMask |= p.mask
            pBits |= p.bits
        }
        // Intersect the intervals.
        var current: [ClosedRange<UInt64>] = [0...mask]
        for s in sets {
            guard let ivs = s.intervals else { continue }
            var next: [ClosedRange<UInt64>] = []
            for x in current {
                for y in ivs where x.overlaps(y) {
                    next.append(max(x.lowerBound, y.lowerBound)...min(x.upperBound, y.upperBound))
                }
            }
            current = next
            if current.isEmpty { return true }
        }
        guard pMask != 0 else { return current.isEmpty }
        // Does some interval hold a value with (a & pMask) == pBits?
        return !current.contains { ArgumentSet.patternHasValue(in: $0, mask: pMask, bits: pBits) }
    }

    /// Whether some `a` in `range` has `(a & mask) == bits`.
    static func patternHasValue(in range: ClosedRange<UInt64>, mask: UInt64, bits: UInt64) -> Bool {
        guard let a = smallestMatch(atLeast: range.lowerBound, mask: mask, bits: bits) else { return false }
        return a <= range.upperBound
    }

    /// The smallest `a >= low` with `(a & mask) == bits` (bits outside `mask` are free), or nil.
    /// Walks from the top bit while `a` can still equal `low`; where a fixed bit must be above
    /// `low`'s, `a` passes `low` there; where it must be below, the lowest free bit already
    /// passed that is 0 in `low` is raised instead.
    static func smallestMatch(atLeast low: UInt64, mask: UInt64, bits: UInt64) -> UInt64? {
        var raisable: UInt64?
        for bit in stride(from: 63, through: 0, by: -1) {
            let b = UInt64(1) << UInt64(bit)
            let lowBit = low & b
            if mask & b != 0 {
                let fixed = bits & b
                if fixed == lowBit { continue }
                let at = fixed > lowBit ? b : raisable
                guard let at else { return nil }
                let below = at &- 1
                return (low & ~(below | at)) | at | (bits & below)
            } else if lowBit == 0 {
                raisable = b
            }
        }
        return low
    }
}
