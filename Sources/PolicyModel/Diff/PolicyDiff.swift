/// The exact difference of two filters (or policies compiled to filters): every set of calls the
/// two decide differently, attributed to an architecture and a syscall, each with a witness call.
///
/// Both sides are given as `FilterPaths`; every pair of paths, one from each side, whose actions
/// differ and whose regions meet is a difference. So nothing is sampled: two filters are reported
/// equal only when no such pair exists.
public struct PolicyDiff: Sendable {
    /// Where a difference lies.
    public enum Place: Hashable, Sendable, Comparable {
        /// A syscall of the table on one architecture.
        case syscall(Arch, name: String, nr: Int32)
        /// Numbers of `Arch` (under its audit value) that name no syscall in the table.
        case unnamed(Arch)
        /// Calls whose `arch` is none of the architectures this tool knows.
        case otherArchitectures

        var order: (Int, Int, Int64) {
            switch self {
            case .syscall(let a, _, let nr): return (Arch.allCases.firstIndex(of: a)!, 0, Int64(UInt32(bitPattern: nr)))
            case .unnamed(let a): return (Arch.allCases.firstIndex(of: a)!, 1, 0)
            case .otherArchitectures: return (Arch.allCases.count, 0, 0)
            }
        }

        public static func < (l: Place, r: Place) -> Bool { l.order < r.order }
    }

    /// One set of calls the two sides decide differently.
    public struct Difference: Hashable, Sendable {
        public var place: Place
        /// The calls concerned (for a syscall, `nr` and `arch` are pinned).
        public var region: CallRegion
        public var a: Action
        public var b: Action
        /// A call in `region`, with small values (zeros where a word is free).
        public var witness: SeccompData
    }

    /// What counts as a difference.
    public struct Options: Hashable, Sendable {
        /// Only calls B lets run (allow, log) that A refuses: "B is no looser than A".
        public var subset = false
        /// Every errno refusal counts as the same action.
        public var ignoreErrno = false
        public init(subset: Bool = false, ignoreErrno: Bool = false) {
            self.subset = subset
            self.ignoreErrno = ignoreErrno
        }

        func differ(_ a: Action, _ b: Action) -> Bool {
            if subset { return b.letsCallRun && !a.letsCallRun }
            if ignoreErrno, case .errno = a, case .errno = b { return false }
            return a != b
        }
    }

    /// Every difference, by place and then as found.
    public let differences: [Difference]

    public var isEqual: Bool { differences.isEmpty }

    /// Compares two sides given by their paths.
    public init(_ a: [FilterPath], _ b: [FilterPath], options: Options = Options(),
                table: SyscallTable = .shared) throws(FilterAnalysisError) {
        var found: [Difference] = []
        let attribution = Attribution(table: table)
        let sortedB = b.sorted { $0.region.words[CallRegion.nrWord].low < $1.region.words[CallRegion.nrWord].low }
        let lows = sortedB.map { $0.region.words[CallRegion.nrWord].low }
        for pa in a {
            let nrA = pa.region.words[CallRegion.nrWord]
            let archA = pa.region.words[CallRegion.archWord]
            // Paths of B whose `nr` interval starts at or below the end of A's.
            var end = lows.count
            var lo = 0
            while lo < end {
                let mid = (lo + end) / 2
                if lows[mid] <= nrA.high { lo = mid + 1 } else { end = mid }
            }
            for pb in sortedB[..<lo] where options.differ(pa.action, pb.action) {
                let nrB = pb.region.words[CallRegion.nrWord]
                guard nrB.high >= nrA.low, PolicyDiff.mayMeet(archA, pb.region.words[CallRegion.archWord]),
                      PolicyDiff.mayMeet(nrA, nrB) else { continue }
                let region = pa.region.intersection(pb.region)
                guard try PolicyDiff.satisfiable(region) else { continue }
                found += try attribution.split(region).map {
                    Difference(place: $0.place, region: $0.region, a: pa.action, b: pb.action, witness: $0.witness)
                }
            }
        }
        differences = found.enumerated().sorted { l, r in
            l.element.place != r.element.place ? l.element.place < r.element.place : l.offset < r.offset
        }.map(\.element)
    }

    /// A cheap test that two words' intervals and known bits are compatible.
    static func mayMeet(_ a: WordConstraint, _ b: WordConstraint) -> Bool {
        a.low <= b.high && b.low <= a.high && a.ones & b.zeros == 0 && a.zeros & b.ones == 0
    }

