/// How an argument is compared (`SCMP_CMP_*`). Comparisons are unsigned.
public enum CompareOp: String, CaseIterable, Codable, Hashable, Sendable {
    case eq = "SCMP_CMP_EQ"
    case ne = "SCMP_CMP_NE"
    case lt = "SCMP_CMP_LT"
    case le = "SCMP_CMP_LE"
    case gt = "SCMP_CMP_GT"
    case ge = "SCMP_CMP_GE"
    /// `(arg & value) == valueTwo`.
    case maskedEq = "SCMP_CMP_MASKED_EQ"

    /// The operator as written in the text policy language.
    public var symbol: String {
        switch self {
        case .eq: return "=="
        case .ne: return "!="
        case .lt: return "<"
        case .le: return "<="
        case .gt: return ">"
        case .ge: return ">="
        case .maskedEq: return "&"
        }
    }
}

/// The width the kernel's value of an argument can be trusted on.
public enum ArgWidth: Int, Codable, Hashable, Sendable {
    case bits32 = 32
    case bits64 = 64

    public var mask: UInt64 { self == .bits32 ? 0xFFFF_FFFF : .max }
}

/// One argument test: `arg[index] OP value`, or `(arg[index] & value) == (valueTwo & value)`.
///
/// The masked form compares `valueTwo` cut to the mask, as libseccomp (and so runc, crun and
/// podman) does: a `valueTwo` with bits outside the mask behaves as if they were clear.
///
/// `width` is the argument's width on 64-bit architectures, from the syscall table. A 32-bit
/// argument (`int`, `unsigned int`, `pid_t`, ...) is compared on its low 32 bits only, and so is
/// every argument on a 32-bit architecture (i386, x32).
///
/// Stored compactly (stride 24: the two values, then one byte each for the index, the operator and
/// the width): a policy read from a large file holds millions of them.
public struct Condition: Hashable, Sendable, CustomStringConvertible {
    public var value: UInt64
    public var valueTwo: UInt64
    private var storedIndex: UInt8
    public var op: CompareOp
    public var width: ArgWidth

    /// The argument's index, 0...5.
    public var index: Int {
        get { Int(storedIndex) }
        set {
            precondition((0...5).contains(newValue), "argument index must be 0...5")
            storedIndex = UInt8(newValue)
        }
    }

    public init(index: Int, op: CompareOp, value: UInt64, valueTwo: UInt64 = 0, width: ArgWidth = .bits64) {
        precondition((0...5).contains(index), "argument index must be 0...5")
        self.storedIndex = UInt8(index)
        self.op = op
        self.value = value
        self.valueTwo = valueTwo
        self.width = width
    }

    /// The width compared on `arch`.
    public func width(on arch: Arch) -> ArgWidth { arch.is32Bit ? .bits32 : width }

    /// Whether the condition holds for a raw 64-bit argument value on `arch`.
    public func holds(for raw: UInt64, on arch: Arch) -> Bool {
        let m = width(on: arch).mask
        let a = raw & m
        let v = value & m
        switch op {
        case .eq: return a == v
        case .ne: return a != v
        case .lt: return a < v
        case .le: return a <= v
        case .gt: return a > v
        case .ge: return a >= v
        case .maskedEq: return (a & v) == (valueTwo & v)
        }
    }

    public var description: String {
        op == .maskedEq
            ? "arg\(index) & 0x\(String(value, radix: 16)) == 0x\(String(valueTwo, radix: 16))"
            : "arg\(index) \(op.symbol) 0x\(String(value, radix: 16))"
    }
}
