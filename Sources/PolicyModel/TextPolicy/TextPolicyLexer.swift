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
    private let chars: [Character]
    private var i = 0

    init(line: String, location: TextPolicyLocation) {
        self.chars = Array(line)
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

    private static func isWordStart(_ c: Character) -> Bool { c == "_" || (c.isASCII && c.isLetter) }
    private static func isWordPart(_ c: Character) -> Bool {
        c == "_" || c == "-" || (c.isASCII && (c.isLetter || c.isNumber))
    }

    private mutating func all() throws -> [Token] {
        var out: [Token] = []
        while true {
            while i < chars.count, chars[i].isWhitespace { i += 1 }
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
            } else if c.isASCII, c.isNumber {
                out.append(try number(negative: false))
            } else if c == "-", i + 1 < chars.count, chars[i + 1].isASCII, chars[i + 1].isNumber {
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
        return String(chars[start..<i])
    }

    private mutating func number(negative: Bool) throws -> Token {
        let start = negative ? i - 1 : i
        var end = i
        while end < chars.count, Self.isWordPart(chars[end]) { end += 1 }
        let digits = String(chars[i..<end])
        i = end
        let text = String(chars[start..<end])
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
        let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
        let two: [String] = ["==", "!=", "<=", ">=", "&&", "||"]
        if let n = next, two.contains(String([c, n])) {
            i += 2
            let s = String([c, n])
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
        while i < chars.count, chars[i].isWhitespace { i += 1 }
        let start = i
        guard i < chars.count, chars[i] != "#" else {
            throw error("expected a file name after '@include'", at: start)
        }
        if chars[i] == "\"" {
            i += 1
            let bodyStart = i
            while i < chars.count, chars[i] != "\"" { i += 1 }
            guard i < chars.count else { throw error("expected a closing '\"' after the file name", at: i) }
            let name = String(chars[bodyStart..<i])
            i += 1
            guard !name.isEmpty else { throw error("expected a file name after '@include'", at: start) }
            return Token(kind: .path(name), column: start + 1, text: String(chars[start..<i]))
        }
        while i < chars.count, !chars[i].isWhitespace, chars[i] != "#" { i += 1 }
        let name = String(chars[start..<i])
        return Token(kind: .path(name), column: start + 1, text: name)
    }
}
