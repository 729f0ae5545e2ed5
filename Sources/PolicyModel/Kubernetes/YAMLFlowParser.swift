/// Values on one line: quoted and plain scalars, `[...]` and `{...}`.
struct FlowParser {
    let bytes: [UInt8]
    var i: Int
    let end: Int
    let line: YAMLLine
    /// A column counted before (byte offset, 0-based column), from which later ones are counted
    /// on lines that are not ASCII.
    private var counted: (offset: Int, column: Int)

    init(bytes: [UInt8], text: ByteRange, line: YAMLLine, baseColumn: Int) {
        self.bytes = bytes
        i = text.start
        end = text.end
        self.line = line
        counted = (text.start, baseColumn)
    }

    var atEnd: Bool { i >= end }
    var column: Int { columnAt(i) }

    private func columnAt(_ offset: Int) -> Int {
        if offset <= line.firstNonASCII { return line.indent + offset - line.text.start }
        if offset >= counted.offset {
            return counted.column + String(decoding: bytes[counted.offset..<offset], as: UTF8.self).count
        }
        return line.column(of: offset, in: bytes)
    }

    /// The position of the current byte, remembered so that a long line is counted once.
    private mutating func position() -> SourcePosition {
        let c = columnAt(i)
        if i > line.firstNonASCII { counted = (i, c) }
        return SourcePosition(line: line.number, column: c + 1)
    }

    mutating func skipSpaces() { while i < end, bytes[i] == 0x20 { i += 1 } }

    func fail(_ message: String) -> YAMLSyntaxError {
        YAMLSyntaxError(position: SourcePosition(line: line.number, column: column + 1), message: message)
    }

    /// The character starting at byte `k`, for messages.
    private func character(at k: Int) -> Character {
        String(decoding: bytes[k..<min(end, k + 32)], as: UTF8.self).first ?? " "
    }

    mutating func value(depth: Int, inFlow: Bool = false) throws(YAMLSyntaxError) -> JSONNode {
        skipSpaces()
        guard depth <= YAMLReader.maxDepth else { throw fail("nested deeper than \(YAMLReader.maxDepth) levels") }
        let start = position()
        guard i < end else { return JSONNode(.null, at: start) }
        switch bytes[i] {
        case 0x22: return JSONNode(.string(try doubleQuoted()), at: start)
        case 0x27: return JSONNode(.string(try singleQuoted()), at: start)
        case 0x5B:
            i += 1
            var items: [JSONNode] = []
            skipSpaces()
            if i < end, bytes[i] == 0x5D { i += 1; return JSONNode(.array(items), at: start) }
            while true {
                items.append(try value(depth: depth + 1, inFlow: true))
                skipSpaces()
                guard i < end else { throw fail("a flow sequence must close on the same line with ']'") }
                if bytes[i] == 0x5D { i += 1; return JSONNode(.array(items), at: start) }
                guard bytes[i] == 0x2C else { throw fail("expected ',' or ']'") }
                i += 1
            }
        case 0x7B:
            i += 1
            var members: [JSONMember] = []
            skipSpaces()
            if i < end, bytes[i] == 0x7D { i += 1; return JSONNode(.object(members), at: start) }
            while true {
                skipSpaces()
                let keyPosition = position()
                let key = try value(depth: depth + 1, inFlow: true)
                guard case .string(let k) = key.value else { throw YAMLSyntaxError(position: keyPosition, message: "a key must be a string") }
                skipSpaces()
                guard i < end, bytes[i] == 0x3A else { throw fail("expected ':' after the key") }
                i += 1
                if members.contains(where: { $0.key == k }) { throw YAMLSyntaxError(position: keyPosition, message: "the key '\(k)' repeats") }
                members.append(JSONMember(key: k, keyPosition: keyPosition, value: try value(depth: depth + 1, inFlow: true)))
                skipSpaces()
                guard i < end else { throw fail("a flow mapping must close on the same line with '}'") }
                if bytes[i] == 0x7D { i += 1; return JSONNode(.object(members), at: start) }
                guard bytes[i] == 0x2C else { throw fail("expected ',' or '}'") }
                i += 1
            }
        case 0x26, 0x2A, 0x21:
            throw fail("anchors, aliases and tags are not supported")
        case 0x7C, 0x3E:
            throw fail("a block scalar must be a mapping's value")
        case 0x40, 0x60:
            throw fail("'\(character(at: i))' cannot start a plain value; quote it")
        default:
            var stop = i
            while stop < end {
                let c = bytes[stop]
                if inFlow && (c == 0x2C || c == 0x5D || c == 0x7D) { break }
                if c == 0x3A && (stop + 1 == end || bytes[stop + 1] == 0x20) { break }
                stop += 1
            }
            let plain = ByteRange(start: i, end: stop)
            i = stop
            return JSONNode(FlowParser.plain(bytes, plain), at: start)
        }
    }

