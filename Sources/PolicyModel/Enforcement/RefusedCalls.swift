/// The calls a policy refused, or would refuse (`enforce --complain`, `--report`): one entry per
/// syscall and architecture, in order of first appearance, with its count, the pids that made it
/// and its first call.
public struct RefusedCalls: Sendable {
    public struct Entry: Sendable {
        public var arch: Arch
        public var nr: Int32
        public var name: String
        public var count: UInt64
        /// Up to `maxPids` pids, in order of first appearance.
        public var pids: [Int32]
        /// How many more pids made it.
        public var morePids: Int
        public var first: SyscallEvent
    }

    public private(set) var entries: [Entry] = []
    private var index: [Int64: Int] = [:]
    public let maxPids: Int
    private let table: SyscallTable

    public init(maxPids: Int = 8, table: SyscallTable = .shared) {
        self.maxPids = maxPids
        self.table = table
    }

    /// Counts one call; returns true when it is the first of its syscall (to report it at once).
    @discardableResult
    public mutating func add(_ e: SyscallEvent) -> Bool {
        let key = Int64(Arch.allCases.firstIndex(of: e.arch) ?? 0) << 32 | Int64(UInt32(bitPattern: e.nr))
        if let i = index[key] {
            entries[i].count += 1
            if !entries[i].pids.contains(e.pid) {
                if entries[i].pids.count < maxPids { entries[i].pids.append(e.pid) } else { entries[i].morePids += 1 }
            }
            return false
        }
        index[key] = entries.count
        let name = table.name(of: e.nr, arch: e.arch) ?? SyscallProfile.unknownName(e.nr)
        entries.append(Entry(arch: e.arch, nr: e.nr, name: name, count: 1, pids: [e.pid], morePids: 0, first: e))
        return true
    }

    /// `name(arg=value, ...)` with the table's argument names, decoded constants and flags,
    /// and the strings read for path arguments.
    public static func describe(_ e: SyscallEvent, table: SyscallTable = .shared) -> String {
        let name = table.name(of: e.nr, arch: e.arch) ?? SyscallProfile.unknownName(e.nr)
        let args = e.args
        guard let d = table.definition(named: name) else {
            return "\(name)(" + args.map { "0x" + String($0, radix: 16) }.joined(separator: ", ") + ")"
        }
        let parts = d.arguments.indices.map { i -> String in
            let a = d.arguments[i]
            let narrow = e.arch.is32Bit || a.width == .bits32
            let v = args[i] & (narrow ? 0xFFFF_FFFF : .max)
            if let path = e.paths[i] { return "\(a.name)=\"\(path)\"" }
            if let text = ArgumentDecoders.describe(syscall: name, argument: i, value: v, arguments: args) {
                return "\(a.name)=\(text)"
            }
            if a.isPointer { return "\(a.name)=0x" + String(v, radix: 16) }
            if a.isSigned {
                return "\(a.name)=" + (narrow ? String(Int32(truncatingIfNeeded: v)) : String(Int64(bitPattern: v)))
            }
            return "\(a.name)=" + String(v)
        }
        return "\(name)(" + parts.joined(separator: ", ") + ")"
    }

    /// One line per entry: the syscall, its count and pids, what `policy` does with its first
    /// call, and (with `arguments`) that call decoded.
    public func lines(policy: Policy?, arguments: Bool = true) -> [String] {
        entries.map { e in
            var pids = e.pids.map(String.init).joined(separator: ", ")
            if e.morePids > 0 { pids += " and \(e.morePids) more" }
            var line = "\(e.name) ×\(e.count) (\(e.arch.rawValue), nr \(e.nr); pid\(e.pids.count + e.morePids == 1 ? "" : "s") \(pids))"
            if let policy {
                let data = SeccompData(nr: e.nr, arch: e.arch, args: e.first.args)
                line += " — policy: \(policy.decide(data, table: table))"
            }
            return arguments ? line + "\n    first: " + RefusedCalls.describe(e.first, table: table) : line
        }
    }
}
