/// A strict JSON parser (RFC 8259) for untrusted input that remembers where every value starts.
///
/// Strict: no comments, no trailing commas, no leading zeros, no control characters or invalid
/// UTF-8 in strings, no lone surrogates, no duplicate keys. Bounded: the input size and the
/// nesting depth are limited, so no input can exhaust memory or the stack. A UTF-8 byte order
/// mark at the start is skipped.
public struct JSONParser {
    public struct Limits: Sendable {
        public var maxBytes: Int
        public var maxDepth: Int

        public init(maxBytes: Int = 32 << 20, maxDepth: Int = 64) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
        }

        public static let standard = Limits()
    }

    /// Parses one JSON document.
    public static func parse(_ bytes: [UInt8], limits: Limits = .standard) throws -> JSONNode {
        try checkSize(bytes, limits)
        return try bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer, limits: limits)
            return try parser.document()
        }
    }

    /// Parses one JSON document whose top-level object holds a large array under `key` (an OCI
    /// profile's `syscalls`): each element of that array is handed to `element` as soon as it is
    /// parsed and is not kept, so memory holds one element's tree rather than the whole file's.
    /// The returned tree has an empty array under `key`. Every syntax error still throws, and
    /// elements are handed over in file order before anything after the array is read.
    public static func parse(_ bytes: [UInt8], limits: Limits = .standard, streaming key: String,
                             element: (JSONNode) throws -> Void) throws -> JSONNode {
        try parse(bytes, limits: limits, streaming: key) { (parser: inout JSONParser) in
            try element(try parser.value())
        }
    }

    /// As `parse(_:limits:streaming:element:)`, but `read` reads each element from the parser
    /// itself, at the element's first byte: as a tree (`value()`), or from its tokens through
    /// `cursor` (coming back to where it started, with `cursor.reset(to:)`, to read it as a tree
    /// when its tokens are not what it expects). It must pass exactly one value.
    static func parse(_ bytes: [UInt8], limits: Limits, streaming key: String,
                      read: (inout JSONParser) throws -> Void) throws -> JSONNode {
        try checkSize(bytes, limits)
        return try withoutActuallyEscaping(read) { read in
            try bytes.withUnsafeBufferPointer { buffer in
                var parser = JSONParser(bytes: buffer, limits: limits)
                parser.streamed = (key, read)
                return try parser.document()
            }
        }
    }

    private static func checkSize(_ bytes: [UInt8], _ limits: Limits) throws {
        guard bytes.count <= limits.maxBytes else {
            throw JSONSyntaxError(position: nil, message:
                "the file is \(bytes.count) bytes, more than the limit of \(describeSize(limits.maxBytes))")
        }
    }

    /// Where the parser is; a streaming reader may read tokens with it (see `parse(_:limits:streaming:read:)`).
    var cursor: JSONCursor
    let limits: Limits
    /// The top-level member whose array elements go to a reader instead of the tree.
    private var streamed: (key: String, read: (inout JSONParser) throws -> Void)?
    /// How many arrays and objects enclose the current place.
    private(set) var depth = 0

    private init(bytes: UnsafeBufferPointer<UInt8>, limits: Limits) {
        cursor = JSONCursor(bytes: bytes)
        self.limits = limits
    }

    private var position: SourcePosition { cursor.position }
    private var atEnd: Bool { cursor.atEnd }
    private var current: UInt8? { cursor.current }

    private mutating func advance() { cursor.advance() }

    private mutating func skipWhitespace() { cursor.skipWhitespace() }

    private func fail(_ message: String, at position: SourcePosition? = nil) -> JSONSyntaxError {
        JSONSyntaxError(position: position ?? self.position, message: message)
    }

    /// "but found 'x'" or "but the file ends", for the byte at the current index.
    private var found: String {
        guard let b = current else { return "but the file ends" }
        if b >= 0x21 && b < 0x7F { return "but found '\(Character(Unicode.Scalar(b)))'" }
        switch b {
        case 0x0A: return "but found a line break"
        case 0x20, 0x09, 0x0D: return "but found white space"
        default: return "but found byte 0x\(String(b, radix: 16, uppercase: true))"
        }
    }

    private mutating func document() throws -> JSONNode {
        cursor.skipByteOrderMark()
        skipWhitespace()
        if atEnd {
            throw fail(cursor.bytes.isEmpty ? "the file is empty: expected a JSON value"
                       : "the file holds only white space: expected a JSON value")
        }
        let node = try value()
        skipWhitespace()
        guard atEnd else { throw fail("expected the end of the file after the JSON value \(found)") }
        return node
    }

    /// The value that starts at the current byte, as a tree.
    mutating func value() throws -> JSONNode {
        let start = position
        guard let b = current else { throw fail("expected a value \(found)") }
        switch b {
        case UInt8(ascii: "{"): return JSONNode(try object(), at: start)
        case UInt8(ascii: "["): return JSONNode(try array(), at: start)
        case UInt8(ascii: "\""): return JSONNode(.string(try string()), at: start)
        case UInt8(ascii: "t"): try literal("true"); return JSONNode(.bool(true), at: start)
        case UInt8(ascii: "f"): try literal("false"); return JSONNode(.bool(false), at: start)
        case UInt8(ascii: "n"): try literal("null"); return JSONNode(.null, at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONNode(.number(try number()), at: start)
        default:
            throw fail("expected a value (object, array, string, number, true, false or null) \(found)")
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let start = position
        let text = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for expected in text {
            guard current == expected else {
                throw fail("expected '\(word)' \(found)", at: atEnd ? position : start)
            }
            advance()
        }
    }

    private mutating func enter() throws {
        depth += 1
        if depth > limits.maxDepth {
            throw fail("arrays and objects are nested more than \(limits.maxDepth) levels deep")
        }
    }

    /// An array; its elements go to `read` instead of the result when one is given.
    private mutating func array(read: ((inout JSONParser) throws -> Void)? = nil) throws -> JSONValue {
        try enter()
        advance()  // [
        var elements: [JSONNode] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            advance()
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "]") { throw fail("expected a value after ',' (no trailing commas in JSON) \(found)") }
            if let read {
                try read(&self)
            } else {
                elements.append(try value())
            }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "]"):
                advance()
                depth -= 1
                return .array(elements)
            default: throw fail("expected ',' or ']' after an array element \(found)")
            }
        }
    }

    private mutating func object() throws -> JSONValue {
        try enter()
        advance()  // {
        var members: [JSONMember] = []
        var seen: [String: SourcePosition] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            advance()
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                throw fail(members.isEmpty ? "expected a quoted key or '}' \(found)"
                           : "expected a quoted key after ',' (no trailing commas in JSON) \(found)")
            }
            let keyPosition = position
            let key = try string()
            // Small objects (nearly all) are searched in place; a large one gets an index.
            let first: SourcePosition?
            if members.count < 16 {
                first = members.first { $0.key == key }?.keyPosition
            } else {
                if seen.isEmpty { for m in members { seen[m.key] = m.keyPosition } }
                first = seen[key]
                seen[key] = keyPosition
            }
            if let first {
                throw fail("duplicate key \"\(key)\" (first at \(first))", at: keyPosition)
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw fail("expected ':' after the key \"\(key)\" \(found)") }
            advance()
            skipWhitespace()
            if depth == 1, let streamed, key == streamed.key, current == UInt8(ascii: "[") {
                let start = position
                let value = JSONNode(try array(read: streamed.read), at: start)
                members.append(JSONMember(key: key, keyPosition: keyPosition, value: value))
            } else {
                members.append(JSONMember(key: key, keyPosition: keyPosition, value: try value()))
            }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "}"):
                advance()
                depth -= 1
                return .object(members)
            default: throw fail("expected ',' or '}' after an object member \(found)")
            }
        }
    }

    private mutating func number() throws -> JSONNumber {
        let start = cursor.index
        if current == UInt8(ascii: "-") { advance() }
        guard let first = current, isDigit(first) else { throw fail("expected a digit \(found)") }
        advance()
        if first == UInt8(ascii: "0"), let next = current, isDigit(next) {
            throw fail("expected no leading zero in a number \(found)")
        }
        while let b = current, isDigit(b) { advance() }
        if current == UInt8(ascii: ".") {
            advance()
            guard let b = current, isDigit(b) else { throw fail("expected a digit after '.' \(found)") }
            while let b = current, isDigit(b) { advance() }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            advance()
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { advance() }
            guard let b = current, isDigit(b) else { throw fail("expected a digit in the exponent \(found)") }
            while let b = current, isDigit(b) { advance() }
        }
        return JSONNumber(text: String(decoding: cursor.slice(start, cursor.index), as: UTF8.self))
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private mutating func string() throws -> String {
        // Fast path: a run of plain bytes (no escape, no control character) ending in '"',
        // made into a string at once when it is valid UTF-8. Anything else takes the checked
        // path below, which also reports the exact position of a problem.
        if let text = cursor.plainString() { return text }
        let open = position
        advance()  // "
        var scalars = String.UnicodeScalarView()
        while true {
            guard let b = current else { throw fail("expected '\"' to end the string that starts at \(open) \(found)") }
            switch b {
            case UInt8(ascii: "\""):
                advance()
                return String(scalars)
            case UInt8(ascii: "\\"):
                advance()
                scalars.append(try escape())
            case 0x00..<0x20:
                throw fail("expected '\"' or a printable character in the string (control characters must be escaped) \(found)")
            case 0x00..<0x80:
                scalars.append(Unicode.Scalar(b))
                advance()
            default:
                scalars.append(try utf8Scalar())
            }
        }
    }

    private mutating func escape() throws -> Unicode.Scalar {
        guard let b = current else { throw fail("expected an escape character after '\\' \(found)") }
        let simple: [UInt8: Unicode.Scalar] = [
            UInt8(ascii: "\""): "\"", UInt8(ascii: "\\"): "\\", UInt8(ascii: "/"): "/",
            UInt8(ascii: "b"): "\u{08}", UInt8(ascii: "f"): "\u{0C}", UInt8(ascii: "n"): "\n",
            UInt8(ascii: "r"): "\r", UInt8(ascii: "t"): "\t",
        ]
        if let s = simple[b] {
            advance()
            return s
        }
        guard b == UInt8(ascii: "u") else {
            throw fail("expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX \(found)")
        }
        // The backslash, one ASCII column before the 'u'.
        var start = position
        start.column -= 1
        advance()
        let high = try hex4()
        if (0xD800...0xDBFF).contains(high) {
            guard current == UInt8(ascii: "\\") else { throw fail("expected a low surrogate \\uDC00-\\uDFFF after \\u\(hex(high))", at: start) }
            advance()
            guard current == UInt8(ascii: "u") else { throw fail("expected a low surrogate \\uDC00-\\uDFFF after \\u\(hex(high))", at: start) }
            advance()
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw fail("expected a low surrogate \\uDC00-\\uDFFF after \\u\(hex(high))", at: start)
            }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else {
            throw fail("expected a high surrogate before the low surrogate \\u\(hex(high))", at: start)
        }
        return scalar
    }

    private func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    private mutating func hex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let b = current else { throw fail("expected four hex digits after \\u \(found)") }
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw fail("expected four hex digits after \\u \(found)")
            }
            v = v << 4 | d
            advance()
        }
        return v
    }

    /// Decodes one multi-byte UTF-8 sequence, rejecting overlong forms, surrogates and values above U+10FFFF.
    private mutating func utf8Scalar() throws -> Unicode.Scalar {
        let bytes = cursor.bytes, index = cursor.index
        let lead = bytes[index]
        let count: Int
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: count = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: count = 3; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: count = 4; value = UInt32(lead & 0x07)
        default: throw fail("expected valid UTF-8 in the string \(found)")
        }
        guard index + count <= bytes.count else { throw fail("expected valid UTF-8 in the string: the file ends inside a character") }
        for k in 1..<count {
            let c = bytes[index + k]
            guard c & 0xC0 == 0x80 else { throw fail("expected valid UTF-8 in the string \(found)") }
            value = value << 6 | UInt32(c & 0x3F)
        }
        let minimum: UInt32 = count == 2 ? 0x80 : count == 3 ? 0x800 : 0x10000
        guard value >= minimum, value <= 0x10FFFF, let scalar = Unicode.Scalar(value) else {
            throw fail("expected valid UTF-8 in the string (overlong form or surrogate)")
        }
        cursor.advance(count, continuationBytes: count - 1)
        return scalar
    }
}

/// `32 MiB`, `512 KiB`, `100 bytes`.
func describeSize(_ bytes: Int) -> String {
    if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return "\(bytes) bytes"
}
