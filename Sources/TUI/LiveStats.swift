import PolicyModel

/// One argument's histogram as the TUI shows it: values most frequent first, and the rest.
struct ValueHistogram: Hashable, Sendable {
    var sorted: [(value: UInt64, count: UInt64)]
    var other: UInt64

    init(_ top: TopValues) {
        sorted = top.entries
        other = top.other
    }

    static func == (a: ValueHistogram, b: ValueHistogram) -> Bool {
        a.other == b.other && a.sorted.elementsEqual(b.sorted) { $0.value == $1.value && $0.count == $1.count }
    }

    func hash(into h: inout Hasher) {
        h.combine(other)
        for e in sorted { h.combine(e.value); h.combine(e.count) }
    }
}

/// What the TUI shows of one (architecture, syscall): a projection of the profile's
/// `SyscallProfile`, made once per snapshot so that drawing does no sorting.
struct SyscallStat: Hashable, Sendable {
    var arch: Arch
    var nr: Int32
    /// The table's name, or `nr_N` for a number the table does not know.
    var name: String
    var count: UInt64
    /// Order of first appearance (0 for the first syscall seen).
    var firstSeen: Int
    /// One histogram per argument the table declares (six when the syscall is unknown).
    var arguments: [ValueHistogram]
    /// Sample strings of path arguments, by argument index.
    var pathSamples: [Int: [String]]
    /// Failed calls by errno, when the tracer saw return values.
    var errors: [Int32: UInt64]
    /// The distinct whole argument vectors the profile kept (for checking a loaded policy).
    var distinctCalls: [[UInt64]]
    /// A syscall of the table that was not called while traced, listed so that it can be given
    /// an explicit rule (found by search, decided, or a member of the group shown).
    var isUnseen = false

    /// The row of a syscall never seen.
    init(unseen name: String, nr: Int32, arch: Arch) {
        self.arch = arch
        self.nr = nr
        self.name = name
        count = 0
        firstSeen = Int.max
        arguments = []
        pathSamples = [:]
        errors = [:]
        distinctCalls = []
        isUnseen = true
    }

    init(_ p: SyscallProfile) {
        arch = p.arch
        nr = p.number ?? -1
        name = p.name
        count = p.count
        firstSeen = p.firstSeenIndex
        arguments = p.arguments.map(ValueHistogram.init)
        pathSamples = p.paths.mapValues { $0.entries.map(\.string) }
        errors = p.returns.errnos
        distinctCalls = p.calls.entries.map(\.call.array)
    }

    /// An implicit syscall not seen (`PolicyMaker.implicitSyscalls`): a row with no calls.
    init(implicit name: String, arch: Arch, nr: Int32, argumentCount: Int) {
        self.arch = arch
        self.nr = nr
        self.name = name
        count = 0
        firstSeen = Int.max
        arguments = (0..<argumentCount).map { _ in ValueHistogram(TopValues()) }
        pathSamples = [:]
        errors = [:]
        distinctCalls = []
    }

    /// Why the policy allows this syscall although the trace may not show it, when it is one
    /// of the implicit ones.
    var implicitReason: String? { PolicyMaker.implicitSyscall(named: name)?.reason }
}

/// The statistics the TUI shows: the trace's `Profile` (which does the counting) and its rows.
public struct LiveStats: Equatable, Sendable {
    struct Key: Hashable, Sendable { var arch: Arch; var nr: Int32 }

    private(set) var profile: Profile
    private(set) var rows: [SyscallStat]

    public init(profile: Profile = Profile()) {
        self.profile = profile
        rows = profile.syscalls.map(SyscallStat.init)
    }

    var total: UInt64 { profile.metadata.totalCalls }
    var lostEvents: UInt64 { profile.metadata.lostEvents }
    /// Calls the backend left out because it could not tell their architecture.
    var unknownArchitectureCalls: UInt64 { profile.metadata.unknownArchitectureCalls }

    /// Adds a batch of events.
    mutating func fold(_ events: [SyscallEvent]) {
        profile.add(events)
        rows = profile.syscalls.map(SyscallStat.init)
    }

    /// The architectures seen, host first.
    var architectures: [Arch] {
        let seen = Set(rows.map(\.arch))
        return [Arch.host] + seen.subtracting([Arch.host]).sorted()
    }

    public static func == (a: LiveStats, b: LiveStats) -> Bool { a.rows == b.rows && a.total == b.total && a.lostEvents == b.lostEvents
        && a.unknownArchitectureCalls == b.unknownArchitectureCalls }
}
