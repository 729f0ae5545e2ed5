/// One token of a text policy line: what it is and where its bytes are in the source.
struct Token {
    enum Kind: UInt8 {
        /// A name: syscall, argument, constant, action keyword (`kill-thread` is one word).
        case word
        /// `@name`: a directive or a group (`body` is the name).
        case at
        /// A non-negative number (decimal, `0x` hex, or octal with a leading `0`): `value`.
        case number
        /// `-N`: `value` is the magnitude of a negative number.
        case negative
        /// `== != < <= > >= & && | || :`: `symbol`.
        case symbol
        /// The file name of an `@include` (`body` is the name, without quotes).
        case path
    }

    enum Symbol: UInt8 {
        case none, eq, ne, lt, le, gt, ge, and, andAnd, or, orOr, colon

        /// The comparison this symbol is, if any.
        var comparison: CompareOp? {
            switch self {
            case .eq: .eq
            case .ne: .ne
            case .lt: .lt
            case .le: .le
            case .gt: .gt
            case .ge: .ge
            default: nil
            }
        }
    }

    var kind: Kind
    var symbol: Symbol = .none
    var value: UInt64 = 0
    /// The token as written.
    var range: Range<Int>
    /// The name of `at`, the file name of `path`; `range` for the others.
    var body: Range<Int>
    /// 1-based column of the token's first character.
    var column: Int
}

/// Splits the lines of a text policy into tokens, one at a time as the line parser asks for them
/// (a line may be megabytes long: no array of its tokens or characters is made). Reads the
/// source's UTF-8 bytes in place; a token is a byte range, a number is read from its bytes.
/// Comments (`#` to the end of the line) are dropped. Columns count Unicode scalars, as the JSON
/// reader's do.
struct TextPolicyLexer {
    let source: TextPolicySource
    /// The file and line (its column is the line's first).
    private(set) var location: TextPolicyLocation
    private(set) var lineStart = 0
    /// Where the line's text ends (before its line feed and carriage returns).
    private(set) var lineEnd = 0
    private var i = 0
    /// Tokens handed out so far on this line (the file name of `@include` is lexed as one token).
    private var count = 0
    private var includePathNext = false
    /// Set once a token could not be lexed: the lexer stops there.
    private var failed = false
    /// The column of byte `columnIndex`, advanced as the lexer moves forward.
    private var columnIndex = 0
    private var columnAtIndex = 1

    init(source: TextPolicySource, file: String) {
        self.source = source
        self.location = TextPolicyLocation(file: file, line: 0, column: 1)
    }

    /// Starts line `number` (1-based), whose text is the bytes of `line`.
    mutating func start(line: Range<Int>, number: Int) {
        location.line = number
        lineStart = line.lowerBound
        lineEnd = line.upperBound
        i = lineStart
        count = 0
        includePathNext = false
        failed = false
        columnIndex = lineStart
        columnAtIndex = 1
    }

    /// The column just past the end of the line, in characters.
    var endColumn: Int { source.text(lineStart..<lineEnd).count + 1 }

    /// Lexes the rest of the line, for the first error in it (so that a lexical error anywhere
    /// in a line is the one reported, as when a line is lexed before it is parsed).
    mutating func checkRest() throws {
        guard !failed else { return }
        while try next() != nil {}
    }

    /// The 1-based column of byte `index` (which starts a scalar).
    private mutating func column(_ index: Int) -> Int {
        if index < columnIndex {
            columnIndex = lineStart
            columnAtIndex = 1
        }
        if let base = source.bytes.baseAddress {
            // Eight bytes at a time: each but a continuation byte (10xxxxxx) starts a scalar.
            while columnIndex + 8 <= index {
                let w = UnsafeRawPointer(base + columnIndex).loadUnaligned(as: UInt64.self)
                columnAtIndex += 8 - (w & ~(w << 1) & 0x8080_8080_8080_8080).nonzeroBitCount
                columnIndex += 8
            }
        }
        while columnIndex < index {
            if source[columnIndex] & 0xC0 != 0x80 { columnAtIndex += 1 }
            columnIndex += 1
        }
        return columnAtIndex
    }

    private mutating func error(_ message: String, at index: Int) -> TextPolicyDiagnostic {
        var l = location
        l.column = column(index)
        return l.error(message)
    }

