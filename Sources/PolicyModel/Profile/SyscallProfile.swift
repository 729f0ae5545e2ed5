/// Everything a profile knows about one syscall on one architecture.
public struct SyscallProfile: Hashable, Sendable {
    public var arch: Arch
    public var name: String
    /// The number on `arch`, when the syscall table knows the name (or the name is `nr_N`).
    public var number: Int32?
    public internal(set) var count: UInt64 = 0
    /// The position of this syscall among the profile's syscalls in order of first appearance.
    public internal(set) var firstSeenIndex: Int
    /// Seconds since the trace started when the syscall was first seen, when known.
    public internal(set) var firstSeenTime: Double?
    /// One histogram per argument (six for syscalls the table does not describe).
    public internal(set) var arguments: [TopValues]
    public internal(set) var calls: CallSet
    /// Samples of the strings path arguments pointed to, by argument index.
    public internal(set) var paths: [Int: StringSamples] = [:]
    public internal(set) var returns = ReturnStats()

    public init(arch: Arch, name: String, number: Int32?, firstSeenIndex: Int, firstSeenTime: Double? = nil,
                argumentCount: Int, limits: ProfileLimits = .init()) {
        self.arch = arch
        self.name = name
        self.number = number
        self.firstSeenIndex = firstSeenIndex
        self.firstSeenTime = firstSeenTime
        self.arguments = (0..<max(0, min(6, argumentCount))).map { _ in TopValues(capacity: limits.valuesPerArgument) }
        self.calls = CallSet(capacity: limits.distinctCalls)
    }

    /// The name used for a number the syscall table does not know: `nr_N`.
    public static func unknownName(_ number: Int32) -> String { "nr_\(number)" }

    @inline(__always)
    mutating func record(_ e: SyscallEvent, limits: ProfileLimits) {
        count &+= 1
        for i in arguments.indices { arguments[i].add(e.arguments[i]) }
        calls.add(e.arguments)
        if !e.paths.isEmpty {
            for (i, s) in e.paths {
                paths[i, default: StringSamples(capacity: limits.pathSamples)].add(s)
            }
        }
        if let r = e.returnValue { returns.add(r) }
    }

    /// Adds another profile's counts for the same syscall into this one.
    mutating func merge(_ o: SyscallProfile) {
        count &+= o.count
        if let t = o.firstSeenTime { firstSeenTime = min(firstSeenTime ?? t, t) }
        if number == nil { number = o.number }
        while arguments.count < o.arguments.count { arguments.append(TopValues(capacity: o.arguments[arguments.count].capacity)) }
        for i in o.arguments.indices { arguments[i].merge(o.arguments[i]) }
        calls.merge(o.calls)
        for (i, s) in o.paths {
            if paths[i] == nil { paths[i] = s } else { paths[i]!.merge(s) }
        }
        returns.merge(o.returns)
    }
}

/// The bounds on a profile's memory.
public struct ProfileLimits: Hashable, Sendable, Codable {
    /// Distinct values tracked per argument histogram.
    public var valuesPerArgument: Int
    /// Distinct whole calls kept per syscall.
    public var distinctCalls: Int
    /// Distinct strings kept per path argument.
    public var pathSamples: Int
    /// Distinct pids remembered in the metadata.
    public var pids: Int

    public init(valuesPerArgument: Int = 32, distinctCalls: Int = 64, pathSamples: Int = 16, pids: Int = 1024) {
        self.valuesPerArgument = valuesPerArgument
        self.distinctCalls = distinctCalls
        self.pathSamples = pathSamples
        self.pids = pids
    }
}
