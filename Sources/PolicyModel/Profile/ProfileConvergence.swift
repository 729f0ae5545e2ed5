/// What each of several profiles (runs of one program) adds to the ones before it, so that a
/// user can see when more runs stop teaching anything: `run 3: +2 syscalls, +5 argument values`.
public enum ProfileConvergence {
    /// What one run added.
    public struct Contribution: Hashable, Sendable {
        /// Syscalls (`name` or `name [arch]` off the host architecture) no earlier run made.
        public var newSyscalls: [String]
        /// Argument values no earlier run passed to the same syscall on the same architecture,
        /// over the arguments rules are written on: flags, modes, commands, descriptors (32-bit or
        /// decoded arguments). Pointers, addresses and sizes change from run to run and are not
        /// counted.
        public var newValues: Int

        public var isNothingNew: Bool { newSyscalls.isEmpty && newValues == 0 }
    }

    /// One contribution per profile, in order; the first is measured against nothing.
    public static func contributions(of profiles: [Profile], table: SyscallTable = .shared) -> [Contribution] {
        var syscalls = Set<String>()
        var values: [String: Set<UInt64>] = [:]  // "arch name index"
        return profiles.map { p in
            var added = Contribution(newSyscalls: [], newValues: 0)
            for s in p.syscalls {
                let key = "\(s.arch.rawValue) \(s.name)"
                if syscalls.insert(key).inserted {
                    added.newSyscalls.append(s.arch == .host ? s.name : "\(s.name) [\(s.arch.rawValue)]")
                }
                guard let def = table.definition(named: s.name) else { continue }
                let decoded = Set(ArgumentDecoders.decodedArguments(of: s.name))
                for (i, histogram) in s.arguments.enumerated() where i < def.arguments.count && !def.arguments[i].isPointer
                    && (def.arguments[i].width == .bits32 || decoded.contains(i)) {
                    let mask = s.arch.is32Bit ? def.arguments[i].width.mask & 0xFFFF_FFFF : def.arguments[i].width.mask
                    for v in histogram.values where values["\(key) \(i)", default: []].insert(v & mask).inserted {
                        added.newValues += 1
                    }
                }
            }
            added.newSyscalls.sort()
            return added
        }
    }

    /// `run 2 (b.json): +2 syscalls (accept4, poll), +5 argument values` or `...: nothing new`;
    /// the first run: `run 1 (a.json): 34 syscalls, 80 argument values`.
    public static func lines(_ contributions: [Contribution], names: [String]) -> [String] {
        zip(contributions.indices, contributions).map { i, c in
            let label = "run \(i + 1)" + (i < names.count ? " (\(names[i]))" : "")
            let count = c.newSyscalls.count
            let listed = count > 0 && count <= 6 ? " (\(c.newSyscalls.joined(separator: ", ")))" : ""
            if i == 0 {
                return "\(label): \(count) syscall\(count == 1 ? "" : "s"), \(c.newValues) argument value\(c.newValues == 1 ? "" : "s")"
            }
            if c.isNothingNew { return "\(label): nothing new" }
            return "\(label): +\(count) syscall\(count == 1 ? "" : "s")\(listed), +\(c.newValues) argument value\(c.newValues == 1 ? "" : "s")"
        }
    }
}
