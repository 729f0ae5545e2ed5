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

/// Splits one line of a text policy into tokens. Comments (`#` to the end of the line) are dropped.
struct TextPolicyLexer {
    let location: TextPolicyLocation
    /// Unicode scalars, not `Character`s: 4 bytes each instead of 16, and no grapheme breaking
    /// (a line may be megabytes long). Columns count scalars, as the JSON reader's do.
    private let chars: [Unicode.Scalar]
    private var i = 0

    init(line: String, location: TextPolicyLocation) {
        self.chars = Array(line.unicodeScalars)
        self.location = location
    }

    static func tokens(of line: String, at location: TextPolicyLocation) throws -> [Token] {
        var lexer = TextPolicyLexer(line: line, location: location)
        return try lexer.all()
    }

    private func error(_ message: String, at index: Int) -> TextPolicyDiagnostic {
        var l = location
        l.column = index + 1
        return l.error(message)
    }

    private static func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
    private static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
    private static func isWhitespace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace }
    private static func text(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    private static func isWordStart(_ c: Unicode.Scalar) -> Bool { c == "_" || isLetter(c) }
    private static func isWordPart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c == "-" || isLetter(c) || isDigit(c)
    }

    private mutating func all() throws -> [Token] {
        var out: [Token] = []
        while true {
            while i < chars.count, Self.isWhitespace(chars[i]) { i += 1 }
            guard i < chars.count, chars[i] != "#" else { return out }
            let start = i
            let c = chars[i]
            if Self.isWordStart(c) {
                let w = word()
                out.append(Token(kind: .word(w), column: start + 1, text: w))
            } else if c == "@" {
                i += 1
                guard i < chars.count, Self.isWordStart(chars[i]) else {
                    throw error("expected a directive or group name after '@'", at: start)
                }
                let w = word()
                out.append(Token(kind: .at(w), column: start + 1, text: "@" + w))
                if w == "include", out.count == 1 { out.append(try path()) }
            } else if Self.isDigit(c) {
                out.append(try number(negative: false))
            } else if c == "-", i + 1 < chars.count, Self.isDigit(chars[i + 1]) {
                i += 1
                out.append(try number(negative: true))
            } else {
                out.append(try symbol())
            }
        }
    }

    private mutating func word() -> String {
        let start = i
        while i < chars.count, Self.isWordPart(chars[i]) { i += 1 }
        return Self.text(chars[start..<i])
    }

    private mutating func number(negative: Bool) throws -> Token {
        let start = negative ? i - 1 : i
        var end = i
        while end < chars.count, Self.isWordPart(chars[end]) { end += 1 }
        let digits = Self.text(chars[i..<end])
        i = end
        let text = Self.text(chars[start..<end])
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
        return Token(kind: negative ? .negative(value) : .number(value), column: start + 1, text: text)
    }

    private mutating func symbol() throws -> Token {
        let start = i
        let c = chars[i]
        let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
        let two: [String] = ["==", "!=", "<=", ">=", "&&", "||"]
        if let n = next, two.contains(Self.text([c, n])) {
            i += 2
            let s = Self.text([c, n])
            return Token(kind: .symbol(s), column: start + 1, text: s)
        }
        switch c {
        case "<", ">", "&", "|", ":":
            i += 1
            return Token(kind: .symbol(String(c)), column: start + 1, text: String(c))
        case "=":
            throw error("expected '==' (a single '=' is not an operator)", at: start)
        case "!":
            throw error("expected '!=' ('!' alone is not an operator)", at: start)
        default:
            throw error("unexpected character '\(c)'", at: start)
        }
    }

    /// The file name after `@include`: a quoted string, or a word up to white space or `#`.
    private mutating func path() throws -> Token {
        while i < chars.count, Self.isWhitespace(chars[i]) { i += 1 }
        let start = i
        guard i < chars.count, chars[i] != "#" else {
            throw error("expected a file name after '@include'", at: start)
        }
        if chars[i] == "\"" {
            i += 1
            let bodyStart = i
            while i < chars.count, chars[i] != "\"" { i += 1 }
            guard i < chars.count else { throw error("expected a closing '\"' after the file name", at: i) }
            let name = Self.text(chars[bodyStart..<i])
            i += 1
            guard !name.isEmpty else { throw error("expected a file name after '@include'", at: start) }
            return Token(kind: .path(name), column: start + 1, text: Self.text(chars[start..<i]))
        }
        while i < chars.count, !Self.isWhitespace(chars[i]), chars[i] != "#" { i += 1 }
        let name = Self.text(chars[start..<i])
        return Token(kind: .path(name), column: start + 1, text: name)
    }
}
