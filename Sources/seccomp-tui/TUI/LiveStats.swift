import PolicyModel

/// A bounded histogram of one argument's values: the first `limit` distinct values are counted
/// exactly, later new values are added to `other`.
struct ValueHistogram: Hashable, Sendable {
    static let limit = 32
    private(set) var counts: [UInt64: UInt64] = [:]
    private(set) var other: UInt64 = 0

    init(counts: [UInt64: UInt64] = [:], other: UInt64 = 0) {
        self.counts = counts
        self.other = other
    }

    mutating func add(_ value: UInt64, count: UInt64 = 1) {
        if let c = counts[value] {
            counts[value] = c + count
        } else if counts.count < Self.limit {
            counts[value] = count
        } else {
            other += count
        }
    }

    /// Values by count, most frequent first (ties by value).
    var sorted: [(value: UInt64, count: UInt64)] {
        counts.map { ($0.key, $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }
}

/// What the TUI knows of one (architecture, syscall): counts, histograms, samples.
struct SyscallStat: Hashable, Sendable {
    static let pathSampleLimit = 8
    static let distinctCallLimit = 64

    var arch: Arch
    var nr: Int32
    /// The table's name, or `#nr` for a number the table does not know.
    var name: String
    var count: UInt64 = 0
    /// Order of first appearance (0 for the first syscall seen).
    var firstSeen: Int
    /// One histogram per argument the table declares (six when the syscall is unknown).
    var arguments: [ValueHistogram]
    /// Sample strings of path arguments, by argument index (bounded).
    var pathSamples: [Int: [String]] = [:]
    /// Failed calls by errno, when the tracer saw return values.
    var errors: [Int32: UInt64] = [:]
    /// A bounded set of distinct whole argument vectors (for checking a loaded policy).
    var distinctCalls: Set<[UInt64]> = []

    var isKnown: Bool { SyscallTable.shared.definition(named: name) != nil }
}

/// The live statistics of a trace, folded from event batches. A value type: the feed folds into
/// its own copy off the UI thread and hands snapshots to the UI.
struct LiveStats: Hashable, Sendable {
    struct Key: Hashable, Sendable { var arch: Arch; var nr: Int32 }

    private(set) var rows: [SyscallStat] = []
    private var index: [Key: Int] = [:]
    private(set) var total: UInt64 = 0
    var lostEvents: UInt64 = 0

    init() {}

    init(rows: [SyscallStat], lostEvents: UInt64 = 0) {
        for r in rows { insert(r) }
        self.lostEvents = lostEvents
    }

    private mutating func insert(_ r: SyscallStat) {
        var row = r
        if let i = index[Key(arch: r.arch, nr: r.nr)] {
            row.count += rows[i].count
            rows[i] = row
        } else {
            row.firstSeen = rows.count
            index[Key(arch: r.arch, nr: r.nr)] = rows.count
            rows.append(row)
        }
        total += r.count
    }

    /// Adds a batch of events.
    mutating func fold(_ events: [SyscallEvent]) {
        for e in events { fold(e) }
    }

    mutating func fold(_ e: SyscallEvent) {
        let key = Key(arch: e.arch, nr: e.nr)
        let i: Int
        if let found = index[key] {
            i = found
        } else {
            let def = SyscallTable.shared.definition(number: e.nr, arch: e.arch)
            let argc = def?.arguments.count ?? 6
            i = rows.count
            rows.append(SyscallStat(arch: e.arch, nr: e.nr, name: def?.name ?? "#\(e.nr)", firstSeen: i,
                                    arguments: Array(repeating: ValueHistogram(), count: argc)))
            index[key] = i
        }
        total += 1
        rows[i].count += 1
        let argc = rows[i].arguments.count
        for a in 0..<argc { rows[i].arguments[a].add(e.args[a]) }
        if rows[i].distinctCalls.count < SyscallStat.distinctCallLimit {
            rows[i].distinctCalls.insert(Array(e.args.prefix(argc)))
        }
        for (a, path) in e.paths {
            var samples = rows[i].pathSamples[a, default: []]
            if samples.count < SyscallStat.pathSampleLimit, !samples.contains(path) {
                samples.append(path)
                rows[i].pathSamples[a] = samples
            }
        }
        if let r = e.returnValue, r < 0, r >= -4095 {
            rows[i].errors[Int32(-r), default: 0] += 1
        }
    }

    func row(named name: String, arch: Arch) -> SyscallStat? {
        rows.first { $0.name == name && $0.arch == arch }
    }

    /// The architectures seen, host first.
    var architectures: [Arch] {
        let seen = Set(rows.map(\.arch))
        return [Arch.host] + seen.subtracting([Arch.host]).sorted()
    }
}
