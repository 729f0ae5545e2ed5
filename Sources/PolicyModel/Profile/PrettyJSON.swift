/// A JSON value to write, laid out as JSONEncoder's `.prettyPrinted`, `.sortedKeys` and
/// `.withoutEscapingSlashes` lay it out (two-space indent, `"key" : value`, members sorted by
/// key), written directly: `record` writes a profile at the end of every trace, and going
/// through `Encodable` costs milliseconds of generic metadata and dynamic casts even for a
/// small one.
indirect enum PrettyJSON {
    case object([(key: String, value: PrettyJSON)])
    case array([PrettyJSON])
    case string(String)
    case unsigned(UInt64)
    case signed(Int64)
    /// Written in Swift's shortest round-tripping form; a value that is not finite is `null`.
    case double(Double)
    case bool(Bool)

    /// The text of `self` followed by a newline, as UTF-8.
    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(into: &out, indent: 0)
        out.append(0x0A)
        return out
    }

    private func write(into out: inout [UInt8], indent: Int) {
        switch self {
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            if members.isEmpty {
                out.append(UInt8(ascii: "}"))
                return
            }
            for (i, m) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
                out.append(contentsOf: i == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                Self.pad(&out, indent + 2)
                Self.quote(m.key, into: &out)
                out.append(contentsOf: " : ".utf8)
                m.value.write(into: &out, indent: indent + 2)
            }
            out.append(0x0A)
            Self.pad(&out, indent)
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            if items.isEmpty {
                out.append(contentsOf: [0x0A, 0x0A])
            } else {
                for (i, item) in items.enumerated() {
                    out.append(contentsOf: i == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                    Self.pad(&out, indent + 2)
                    item.write(into: &out, indent: indent + 2)
                }
                out.append(0x0A)
            }
            Self.pad(&out, indent)
            out.append(UInt8(ascii: "]"))
        case .string(let s):
            Self.quote(s, into: &out)
        case .unsigned(let v):
            out.append(contentsOf: String(v).utf8)
        case .signed(let v):
            out.append(contentsOf: String(v).utf8)
        case .double(let d):
            out.append(contentsOf: (d.isFinite ? "\(d)" : "null").utf8)
        case .bool(let b):
            out.append(contentsOf: (b ? "true" : "false").utf8)
        }
    }

    private static func pad(_ out: inout [UInt8], _ n: Int) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// A JSON string literal: `"` and `\` escaped, control characters as `\n`, `\t`, ... or
    /// `\u00XX`; everything else (including `/` and non-ASCII) as its UTF-8 bytes.
    static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