    private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 }
    private static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    private static func isWordStart(_ c: UInt8) -> Bool { c == UInt8(ascii: "_") || isLetter(c) }
    private static func isWordPart(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || isLetter(c) || isDigit(c)
    }

    /// The scalar starting at byte `index` and its length in bytes (the source is valid UTF-8).
    private func scalar(at index: Int) -> (Unicode.Scalar, Int) {
        let lead = source[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let count = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = UInt32(lead) & (count == 2 ? 0x1F : count == 3 ? 0x0F : 0x07)
        for k in 1..<count { value = value << 6 | UInt32(source[index + k] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", count)
    }

    /// The length in bytes of the white space scalar at `index`, or 0 when it is not one.
    private func whitespace(at index: Int) -> Int {
        let b = source[index]
        if b < 0x80 { return b &- 0x09 < 5 || b == 0x20 ? 1 : 0 }
        let (c, n) = scalar(at: index)
        return c.properties.isWhitespace ? n : 0
    }

    private mutating func skipWhitespace() {
        while i < lineEnd {
            let n = whitespace(at: i)
            if n == 0 { return }
            i += n
        }
    }

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
        guard i < lineEnd, source[i] != UInt8(ascii: "#") else { return nil }
        defer { count += 1 }
        let start = i
        let c = source[i]
        if Self.isWordStart(c) {
            word()
            return Token(kind: .word, range: start..<i, body: start..<i, column: column(start))
        } else if c == UInt8(ascii: "@") {
            i += 1
            guard i < lineEnd, Self.isWordStart(source[i]) else {
                throw error("expected a directive or group name after '@'", at: start)
            }
            word()
            if count == 0, source.matches(start + 1..<i, "include") { includePathNext = true }
            return Token(kind: .at, range: start..<i, body: start + 1..<i, column: column(start))
        } else if Self.isDigit(c) {
            return try number(negative: false)
        } else if c == UInt8(ascii: "-"), i + 1 < lineEnd, Self.isDigit(source[i + 1]) {
            i += 1
            return try number(negative: true)
        }
        return try symbol()
    }

    private mutating func word() {
        while i < lineEnd, Self.isWordPart(source[i]) { i += 1 }
    }

    /// The value of a digit or letter as a digit (36 for anything else).
    private static func digitValue(_ c: UInt8) -> UInt64 {
        if isDigit(c) { return UInt64(c &- 0x30) }
        if isLetter(c) { return UInt64((c | 0x20) &- 0x61) + 10 }
        return 36
    }

    private mutating func number(negative: Bool) throws -> Token {
        let start = negative ? i - 1 : i
        let digits = i
        var end = i
        while end < lineEnd, Self.isWordPart(source[end]) { end += 1 }
        i = end
        var radix: UInt64 = 10
        var body = digits
        if end - digits >= 2, source[digits] == UInt8(ascii: "0"), source[digits + 1] | 0x20 == UInt8(ascii: "x") {
            radix = 16
            body += 2
        } else if end - digits > 1, source[digits] == UInt8(ascii: "0") {
            radix = 8
            body += 1
        }
        var value: UInt64 = 0
        var isNumber = body < end
        var overflow = false
        for k in body..<end {
            let d = Self.digitValue(source[k])
            guard d < radix else {
                isNumber = false
                break
            }
            let (shifted, o1) = value.multipliedReportingOverflow(by: radix)
            let (sum, o2) = shifted.addingReportingOverflow(d)
            overflow = overflow || o1 || o2
            value = sum
        }
        guard isNumber else {
            let kindName = radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "decimal"
            throw error("'\(source.text(start..<end))' is not a number (expected \(kindName) digits)", at: start)
        }
        guard !overflow else {
            throw error("'\(source.text(start..<end))' does not fit in 64 bits", at: start)
        }
        return Token(kind: negative ? .negative : .number, value: value, range: start..<end, body: start..<end,
                     column: column(start))
    }

    private mutating func symbol() throws -> Token {
        let start = i
        let c = source[i]
        if i + 1 < lineEnd {
            let d = source[i + 1]
            let two: Token.Symbol
            switch (c, d) {
            case (UInt8(ascii: "="), UInt8(ascii: "=")): two = .eq
            case (UInt8(ascii: "!"), UInt8(ascii: "=")): two = .ne
            case (UInt8(ascii: "<"), UInt8(ascii: "=")): two = .le
            case (UInt8(ascii: ">"), UInt8(ascii: "=")): two = .ge
            case (UInt8(ascii: "&"), UInt8(ascii: "&")): two = .andAnd
            case (UInt8(ascii: "|"), UInt8(ascii: "|")): two = .orOr
            default: two = .none
            }
            if two != .none {
                i += 2
                return Token(kind: .symbol, symbol: two, range: start..<i, body: start..<i, column: column(start))
            }
        }
        let one: Token.Symbol
        switch c {
        case UInt8(ascii: "<"): one = .lt
        case UInt8(ascii: ">"): one = .gt
        case UInt8(ascii: "&"): one = .and
        case UInt8(ascii: "|"): one = .or
        case UInt8(ascii: ":"): one = .colon
        case UInt8(ascii: "="):
            throw error("expected '==' (a single '=' is not an operator)", at: start)
        case UInt8(ascii: "!"):
            throw error("expected '!=' ('!' alone is not an operator)", at: start)
        default:
            throw error("unexpected character '\(scalar(at: start).0)'", at: start)
        }
        i += 1
        return Token(kind: .symbol, symbol: one, range: start..<i, body: start..<i, column: column(start))
    }

    /// The file name after `@include`: a quoted string, or a word up to white space or `#`.
    private mutating func path() throws -> Token {
        skipWhitespace()
        let start = i
        guard i < lineEnd, source[i] != UInt8(ascii: "#") else {
            throw error("expected a file name after '@include'", at: start)
        }
        if source[i] == UInt8(ascii: "\"") {
            i += 1
            let bodyStart = i
            while i < lineEnd, source[i] != UInt8(ascii: "\"") { i += 1 }
            guard i < lineEnd else { throw error("expected a closing '\"' after the file name", at: i) }
            let body = bodyStart..<i
            i += 1
            guard !body.isEmpty else { throw error("expected a file name after '@include'", at: start) }
            return Token(kind: .path, range: start..<i, body: body, column: column(start))
        }
        while i < lineEnd, source[i] != UInt8(ascii: "#"), whitespace(at: i) == 0 { i += scalar(at: i).1 }
        return Token(kind: .path, range: start..<i, body: start..<i, column: column(start))
    }
}
