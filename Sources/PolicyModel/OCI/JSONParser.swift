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
        var parser = JSONParser(bytes: bytes, limits: limits)
        return try parser.document()
    }

    /// Parses one JSON document whose top-level object holds a large array under `key` (an OCI
    /// profile's `syscalls`): each element of that array is handed to `element` as soon as it is
    /// parsed and is not kept, so memory holds one element's tree rather than the whole file's.
    /// The returned tree has an empty array under `key`. Every syntax error still throws, and
    /// elements are handed over in file order before anything after the array is read.
    public static func parse(_ bytes: [UInt8], limits: Limits = .standard, streaming key: String,
                             element: (JSONNode) throws -> Void) throws -> JSONNode {
        try checkSize(bytes, limits)
        return try withoutActuallyEscaping(element) { element in
            var parser = JSONParser(bytes: bytes, limits: limits)
            parser.streamed = (key, element)
            return try parser.document()
        }
    }

    private static func checkSize(_ bytes: [UInt8], _ limits: Limits) throws {
        guard bytes.count <= limits.maxBytes else {
            throw JSONSyntaxError(position: nil, message:
                "the file is \(bytes.count) bytes, more than the limit of \(describeSize(limits.maxBytes))")
        }
    }

    private let bytes: [UInt8]
    private let limits: Limits
    /// The top-level member whose array elements go to a handler instead of the tree.
    private var streamed: (key: String, element: (JSONNode) throws -> Void)?
    private var index = 0
    private var line = 1
    private var column = 1
    private var depth = 0

    private init(bytes: [UInt8], limits: Limits) {
        self.bytes = bytes
        self.limits = limits
    }

    private var position: SourcePosition { SourcePosition(line: line, column: column) }
    private var atEnd: Bool { index >= bytes.count }
    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func advance() {
        let b = bytes[index]
        index += 1
        if b == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if b & 0xC0 != 0x80 {
            column += 1
        }
    }

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

    private mutating func skipWhitespace() {
        // The hottest loop of a pretty-printed file: bytes read directly, not through `advance`.
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: column += 1
            case 0x0A:
                line += 1
                column = 1
            default: return
            }
            index += 1
        }
    }

    private mutating func document() throws -> JSONNode {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        skipWhitespace()
        if atEnd {
            throw fail(bytes.isEmpty ? "the file is empty: expected a JSON value"
                       : "the file holds only white space: expected a JSON value")
        }
        let node = try value()
        skipWhitespace()
        guard atEnd else { throw fail("expected the end of the file after the JSON value \(found)") }
        return node
    }

    private mutating func value() throws -> JSONNode {
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

    private mutating func literal(_ word: String) throws {
        let start = position
        for expected in word.utf8 {
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

    /// An array; its elements go to `handler` instead of the result when one is given.
    private mutating func array(handler: ((JSONNode) throws -> Void)? = nil) throws -> JSONValue {
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
            if let handler {
                try handler(try value())
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
                let value = JSONNode(try array(handler: streamed.element), at: start)
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
        let start = index
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
        return JSONNumber(text: String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private mutating func string() throws -> String {
        let open = position
        advance()  // "
        // Fast path: a run of plain bytes (no escape, no control character) ending in '"',
        // decoded at once when it is valid UTF-8. Anything else takes the checked path below,
        // which also reports the exact position of a problem.
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 {
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\""),
           let text = String(validating: bytes[index..<end], as: UTF8.self) {
            column += bytes[index..<end].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } + 1
            index = end + 1
            return text
        }
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
        let start = SourcePosition(line: line, column: column - 1)
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
        for _ in 0..<count { advance() }
        return scalar
    }
}

/// `32 MiB`, `512 KiB`, `100 bytes`.
func describeSize(_ bytes: Int) -> String {
    if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return "\(bytes) bytes"
}
