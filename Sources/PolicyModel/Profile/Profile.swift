/// A recorded trace, summarised with bounded memory: per (architecture, syscall) the count,
/// argument histograms, distinct whole calls, path samples and return statistics, plus how the
/// trace was taken. Profiles merge by adding.
public struct Profile: Sendable {
    /// The version of the JSON format written by `encodeJSON()`.
    public static let formatVersion = 1

    public var metadata: ProfileMetadata
    public let limits: ProfileLimits
    /// The syscalls seen, in order of first appearance.
    public private(set) var syscalls: [SyscallProfile] = []

    private let table: SyscallTable
    private var indexByNumber: [UInt64: Int] = [:]
    private var indexByName: [NameKey: Int] = [:]
    private var lastKey: UInt64 = .max
    private var lastIndex = 0
    private var lastPid: Int32 = -1

    private struct NameKey: Hashable { var arch: Arch; var name: String }

    public init(metadata: ProfileMetadata = .init(), limits: ProfileLimits = .init(), table: SyscallTable = .shared) {
        self.metadata = metadata
        self.limits = limits
        self.table = table
    }

    /// The profile of `name` on `arch`, if it was seen.
    public func syscall(named name: String, arch: Arch) -> SyscallProfile? {
        indexByName[NameKey(arch: arch, name: name)].map { syscalls[$0] }
    }

    /// The names seen on `arch` (all architectures when nil), sorted.
    public func names(arch: Arch? = nil) -> [String] {
        Array(Set(syscalls.filter { arch == nil || $0.arch == arch }.map(\.name))).sorted()
    }

    /// The architectures seen, in `Arch` order.
    public var architectures: [Arch] { Array(Set(syscalls.map(\.arch))).sorted() }

    /// Records a batch of events. `time` is seconds since the trace started, used for the
    /// first-seen time of syscalls new in this batch.
    public mutating func add(_ events: [SyscallEvent], time: Double? = nil) {
        for e in events { add(e, time: time) }
    }

    /// Records one event.
    @inline(__always)
    public mutating func add(_ e: SyscallEvent, time: Double? = nil) {
        metadata.totalCalls &+= 1
        if e.pid != lastPid {
            lastPid = e.pid
            if !metadata.pids.contains(e.pid) {
                if metadata.pids.count < limits.pids { metadata.pids.insert(e.pid) } else { metadata.pidsOverflow &+= 1 }
            }
        }
        let key = Profile.numberKey(e.arch, e.nr)
        let i: Int
        if key == lastKey {
            i = lastIndex
        } else if let found = indexByNumber[key] {
            i = found
        } else {
            i = insertNew(arch: e.arch, nr: e.nr, time: time)
            indexByNumber[key] = i
        }
        lastKey = key
        lastIndex = i
        syscalls[i].record(e, limits: limits)
    }

    private mutating func insertNew(arch: Arch, nr: Int32, time: Double?) -> Int {
        let def = table.definition(number: nr, arch: arch)
        let name = def?.name ?? SyscallProfile.unknownName(nr)
        if let existing = indexByName[NameKey(arch: arch, name: name)] { return existing }
        let s = SyscallProfile(arch: arch, name: name, number: nr, firstSeenIndex: syscalls.count,
                               firstSeenTime: time, argumentCount: def?.arguments.count ?? 6, limits: limits)
        return append(s)
    }

    private mutating func append(_ s: SyscallProfile) -> Int {
        var s = s
        s.firstSeenIndex = syscalls.count
        syscalls.append(s)
        indexByName[NameKey(arch: s.arch, name: s.name)] = syscalls.count - 1
        if let nr = s.number { indexByNumber[Profile.numberKey(s.arch, nr)] = syscalls.count - 1 }
        return syscalls.count - 1
    }

    /// Adds `other` into this profile: counts, histograms and samples add up; syscalls new to
    /// this profile are appended in the other's first-seen order; metadata is combined.
    public mutating func merge(_ other: Profile) {
        for s in other.syscalls.sorted(by: { $0.firstSeenIndex < $1.firstSeenIndex }) {
            if let i = indexByName[NameKey(arch: s.arch, name: s.name)] {
                syscalls[i].merge(s)
            } else {
                _ = append(s)
            }
        }
        lastKey = .max
        metadata.merge(other.metadata, pidLimit: limits.pids)
    }

    /// Builds a profile from decoded syscalls, checking that no (arch, name) repeats.
    init(metadata: ProfileMetadata, limits: ProfileLimits, syscalls: [SyscallProfile], table: SyscallTable)
        throws(ProfileError)
    {
        self.init(metadata: metadata, limits: limits, table: table)
        for (n, s) in syscalls.sorted(by: { $0.firstSeenIndex < $1.firstSeenIndex }).enumerated() {
            guard indexByName[NameKey(arch: s.arch, name: s.name)] == nil else {
                throw .invalid(field: "syscalls[\(n)].name", expected: "each (arch, name) once, but \(s.arch) \(s.name) repeats")
            }
            _ = append(s)
        }
    }

    @inline(__always)
    static func numberKey(_ arch: Arch, _ nr: Int32) -> UInt64 {
        let a: UInt64
        switch arch {
        case .x86_64: a = 0
        case .x32: a = 1
        case .i386: a = 2
        case .aarch64: a = 3
        }
        return a << 32 | UInt64(UInt32(bitPattern: nr))
    }
}

extension Profile: Equatable {
    /// Profiles are equal when their metadata, limits and syscalls (in first-seen order) are.
    public static func == (a: Profile, b: Profile) -> Bool {
        a.metadata == b.metadata && a.limits == b.limits && a.syscalls == b.syscalls
    }
}

extension ProfileMetadata {
    /// Combines the metadata of two traces: the command and backend of the first (backends
    /// joined when they differ), the earliest start, the latest end, lost events and pids added.
    mutating func merge(_ o: ProfileMetadata, pidLimit: Int) {
        if command.isEmpty { command = o.command }
        if attachedPid == nil { attachedPid = o.attachedPid }
        let backends = backend.split(separator: "+").map(String.init)
        for b in o.backend.split(separator: "+").map(String.init) where !backends.contains(b) {
            backend = backend.isEmpty ? b : "\(backend)+\(b)"
        }
        if let s = o.startTime { startTime = min(startTime ?? s, s) }
        if let e = o.endTime { endTime = max(endTime ?? e, e) }
        lostEvents &+= o.lostEvents
        unknownArchitectureCalls &+= o.unknownArchitectureCalls
        for p in o.pids.sorted() where !pids.contains(p) {
            if pids.count < pidLimit { pids.insert(p) } else { pidsOverflow &+= 1 }
        }
        pidsOverflow &+= o.pidsOverflow
        if exitCode == nil && exitSignal == nil { exitCode = o.exitCode; exitSignal = o.exitSignal }
        totalCalls &+= o.totalCalls
        traces += o.traces
        runtimeSyscalls.merge(o.runtimeSyscalls) { $0.union($1) }
    }
}
