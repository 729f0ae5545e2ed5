import Foundation

/// What the accumulator holds at a point of the program, as far as the compiler knows.
enum BPFAccumulator: Hashable {
    case word(UInt32)
    case unknown

    /// The state where paths with states `a` and `b` meet.
    func meet(_ other: BPFAccumulator) -> BPFAccumulator { self == other ? self : .unknown }
}

/// Code for the argument rules of one syscall: the groups are tried most restrictive first; in a
/// group the alternatives are tried in order; an alternative is a chain of checks, each of which
/// jumps to the next alternative when it fails. 64-bit arguments are compared high word first,
/// then low word, as libseccomp does.
enum BPFArgumentCode {
    /// One way for a group's action to be chosen: a conjunction of checks, or "the low word of
    /// an argument is one of these values" (many single `==` rules on one 32-bit argument, such
    /// as futex operations or ioctl requests), searched as a binary tree instead of one by one.
    enum Alternative: Hashable {
        case conjunction([BPFCheck])
        case valueSet(index: Int, values: [UInt32])
    }

    /// The fewest values worth a search tree rather than a chain of `JEQ`.
    static let valueSetThreshold = 6

    static func alternatives(of group: BPFRuleGroup) -> [Alternative] {
        var single: [Int: [UInt32]] = [:]
        for alt in group.alternatives {
            if alt.count == 1, let c = alt.first, c.op == .eq, c.width == .bits32 {
                single[c.index, default: []].append(UInt32(truncatingIfNeeded: c.value))
            }
        }
        let searched = Set(single.filter { Set($0.value).count >= valueSetThreshold }.keys)
        var out: [Alternative] = searched.sorted().map { .valueSet(index: $0, values: Array(Set(single[$0]!)).sorted()) }
        for alt in group.alternatives {
            if alt.count == 1, let c = alt.first, c.op == .eq, c.width == .bits32, searched.contains(c.index) { continue }
            out.append(.conjunction(alt))
        }
        return out
    }

    /// Emits the code of `groups` (entered with `nr` in the accumulator) and returns its entry.
    static func emit(groups: [BPFRuleGroup], otherwise: Action, valueCounts: [Int: [UInt32: Double]] = [:],
                     into b: inout BPFCodeBuilder) -> BPFTarget {
        let alternatives: [(Action, Alternative)] = groups.flatMap { g in Self.alternatives(of: g).map { (g.action, $0) } }
        // Forward pass: what the accumulator holds when each alternative starts.
        var entries: [BPFAccumulator] = []
        var state = BPFAccumulator.word(SeccompData.nrOffset)
        for (_, alt) in alternatives {
            entries.append(state)
            switch alt {
            case .conjunction(let checks): state = failState(of: checks, entry: state)
            case .valueSet(let index, _): state = .word(SeccompData.argLowOffset(index))
            }
        }
        // Backward emission.
        var next = BPFTarget.ret(otherwise.returnValue)
        for (i, (action, alt)) in alternatives.enumerated().reversed() {
            switch alt {
            case .conjunction(let checks):
                next = emitConjunction(checks, entry: entries[i], pass: .ret(action.returnValue), fail: next, into: &b)
            case .valueSet(let index, let values):
                let search = emitValueSet(values, counts: valueCounts[index] ?? [:], pass: .ret(action.returnValue),
                                          fail: next, into: &b)
                next = load(SeccompData.argLowOffset(index), entry: entries[i], then: search, into: &b)
            }
        }
        return next
    }