    /// A plain scalar's value, trimmed of whitespace (tabs and Unicode spaces, as Foundation's
    /// `.whitespaces`): null, a boolean, a number, or a string.
    static func plain(_ bytes: [UInt8], _ r: ByteRange) -> JSONValue {
        let t = YAMLLine.trimmed(bytes, r)
        if t.isEmpty || (bytes[t.start] < 0x80 && bytes[t.end - 1] < 0x80) {
            return typed(bytes, t) { bytes.string(t) }
        }
        return typed(String(Substring(bytes.string(t)).trimmingHorizontalSpaces()))
    }

    /// A plain scalar's value: null, a boolean, a number, or a string.
    static func typed(_ s: String) -> JSONValue {
        let b = Array(s.utf8)
        return typed(b, ByteRange(start: 0, end: b.count)) { s }
    }

    private static let nulls = ["", "~", "null", "Null", "NULL"].map { Array($0.utf8) }
    private static let trues = ["true", "True", "TRUE"].map { Array($0.utf8) }
    private static let falses = ["false", "False", "FALSE"].map { Array($0.utf8) }

    static func typed(_ bytes: [UInt8], _ r: ByteRange, _ string: () -> String) -> JSONValue {
        let s = bytes[r.start..<r.end]
        if r.count <= 5 {
            if nulls.contains(where: { $0.elementsEqual(s) }) { return .null }
            if trues.contains(where: { $0.elementsEqual(s) }) { return .bool(true) }
            if falses.contains(where: { $0.elementsEqual(s) }) { return .bool(false) }
        }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        let signed = !s.isEmpty && (s.first == 0x2D || s.first == 0x2B)
        let digits = signed ? s.dropFirst() : s
        let sign = s.first == 0x2D ? "-" : ""
        if !digits.isEmpty, digits.allSatisfy(isDigit) {
            let trimmed = digits.drop { $0 == 0x30 }
            return .number(JSONNumber(text: sign + (trimmed.isEmpty ? "0" : String(decoding: trimmed, as: UTF8.self))))
        }
        if digits.count >= 2, digits.first == 0x30 {
            let marker = digits[digits.startIndex + 1]
            let radix = marker == 0x78 ? 16 : marker == 0x6F ? 8 : 0
            if radix != 0, let v = UInt64(String(decoding: digits.dropFirst(2), as: UTF8.self), radix: radix) {
                return .number(JSONNumber(text: sign + String(v)))
            }
        }
        if let dot = digits.firstIndex(of: 0x2E) {
            let whole = digits[..<dot], fraction = digits[(dot + 1)...]
            if !whole.isEmpty, !fraction.isEmpty, whole.allSatisfy(isDigit), fraction.allSatisfy(isDigit) {
                return .number(JSONNumber(text: sign + String(decoding: digits, as: UTF8.self)))
            }
        }
        return .string(string())
    }

    private mutating func singleQuoted() throws(YAMLSyntaxError) -> String {
        i += 1
        var out: [UInt8] = []
        while i < end {
            if bytes[i] == 0x27 {
                if i + 1 < end, bytes[i + 1] == 0x27 { out.append(0x27); i += 2; continue }
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            out.append(bytes[i])
            i += 1
        }
        throw fail("a quoted value must close on the same line")
    }

    private mutating func doubleQuoted() throws(YAMLSyntaxError) -> String {
        i += 1
        var out: [UInt8] = []
        while i < end {
            let c = bytes[i]
            if c == 0x22 { i += 1; return String(decoding: out, as: UTF8.self) }
            if c == 0x5C {
                guard i + 1 < end else { break }
                let e = character(at: i + 1)
                i += 1 + e.utf8.count
                switch e {
                case "\"": out.append(0x22)
                case "\\": out.append(0x5C)
                case "/": out.append(0x2F)
                case "n": out.append(0x0A)
                case "t": out.append(0x09)
                case "r": out.append(0x0D)
                case "b": out.append(0x08)
                case "f": out.append(0x0C)
                case "0": out.append(0x00)
                case " ": out.append(0x20)
                case "x", "u", "U":
                    let count = e == "x" ? 2 : (e == "u" ? 4 : 8)
                    guard i + count <= end, let v = UInt32(String(decoding: bytes[i..<i + count], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(v) else { throw fail("a bad \\\(e) escape") }
                    out += Array(String(Character(scalar)).utf8)
                    i += count
                default: throw fail("the escape '\\\(e)' is not known")
                }
                continue
            }
            out.append(c)
            i += 1
        }
        throw fail("a quoted value must close on the same line")
    }
}
