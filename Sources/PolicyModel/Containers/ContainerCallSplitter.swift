/// Tells a container's calls apart while `seccomp-tui hook` traces it from the runtime's
/// prestart hook: the runtime's init process (`initPid`, the pid in the OCI state) first sets the
/// container up, then installs the container's seccomp filter (the *filter point*: `seccomp`
/// with `SECCOMP_SET_MODE_FILTER`, or `prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER)`), makes a few
/// more calls of its own, and execs the container's program.
///
/// - calls of the init process before the filter point are not filtered: they are left out;
/// - its calls from the filter point to its `execve` run under the filter but are the runtime's;
/// - the `execve` and everything after it, in every process, are the program's, except calls of
///   the init's other threads until the exec has completed (they are the runtime's).
///
/// When the runtime installs no filter (a container run unconfined), there is no filter point:
/// every call of the init process before its `execve` is then counted as the runtime's, since a
/// filter could be installed anywhere in that stretch.
public struct ContainerCallSplitter: Sendable {
    public enum Phase: Sendable, Equatable {
        /// The runtime sets up the container, not yet filtered.
        case setUp
        /// The filter is installed; the runtime's init still runs.
        case runtime
        /// Thread `tid` of the init process called `execve`: until it makes its next call (the
        /// exec has completed and ended the init's other threads), calls of those other threads
        /// (the Go runtime's, in runc) are still the runtime's.
        case exec(tid: Int32)
        /// The container's program runs.
        case program
    }

    public let initPid: Int32
    public private(set) var phase: Phase = .setUp
    /// Whether a filter point was seen.
    public private(set) var sawFilterPoint = false
    /// The calls counted as the runtime's, by architecture and number.
    public private(set) var runtimeCalls: Set<ArchNumber> = []
    /// The calls of the set-up phase (the runtime's when no filter point comes).
    private var setUpCalls: Set<ArchNumber> = []
    private let table: SyscallTable

    public struct ArchNumber: Hashable, Sendable {
        public var arch: Arch
        public var nr: Int32
    }

    public init(initPid: Int32, table: SyscallTable = .shared) {
        self.initPid = initPid
        self.table = table
    }

    /// Sorts a batch: returns the program's events; the runtime's are remembered.
    public mutating func program(_ events: [SyscallEvent]) -> [SyscallEvent] {
        if phase == .program { return events }
        var out: [SyscallEvent] = []
        for e in events {
            if e.pid != initPid || phase == .program {
                out.append(e)
                continue
            }
            if case .exec(let tid) = phase {
                if e.tid == tid {
                    phase = .program
                    out.append(e)
                } else {
                    runtimeCalls.insert(ArchNumber(arch: e.arch, nr: e.nr))
                }
                continue
            }
            let name = table.name(of: e.nr, arch: e.arch)
            if name == "execve" || name == "execveat" {
                if !sawFilterPoint { runtimeCalls.formUnion(setUpCalls) }
                phase = .exec(tid: e.tid)
                out.append(e)
            } else if phase == .setUp {
                if Self.installsFilter(name: name, args: e.arguments) {
                    sawFilterPoint = true
                    phase = .runtime
                } else {
                    setUpCalls.insert(ArchNumber(arch: e.arch, nr: e.nr))
                }
            } else {
                runtimeCalls.insert(ArchNumber(arch: e.arch, nr: e.nr))
            }
        }
        return out
    }

    /// `seccomp(SECCOMP_SET_MODE_FILTER, ...)` or `prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ...)`.
    static func installsFilter(name: String?, args: CallArguments) -> Bool {
        let a = args.array
        switch name {
        case "seccomp": return UInt32(truncatingIfNeeded: a[0]) == 1  // SECCOMP_SET_MODE_FILTER
        case "prctl": return UInt32(truncatingIfNeeded: a[0]) == 22 && a[1] == 2  // PR_SET_SECCOMP, SECCOMP_MODE_FILTER
        default: return false
        }
    }

    /// The runtime's calls by architecture, as names (a number the table does not name is
    /// written `syscall_N`, as profiles write it).
    public var runtimeSyscalls: [Arch: Set<String>] {
        var out: [Arch: Set<String>] = [:]
        for c in runtimeCalls {
            out[c.arch, default: []].insert(table.name(of: c.nr, arch: c.arch) ?? SyscallProfile.unknownName(c.nr))
        }
        return out
    }
}
