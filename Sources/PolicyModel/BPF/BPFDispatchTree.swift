/// A range of syscall numbers (`low...high`, as the unsigned word the filter loads) with one
/// outcome, and how often calls land in it.
struct BPFSegment: Hashable {
    var low: UInt32
    var high: UInt32
    var outcome: BPFOutcome
    var weight: Double
    /// For argument outcomes: how often each low word of each argument was seen.
    var valueCounts: [Int: [UInt32: Double]] = [:]
}

/// Dispatch on the syscall number: a few `JEQ` tests for the hottest numbers whose outcome is
/// not cached by the kernel, then a search tree of `JGE` tests over ranges of numbers with the
/// same outcome, shaped so that the expected number of tests, by weight, is least (an optimal
/// alphabetic tree, Knuth's dynamic programme).
struct BPFDispatchTree {
    var hot: [BPFSegment]
    var segments: [BPFSegment]
    /// `roots[i * n + j]`: the last segment of the left subtree of `i...j`.
    private var roots: [Int]

    /// Adjacent segments with the same constant outcome become one.
    static func merged(_ segments: [BPFSegment]) -> [BPFSegment] {
        var out: [BPFSegment] = []
        for s in segments {
            if var last = out.last, last.high &+ 1 == s.low, let a = last.outcome.constantAction,
               s.outcome.constantAction == a {
                last.high = s.high
                last.weight += s.weight
                out[out.count - 1] = last
            } else {
                out.append(s)
            }
        }
        return out
    }

    init(segments input: [BPFSegment], maxHot: Int = 6) {
        var segments = BPFDispatchTree.merged(input)
        var hot: [BPFSegment] = []
        var (roots, cost) = BPFDispatchTree.optimalTree(segments)
        // Peel the hottest single numbers into a chain of `JEQ` tests while that lowers the
        // expected number of tests.
        while hot.count < maxHot, segments.count > 2 {
            guard let best = segments.indices.filter({ segments[$0].low == segments[$0].high })
                .max(by: { segments[$0].weight != segments[$1].weight
                    ? segments[$0].weight < segments[$1].weight : $0 > $1 }) else { break }
            let peeled = segments[best]
            var rest = segments
            rest.remove(at: best)
            // The peeled number never reaches the tree: a neighbour may take it over.
            if best > 0 { rest[best - 1].high = peeled.high } else { rest[0].low = peeled.low }
            rest = BPFDispatchTree.merged(rest)
            let (restRoots, restCost) = BPFDispatchTree.optimalTree(rest)
            let total = rest.reduce(0) { $0 + $1.weight } + peeled.weight
            // Before: `cost`. After: the peeled number takes one test, everything else one more.
            let after = peeled.weight + (total - peeled.weight) + restCost
            guard after < cost - 1e-9 else { break }
            hot.append(peeled)
            segments = rest
            roots = restRoots
            cost = restCost
        }
        self.hot = hot
        self.segments = segments
        self.roots = roots
    }

    /// The tree over `segments` with the least total weight × depth, and that cost.
    static func optimalTree(_ segments: [BPFSegment]) -> ([Int], Double) {
        let n = segments.count
        var prefix = [Double](repeating: 0, count: n + 1)
        for (i, s) in segments.enumerated() { prefix[i + 1] = prefix[i] + s.weight + 1e-9 }
        var cost = [Double](repeating: 0, count: n * n)
        var root = [Int](repeating: 0, count: n * n)
        for i in 0..<n { root[i * n + i] = i }
        if n > 1 {
            for length in 2...n {
                for i in 0...(n - length) {
                    let j = i + length - 1
                    let lo = length == 2 ? i : root[i * n + j - 1]
                    let hi = length == 2 ? i : min(root[(i + 1) * n + j], j - 1)
                    var best = Double.infinity
                    var bestR = lo
                    for r in lo...max(lo, hi) {
                        let c = cost[i * n + r] + cost[(r + 1) * n + j]
                        if c < best {
                            best = c
                            bestR = r
                        }
                    }
                    cost[i * n + j] = best + prefix[j + 1] - prefix[i]
                    root[i * n + j] = bestR
                }
            }
        }
        return (root, n == 0 ? 0 : cost[n - 1])
    }

    /// Emits the dispatch (entered with `nr` in the accumulator) and returns its entry.
    func emit(into b: inout BPFCodeBuilder) -> BPFTarget {
        var next = emitTree(0, segments.count - 1, into: &b)
        for h in hot.reversed() {
            let leaf = BPFDispatchTree.emitLeaf(h, into: &b)
            next = b.emitJump(BPF.jmp | BPF.jeq | BPF.k, h.low, jt: leaf, jf: next)
        }
        return next
    }

    private func emitTree(_ i: Int, _ j: Int, into b: inout BPFCodeBuilder) -> BPFTarget {
        if i == j { return BPFDispatchTree.emitLeaf(segments[i], into: &b) }
        let r = roots[i * segments.count + j]
        let boundary = segments[r + 1].low
        // The larger side is written first, so the smaller one sits next to the jump.
        let leftSize = r - i
        let rightSize = j - r - 1
        let left: BPFTarget
        let right: BPFTarget
        if leftSize <= rightSize {
            right = emitTree(r + 1, j, into: &b)
            left = emitTree(i, r, into: &b)
        } else {
            left = emitTree(i, r, into: &b)
            right = emitTree(r + 1, j, into: &b)
        }
        return b.emitJump(BPF.jmp | BPF.jge | BPF.k, boundary, jt: right, jf: left)
    }

    static func emitLeaf(_ segment: BPFSegment, into b: inout BPFCodeBuilder) -> BPFTarget {
        switch segment.outcome {
        case .constant(let a): return .ret(a.returnValue)
        case .arguments(let groups, let otherwise):
            return BPFArgumentCode.emit(groups: groups, otherwise: otherwise, valueCounts: segment.valueCounts, into: &b)
        }
    }
}
