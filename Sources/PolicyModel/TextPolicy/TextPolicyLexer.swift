/// One token of a text policy line.
struct Token: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// A name: syscall, argument, constant, action keyword (`kill-thread` is one word).
        case word(String)
        /// `@name`: a directive or a group.
        case at(String)
        /// A non-negative number (decimal, `0x` hex, or octal with a leading `0`).
        case number(UInt64)
        /// `-N`: the magnitude of a negative number.
        case negative(UInt64)
        /// `== != < <= > >= & && | || :`.
        case symbol(String)
        /// The file name of an `@include`.
        case path(String)
    }

    var kind: Kind
    /// 1-based column of the token's first character.
    var column: Int
    /// The token as written.
    var text: String
}

/// Splits one line of a text policy into tokens, one at a time as the line parser asks for them
/// (a line may be megabytes long: no array of its tokens or characters is made). Comments (`#`
/// to the end of the line) are dropped. Reads the line's UTF-8 bytes; columns count Unicode
/// scalars, as the JSON reader's do.
struct TextPolicyLexer {
    let location: TextPolicyLocation
    private let bytes: [UInt8]
    private var i = 0
    /// Tokens handed out so far (the file name of `@include` is lexed as one token).
    private var count = 0
    private var includePathNext = false
    /// Set once a token could not be lexed: the lexer stops there.
    private var failed = false
    /// The column of byte `columnIndex`, advanced as the lexer moves forward.
    private var columnIndex = 0
    private var columnAtIndex = 1

    init(line: some StringProtocol, location: TextPolicyLocation) {
        self.bytes = Array(line.utf8)
        self.location = location
    }

    /// Every token of `line`.
    static func tokens(of line: String, at location: TextPolicyLocation) throws -> [Token] {
        var lexer = TextPolicyLexer(line: line, location: location)
        var out: [Token] = []
        while let t = try lexer.next() { out.append(t) }
        return out
    }

    /// Lexes the rest of the line, for the first error in it (so that a lexical error anywhere
    /// in a line is the one reported, as when a line is lexed before it is parsed).
    mutating func checkRest() throws {
        guard !failed else { return }
        while try next() != nil {}
    }

    /// The 1-based column of byte `index` (which starts a scalar).
    private mutating func column(_ index: Int) -> Int {
        if index < columnIndex {
            columnIndex = 0
            columnAtIndex = 1
        }
        while columnIndex < index {
            if bytes[columnIndex] & 0xC0 != 0x80 { columnAtIndex += 1 }
            columnIndex += 1
        }
        return columnAtIndex
    }

    private mutating func error(_ message: String, at index: Int) -> TextPolicyDiagnostic {
        var l = location
        l.column = column(index)
        return l.error(message)
    }

