/// A place in a JSON document's bytes and the line and column it is at: what `JSONParser` reads
/// with, and what a reader that decodes some values straight from their tokens moves through
/// (`ProfileEntryTokens`). The bytes are borrowed for the length of one parse.
///
/// The column is not counted byte by byte: outside strings a valid document holds only ASCII,
/// and a line break can only be white space, so the column is the distance from the line's start
/// less the UTF-8 continuation bytes of the strings passed on that line (columns count Unicode
/// scalars).
struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var index = 0
    private var line = 1
    /// Where the current line starts.
    private var lineStart = 0
    /// UTF-8 continuation bytes passed since `lineStart`.
    private var continuations = 0

    /// Everything needed to come back to a place (`reset(to:)`).
    struct Mark {
        fileprivate var index, line, lineStart, continuations: Int
    }

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var mark: Mark { Mark(index: index, line: line, lineStart: lineStart, continuations: continuations) }

    mutating func reset(to mark: Mark) {
        (index, line, lineStart, continuations) = (mark.index, mark.line, mark.lineStart, mark.continuations)
    }

    var position: SourcePosition { SourcePosition(line: line, column: index - lineStart - continuations + 1) }
    var atEnd: Bool { index >= bytes.count }
    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Skips a UTF-8 byte order mark at the start; the column after it is 1.
    mutating func skipByteOrderMark() {
        guard index == 0, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF else { return }
        index = 3
        lineStart = 3
    }

    /// Moves past one byte that is ASCII and not a line break (`{`, a digit, a letter of `true`).
    @inline(__always)
    mutating func advance() { index += 1 }

    /// Moves past `count` bytes of a string's content, `continuationBytes` of them UTF-8
    /// continuation bytes (and none a line break: strings hold none).
    @inline(__always)
    mutating func advance(_ count: Int, continuationBytes: Int) {
        index += count
        continuations += continuationBytes
    }

    mutating func skipWhitespace() {
        // The hottest loop of a pretty-printed file: indentation is skipped eight spaces at a time.
        let end = bytes.count
        guard let base = bytes.baseAddress else { return }
        while index < end {
            switch base[index] {
            case 0x20:
                index += 1
                while index + 8 <= end,
                      UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) == 0x2020_2020_2020_2020 {
                    index += 8
                }
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
                continuations = 0
            case 0x09, 0x0D:
                index += 1
            default:
                return
            }
        }
    }

    /// After white space, the byte `b`, passed over; false (nothing passed but the white space)
    /// when another byte or the end comes.
    @inline(__always)
    mutating func take(_ b: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == b else { return false }
        index += 1
        return true
    }

    /// The end of the JSON number that starts at the current byte, when it is one by RFC 8259's
    /// grammar; nil otherwise. Nothing is passed.
    func numberEnd() -> Int? {
        var i = index
        let n = bytes.count
        func digit(_ i: Int) -> Bool { i < n && bytes[i] &- UInt8(ascii: "0") < 10 }
        if i < n, bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard digit(i) else { return nil }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if digit(i) { return nil }
        } else {
            while digit(i) { i += 1 }
        }
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digit(i) else { return nil }
            while digit(i) { i += 1 }
        }
        if i < n, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < n, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digit(i) else { return nil }
            while digit(i) { i += 1 }
        }
        return i
    }

    /// The content of the string that starts at the current byte (`"`) when it holds no escape
    /// and no control character: its end (the closing quote) and whether it is all ASCII. Nil
    /// when the string has an escape, a control character or no end. Nothing is passed.
    @inline(__always)
    func plainStringEnd() -> (end: Int, ascii: Bool)? {
        var i = index + 1
        var high: UInt8 = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { return (i, high & 0x80 == 0) }
            if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
            high |= b
            i += 1
        }
        return nil
    }

    /// The bytes from `start` up to `end`.
    func slice(_ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// The UTF-8 continuation bytes from `start` up to `end`.
    func continuationBytes(_ start: Int, _ end: Int) -> Int {
        var k = 0
        for i in start..<end where bytes[i] & 0xC0 == 0x80 { k += 1 }
        return k
    }

    /// A string with no escape or control character, made from its bytes at once and passed
    /// over (quotes included); nil, nothing passed, for any other string or invalid UTF-8.
    mutating func plainString() -> String? {
        guard let (end, ascii) = plainStringEnd() else { return nil }
        let content = slice(index + 1, end)
        let text: String
        var continuationBytes = 0
        if ascii {
            text = String(decoding: content, as: UTF8.self)
        } else {
            guard let valid = String(validating: content, as: UTF8.self) else { return nil }
            text = valid
            continuationBytes = self.continuationBytes(index + 1, end)
        }
        advance(end + 1 - index, continuationBytes: continuationBytes)
        return text
    }
}