    static func satisfiable(_ region: CallRegion) throws(FilterAnalysisError) -> Bool {
        do { return try region.isSatisfiable() } catch {
            throw FilterAnalysisError("the tests on one word of seccomp_data are too many to decide exactly")
        }
    }

    static func witness(_ region: CallRegion) throws(FilterAnalysisError) -> SeccompData? {
        do { return try region.witness() } catch {
            throw FilterAnalysisError("the tests on one word of seccomp_data are too many to decide exactly")
        }
    }
}

/// Splits a region by architecture and syscall number, as `Policy.decide` tells them apart.
struct Attribution {
    let table: SyscallTable
    /// Per architecture, the table's numbers (as unsigned words) and names, by number.
    let numbers: [Arch: [(nr: UInt32, name: String)]]

    init(table: SyscallTable) {
        self.table = table
        var n: [Arch: [(nr: UInt32, name: String)]] = [:]
        for arch in Arch.allCases {
            n[arch] = table.definitions(for: arch).map { (UInt32(bitPattern: $0.numbers[arch]!), $0.name) }
                .sorted { $0.nr < $1.nr }
        }
        numbers = n
    }

    /// The audit values of the architectures this tool knows, without repeats.
    static let audits: [UInt32] = Arch.allCases.reduce(into: []) { if !$0.contains($1.auditArch) { $0.append($1.auditArch) } }

    /// A call of `region` whose number lies in `low...high`.
    static func witness(_ region: CallRegion, from low: UInt32, to high: UInt32) throws(FilterAnalysisError) -> SeccompData? {
        var r = region
        r.add(word: CallRegion.nrWord, .greaterOrEqual, mask: .max, low, holds: true)
        r.add(word: CallRegion.nrWord, .greater, mask: .max, high, holds: false)
        return try PolicyDiff.witness(r)
    }

    func split(_ region: CallRegion) throws(FilterAnalysisError) -> [(place: PolicyDiff.Place, region: CallRegion, witness: SeccompData)] {
        var out: [(place: PolicyDiff.Place, region: CallRegion, witness: SeccompData)] = []
        for audit in Attribution.audits {
            var r = region
            r.pin(word: CallRegion.archWord, to: audit)
            guard try PolicyDiff.satisfiable(r) else { continue }
            var parts: [(Arch, CallRegion)] = []
            if audit == Arch.x86_64.auditArch {
                // Numbers with the x32 bit are x32's, the others x86_64's (`Policy.architecture(of:)`).
                for (arch, x32) in [(Arch.x86_64, false), (Arch.x32, true)] {
                    var p = r
                    p.add(word: CallRegion.nrWord, .anyBitSet, mask: .max, Arch.x32SyscallBit, holds: x32)
                    parts.append((arch, p))
                }
            } else {
                parts.append((Arch.candidates(auditArch: audit)[0], r))
            }
            for (arch, p) in parts {
                guard try PolicyDiff.satisfiable(p) else { continue }
                let nr = p.words[CallRegion.nrWord]
                let entries = numbers[arch] ?? []
                var gapStart: UInt32? = nr.low
                var unnamedWitness: SeccompData?
                // Named numbers in the region, and the first gap between them that holds a call.
                for entry in entries where entry.nr >= nr.low {
                    if unnamedWitness == nil, let start = gapStart, start < entry.nr {
                        unnamedWitness = try Attribution.witness(p, from: start, to: min(entry.nr - 1, nr.high))
                    }
                    if entry.nr > nr.high { gapStart = nil; break }
                    gapStart = entry.nr == .max ? nil : entry.nr + 1
                    guard nr.contains(entry.nr) else { continue }
                    var s = p
                    s.pin(word: CallRegion.nrWord, to: entry.nr)
                    if let w = try PolicyDiff.witness(s) {
                        out.append((.syscall(arch, name: entry.name, nr: Int32(bitPattern: entry.nr)), s, w))
                    }
                }
                if unnamedWitness == nil, let start = gapStart, start <= nr.high {
                    unnamedWitness = try Attribution.witness(p, from: start, to: nr.high)
                }
                if let w = unnamedWitness { out.append((.unnamed(arch), p, w)) }
            }
        }
        var other = region
        for audit in Attribution.audits { other.add(word: CallRegion.archWord, .equal, mask: .max, audit, holds: false) }
        if let w = try PolicyDiff.witness(other) { out.append((.otherArchitectures, other, w)) }
        return out
    }
}
