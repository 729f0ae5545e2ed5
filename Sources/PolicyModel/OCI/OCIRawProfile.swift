/// A value read from a profile, with the field path and position it came from.
public struct OCILocated<Value: Hashable & Sendable>: Hashable, Sendable {
    public var value: Value
    public var position: SourcePosition
    /// Where the value is, kept as numbers for a syscall name (a file may name hundreds of
    /// thousands): the text is made when asked for.
    var path: OCIFieldPath

    /// The field path, e.g. `syscalls[3].names[0]`.
    public var field: String {
        get { path.description }
        set { path = .text(newValue) }
    }

    public init(_ value: Value, field: String, position: SourcePosition) {
        self.init(value, path: .text(field), position: position)
    }

    init(_ value: Value, path: OCIFieldPath, position: SourcePosition) {
        self.value = value
        self.path = path
        self.position = position
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.value == b.value && a.position == b.position && a.field == b.field
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(value)
        hasher.combine(position)
        hasher.combine(field)
    }
}

/// A field path of a profile: any text, or a syscall name's place as numbers.
enum OCIFieldPath: Hashable, Sendable, CustomStringConvertible {
    case text(String)
    /// `syscalls[entry].names[name]`, or `syscalls[entry].name` when `name` is nil.
    case syscallName(entry: Int, name: Int?)
    /// `syscalls[entry].args[arg]`.
    case syscallArg(entry: Int, arg: Int)

    var description: String {
        switch self {
        case .text(let s): return s
        case .syscallName(let entry, let name?): return "syscalls[\(entry)].names[\(name)]"
        case .syscallName(let entry, nil): return "syscalls[\(entry)].name"
        case .syscallArg(let entry, let arg): return "syscalls[\(entry)].args[\(arg)]"
        }
    }
}

/// One argument test of a profile entry (`args[]`).
public struct OCIRawArg: Hashable, Sendable {
    public var index: Int
    public var value: UInt64
    public var valueTwo: UInt64
    public var op: CompareOp
    public var position: SourcePosition
    /// Where the test is, as numbers (an entry may hold hundreds of thousands of tests): the
    /// text is made when asked for.
    var path: OCIFieldPath

    /// The field path, e.g. `syscalls[3].args[0]`.
    public var field: String {
        get { path.description }
        set { path = .text(newValue) }
    }

    /// Test `arg` of entry `entry`.
    init(index: Int, value: UInt64, valueTwo: UInt64, op: CompareOp, entry: Int, arg: Int, position: SourcePosition) {
        self.index = index
        self.value = value
        self.valueTwo = valueTwo
        self.op = op
        self.position = position
        self.path = .syscallArg(entry: entry, arg: arg)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.index == b.index && a.value == b.value && a.valueTwo == b.valueTwo && a.op == b.op
            && a.position == b.position && a.field == b.field
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(index)
        hasher.combine(value)
        hasher.combine(valueTwo)
        hasher.combine(op)
        hasher.combine(position)
        hasher.combine(field)
    }
}

/// Docker's conditions on an entry (`includes` / `excludes`).
public struct OCIRawFilter: Hashable, Sendable {
    /// Capability names (`CAP_SYS_ADMIN`).
    public var caps: [String] = []
    /// libseccomp architecture names (`amd64`, `x86`, `x32`, `arm64`, ...).
    public var arches: [String] = []
    public var minKernel: OCILocated<KernelVersion>?

    public var isEmpty: Bool { caps.isEmpty && arches.isEmpty && minKernel == nil }
}

/// One `syscalls[]` entry as written.
public struct OCIRawSyscall: Hashable, Sendable {
    /// From `names`, or from the old single `name`.
    public var names: [OCILocated<String>]
    public var action: OCILocated<OCIAction>
    /// `errnoRet`: the errno for `SCMP_ACT_ERRNO`, the data for `SCMP_ACT_TRACE`.
    public var errnoRet: UInt16?
    public var args: [OCIRawArg]
    public var comment: String?
    public var includes: OCIRawFilter
    public var excludes: OCIRawFilter
    /// `syscalls[i]`.
    public var field: String
    public var position: SourcePosition
}

/// Docker's `archMap` entry: an architecture and the sub-architectures that come with it.
public struct OCIArchMapEntry: Hashable, Sendable {
    public var architecture: String
    public var subArchitectures: [String]
}

/// Every field docker, podman, runc and crun read from a seccomp profile, validated but not
/// yet resolved for a target.
public struct OCIRawProfile: Hashable, Sendable {
    public var source: String
    public var defaultAction: OCILocated<OCIAction>
    public var defaultErrnoRet: UInt16?
    /// `SCMP_ARCH_*` names from `architectures`.
    public var architectures: [OCILocated<String>]
    public var archMap: [OCIArchMapEntry]
    public var syscalls: [OCIRawSyscall]
    public var flags: [FilterFlag]
    /// runc's seccomp agent socket and its metadata; kept here, not part of a `Policy`.
    public var listenerPath: String?
    public var listenerMetadata: String?
    /// Fields that were read but ignored (unknown keys, meaningless `errnoRet`, ...).
    public var warnings: [OCIWarning]

    /// The `SCMP_ARCH_*` names runc knows (libseccomp's architectures).
    public static let knownArchitectures: Set<String> = [
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
        "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
        "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
        "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
        "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
    ]
}