    private static func isLetter(_ c: UInt8) -> Bool { (0x61...0x7A).contains(c) || (0x41...0x5A).contains(c) }
    private static func isDigit(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) }
    private static func isWordStart(_ c: UInt8) -> Bool { c == UInt8(ascii: "_") || isLetter(c) }
    private static func isWordPart(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || isLetter(c) || isDigit(c)
    }

    /// The scalar starting at byte `index` and its length in bytes (the line is valid UTF-8).
    private func scalar(at index: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let count = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = UInt32(lead) & (count == 2 ? 0x1F : count == 3 ? 0x0F : 0x07)
        for k in 1..<count { value = value << 6 | UInt32(bytes[index + k] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", count)
    }

    /// The length in bytes of the white space scalar at `index`, or 0 when it is not one.
    private func whitespace(at index: Int) -> Int {
        let b = bytes[index]
        if b < 0x80 { return (0x09...0x0D).contains(b) || b == 0x20 ? 1 : 0 }
        let (c, n) = scalar(at: index)
        return c.properties.isWhitespace ? n : 0
    }

    private mutating func skipWhitespace() {
        while i < bytes.count {
            let n = whitespace(at: i)
            if n == 0 { return }
            i += n
        }
    }

    private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    /// The next token, or nil at the end of the line or at a comment.
    mutating func next() throws -> Token? {
        do {
            return try nextToken()
        } catch {
            failed = true
            throw error
        }
    }

    private mutating func nextToken() throws -> Token? {
        if includePathNext {
            includePathNext = false
            count += 1
            return try path()
        }
        skipWhitespace()
        guard i < bytes.count, bytes[i] != UInt8(ascii: "#") else { return nil }
        defer { count += 1 }
        let start = i
        let c = bytes[i]
        if Self.isWordStart(c) {
            let w = word()
            return Token(kind: .word(w), column: column(start), text: w)
        } else if c == UInt8(ascii: "@") {
            i += 1
            guard i < bytes.count, Self.isWordStart(bytes[i]) else {
                throw error("expected a directive or group name after '@'", at: start)
            }
            let w = word()
            if w == "include", count == 0 { includePathNext = true }
            return Token(kind: .at(w), column: column(start), text: "@" + w)
        } else if Self.isDigit(c) {
            return try number(negative: false)
        } else if c == UInt8(ascii: "-"), i + 1 < bytes.count, Self.isDigit(bytes[i + 1]) {
            i += 1
            return try number(negative: true)
        }
        return try symbol()
    }

    private mutating func word() -> String {
        let start = i
        while i < bytes.count, Self.isWordPart(bytes[i]) { i += 1 }
        return text(start..<i)
    }

    private mutating func number(negative: Bool) throws -> Token {
        let start = negative ? i - 1 : i
        var end = i
        while end < bytes.count, Self.isWordPart(bytes[end]) { end += 1 }
        let digits = text(i..<end)
        i = end
        let text = self.text(start..<end)
        var radix = 10
        var body = Substring(digits)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            body = body.dropFirst(2)
        } else if digits.count > 1, digits.hasPrefix("0") {
            radix = 8
            body = body.dropFirst()
        }
        let kindName = radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "decimal"
        guard !body.isEmpty, body.allSatisfy({ $0.isHexDigit && Int(String($0), radix: radix) != nil }) else {
            throw error("'\(text)' is not a number (expected \(kindName) digits)", at: start)
        }
        guard let value = UInt64(body, radix: radix) else {
            throw error("'\(text)' does not fit in 64 bits", at: start)
        }
        return Token(kind: negative ? .negative(value) : .number(value), column: column(start), text: text)
    }

    private mutating func symbol() throws -> Token {
        let start = i
        let c = bytes[i]
        if i + 1 < bytes.count {
            let s = text(i..<i + 2)
            if ["==", "!=", "<=", ">=", "&&", "||"].contains(s) {
                i += 2
                return Token(kind: .symbol(s), column: column(start), text: s)
            }
        }
        switch c {
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: ":"):
            i += 1
            let s = text(start..<i)
            return Token(kind: .symbol(s), column: column(start), text: s)
        case UInt8(ascii: "="):
            throw error("expected '==' (a single '=' is not an operator)", at: start)
        case UInt8(ascii: "!"):
            throw error("expected '!=' ('!' alone is not an operator)", at: start)
        default:
            throw error("unexpected character '\(scalar(at: start).0)'", at: start)
        }
    }

    /// The file name after `@include`: a quoted string, or a word up to white space or `#`.
    private mutating func path() throws -> Token {
        skipWhitespace()
        let start = i
        guard i < bytes.count, bytes[i] != UInt8(ascii: "#") else {
            throw error("expected a file name after '@include'", at: start)
        }
        if bytes[i] == UInt8(ascii: "\"") {
            i += 1
            let bodyStart = i
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += 1 }
            guard i < bytes.count else { throw error("expected a closing '\"' after the file name", at: i) }
            let name = text(bodyStart..<i)
            i += 1
            guard !name.isEmpty else { throw error("expected a file name after '@include'", at: start) }
            return Token(kind: .path(name), column: column(start), text: text(start..<i))
        }
        while i < bytes.count, bytes[i] != UInt8(ascii: "#"), whitespace(at: i) == 0 { i += scalar(at: i).1 }
        let name = text(start..<i)
        return Token(kind: .path(name), column: column(start), text: name)
    }
}