    /// Tests whether the accumulator is one of `values` (sorted): the hottest values by `counts`
    /// first, one `JEQ` each, as long as that shortens the expected path; then a binary search.
    static func emitValueSet(_ values: [UInt32], counts: [UInt32: Double], pass: BPFTarget, fail: BPFTarget,
                             into b: inout BPFCodeBuilder) -> BPFTarget {
        let total = counts.values.reduce(0, +)
        var hot: [UInt32] = []
        if total > 0 {
            let byHeat = values.filter { (counts[$0] ?? 0) > 0 }
                .sorted { (counts[$0]!, $1) > (counts[$1]!, $0) }
            func searchDepth(_ m: Int) -> Double {
                m == 0 ? 0 : m <= 2 ? Double(m + 1) / 2 : (log2(Double(m)).rounded(.up) + 1)
            }
            var best = searchDepth(values.count)
            var covered = 0.0
            var chainCost = 0.0
            for (k, v) in byHeat.prefix(8).enumerated() {
                let p = counts[v]! / total
                chainCost += Double(k + 1) * p
                covered += p
                let cost = chainCost + (1 - covered) * (Double(k + 1) + searchDepth(values.count - k - 1))
                if cost < best - 1e-9 {
                    best = cost
                    hot = Array(byHeat.prefix(k + 1))
                }
            }
        }
        let rest = values.filter { !hot.contains($0) }
        var next = emitValueSearch(rest[...], pass: pass, fail: fail, into: &b)
        for v in hot.reversed() { next = b.emitJump(BPF.jmp | BPF.jeq | BPF.k, v, jt: pass, jf: next) }
        return next
    }

    /// A binary search of the accumulator among sorted `values`: `JGE` splits, `JEQ` leaves.
    static func emitValueSearch(_ values: ArraySlice<UInt32>, pass: BPFTarget, fail: BPFTarget,
                                into b: inout BPFCodeBuilder) -> BPFTarget {
        let jeq = BPF.jmp | BPF.jeq | BPF.k
        if values.count <= 2 {
            var next = fail
            for v in values.reversed() { next = b.emitJump(jeq, v, jt: pass, jf: next) }
            return next
        }
        let mid = values.startIndex + values.count / 2
        let right = emitValueSearch(values[mid...], pass: pass, fail: fail, into: &b)
        let left = emitValueSearch(values[..<mid], pass: pass, fail: fail, into: &b)
        return b.emitJump(BPF.jmp | BPF.jge | BPF.k, values[mid], jt: right, jf: left)
    }

    /// The accumulator on every path that leaves the conjunction because a check failed.
    static func failState(of checks: [BPFCheck], entry: BPFAccumulator) -> BPFAccumulator {
        var fail: BPFAccumulator?
        for c in checks {
            let f = exits(of: c).fail
            fail = fail.map { $0.meet(f) } ?? f
        }
        return fail ?? entry
    }

    /// The accumulator where a check fails and where it passes.
    static func exits(of c: BPFCheck) -> (fail: BPFAccumulator, pass: BPFAccumulator) {
        let lo = BPFAccumulator.word(SeccompData.argLowOffset(c.index))
        let masked = c.op == .maskedEq && UInt32(truncatingIfNeeded: c.value) != UInt32.max
        if c.width == .bits32 { return masked ? (.unknown, .unknown) : (lo, lo) }
        // The pass path of a 64-bit test ends on the low word only for `==` (the others may
        // decide on the high word alone).
        switch c.op {
        case .eq: return (.unknown, lo)
        case .maskedEq: return (.unknown, masked ? .unknown : lo)
        default: return (.unknown, .unknown)
        }
    }

    static func emitConjunction(_ checks: [BPFCheck], entry: BPFAccumulator, pass: BPFTarget, fail: BPFTarget,
                                into b: inout BPFCodeBuilder) -> BPFTarget {
        var entries: [BPFAccumulator] = []
        var state = entry
        for c in checks {
            entries.append(state)
            state = exits(of: c).pass
        }
        var next = pass
        for (i, c) in checks.enumerated().reversed() {
            next = emitCheck(c, entry: entries[i], pass: next, fail: fail, into: &b)
        }
        return next
    }

    /// `A = word` unless the accumulator already holds it, then `body`.
    static func load(_ offset: UInt32, entry: BPFAccumulator, then body: BPFTarget,
                     into b: inout BPFCodeBuilder) -> BPFTarget {
        entry == .word(offset) ? body : b.emitStatement(.loadWord(offset), next: body)
    }

