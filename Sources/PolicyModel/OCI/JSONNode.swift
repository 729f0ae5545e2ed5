/// A place in a text file: 1-based line and column (columns count Unicode scalars).
/// Held in 32 bits each (a file is at most a few hundred MiB): a parsed tree keeps one per value.
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
    private var storedLine: UInt32
    private var storedColumn: UInt32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    public init(line: Int, column: Int) {
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
    }

    public var description: String { "\(line):\(column)" }
}

/// A JSON number as written, so that integers are read exactly and out-of-range values are
/// reported rather than rounded.
public struct JSONNumber: Hashable, Sendable {
    /// The literal text, e.g. `-12`, `4294967295`, `1.5e3`.
    public var text: String

    public init(text: String) { self.text = text }

    public var isNegative: Bool { text.hasPrefix("-") }
    /// True when the literal has no fraction and no exponent.
    public var isInteger: Bool { !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) }

    /// The value when the literal is a non-negative integer that fits 64 bits.
    public var uint64: UInt64? { isInteger && !isNegative ? UInt64(text) : nil }
}

/// One parsed JSON value and where it starts in the file.
public struct JSONNode: Hashable, Sendable {
    public var value: JSONValue
    public var position: SourcePosition

    public init(_ value: JSONValue, at position: SourcePosition) {
        self.value = value
        self.position = position
    }
}

/// One member of a JSON object, with the key's own position.
public struct JSONMember: Hashable, Sendable {
    public var key: String
    public var keyPosition: SourcePosition
    public var value: JSONNode
}

/// A JSON value. Objects keep their members in file order; duplicate keys are rejected by the parser.
/// Not `indirect`: arrays and objects already hold their elements in an array's buffer, and a
/// box per value would double the tree of a large file.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONNode])
    case object([JSONMember])

    /// What kind of value this is, for error messages ("found a string").
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
