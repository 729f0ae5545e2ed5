/// The UTF-8 bytes of one text policy, read in place while it is parsed (valid only inside
/// `with`): tokens and syntax refer to them by byte offsets, and a `String` is made only of what
/// is kept or shown in a message.
struct TextPolicySource {
    let bytes: UnsafeBufferPointer<UInt8>

    /// Calls `body` with the bytes of `text` (no copy for a native string).
    static func with<R>(_ text: String, _ body: (TextPolicySource) throws -> R) rethrows -> R {
        var text = text
        return try text.withUTF8 { try body(TextPolicySource(bytes: $0)) }
    }

    var count: Int { bytes.count }

    subscript(i: Int) -> UInt8 { bytes[i] }

    /// The bytes of `range` as a string (they are valid UTF-8 and begin and end on scalars).
    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Whether the bytes of `range` are those of `s`.
    func matches(_ range: Range<Int>, _ s: StaticString) -> Bool {
        guard range.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        var k = 0
        for i in range {
            if bytes[i] != p[k] { return false }
            k += 1
        }
        return true
    }

    /// Whether the bytes of `range` are those of `s`.
    func matches(_ range: Range<Int>, _ s: String) -> Bool {
        let utf8 = s.utf8
        guard utf8.count == range.count else { return false }
        var i = range.lowerBound
        for b in utf8 {
            if bytes[i] != b { return false }
            i += 1
        }
        return true
    }

    /// The 1-based column of byte `index` of the line starting at byte `lineStart`, counting
    /// Unicode scalars.
    func column(of index: Int, lineStart: Int) -> Int {
        var column = 1
        for i in lineStart..<index where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return column
    }
}