    /// A 32-bit comparison of the accumulator (already loaded) with `v`.
    static func compareWord(_ op: CompareOp, _ v: UInt32, mask: UInt32, pass: BPFTarget, fail: BPFTarget,
                            into b: inout BPFCodeBuilder) -> BPFTarget {
        let j = BPF.jmp | BPF.k
        switch op {
        case .eq: return b.emitJump(j | BPF.jeq, v, jt: pass, jf: fail)
        case .ne: return b.emitJump(j | BPF.jeq, v, jt: fail, jf: pass)
        case .gt: return b.emitJump(j | BPF.jgt, v, jt: pass, jf: fail)
        case .ge: return b.emitJump(j | BPF.jge, v, jt: pass, jf: fail)
        case .lt: return b.emitJump(j | BPF.jge, v, jt: fail, jf: pass)
        case .le: return b.emitJump(j | BPF.jgt, v, jt: fail, jf: pass)
        case .maskedEq:
            let test = b.emitJump(j | BPF.jeq, v, jt: pass, jf: fail)
            return mask == UInt32.max ? test : b.emitStatement(.stmt(BPF.alu | BPF.and | BPF.k, mask), next: test)
        }
    }

    static func emitCheck(_ c: BPFCheck, entry: BPFAccumulator, pass: BPFTarget, fail: BPFTarget,
                          into b: inout BPFCodeBuilder) -> BPFTarget {
        let loOffset = SeccompData.argLowOffset(c.index)
        let hiOffset = SeccompData.argHighOffset(c.index)
        let vLo = UInt32(truncatingIfNeeded: c.value)
        let vHi = UInt32(truncatingIfNeeded: c.value >> 32)
        let tLo = UInt32(truncatingIfNeeded: c.valueTwo)
        let tHi = UInt32(truncatingIfNeeded: c.valueTwo >> 32)
        let j = BPF.jmp | BPF.k

        if c.op == .maskedEq {
            // (lo & mLo) == tLo, and for 64-bit (hi & mHi) == tHi; a zero mask half is no test.
            var next = pass
            if vLo != 0 {
                let test = compareWord(.maskedEq, tLo, mask: vLo, pass: next, fail: fail, into: &b)
                next = b.emitStatement(.loadWord(loOffset), next: test)
            }
            if c.width == .bits64 && vHi != 0 {
                let test = compareWord(.maskedEq, tHi, mask: vHi, pass: next, fail: fail, into: &b)
                next = b.emitStatement(.loadWord(hiOffset), next: test)
            }
            return next
        }

        if c.width == .bits32 {
            let test = compareWord(c.op, vLo, mask: .max, pass: pass, fail: fail, into: &b)
            return load(loOffset, entry: entry, then: test, into: &b)
        }

        // 64-bit: decide on the high word; only when it equals the constant's, on the low word.
        let low: BPFTarget
        let hiTest: BPFTarget
        switch c.op {
        case .eq, .ne:
            let (t, f) = c.op == .eq ? (pass, fail) : (fail, pass)
            low = b.emitStatement(.loadWord(loOffset), next: b.emitJump(j | BPF.jeq, vLo, jt: t, jf: f))
            hiTest = b.emitJump(j | BPF.jeq, vHi, jt: low, jf: f)
        case .gt, .ge, .lt, .le:
            let greater: (BPFTarget, BPFTarget) = (c.op == .gt || c.op == .ge) ? (pass, fail) : (fail, pass)
            let (above, below) = greater
            let lowTest: BPFTarget
            switch c.op {
            case .gt: lowTest = b.emitJump(j | BPF.jgt, vLo, jt: pass, jf: fail)
            case .ge: lowTest = b.emitJump(j | BPF.jge, vLo, jt: pass, jf: fail)
            case .lt: lowTest = b.emitJump(j | BPF.jge, vLo, jt: fail, jf: pass)
            default: lowTest = b.emitJump(j | BPF.jgt, vLo, jt: fail, jf: pass)
            }
            low = b.emitStatement(.loadWord(loOffset), next: lowTest)
            let equal = b.emitJump(j | BPF.jeq, vHi, jt: low, jf: below)
            hiTest = b.emitJump(j | BPF.jgt, vHi, jt: above, jf: equal)
        case .maskedEq:
            return pass
        }
        return load(hiOffset, entry: entry, then: hiTest, into: &b)
    }
}
