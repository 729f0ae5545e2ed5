/// Reading values straight from their tokens, for readers that decode the common shape of a
/// large file's entries without building a tree (`ProfileEntryTokens`, `OCIEntryTokens`). Each
/// reads only what it names and throws `Refused` at anything else: a string with an escape, a
/// number in another form, a repeated or unknown key, bad syntax. The reader then goes back to
/// where the entry started and reads it as a tree (`JSONParser.value()`), which reports the
/// problem exactly or reads what was refused here.
extension JSONCursor {
    struct Refused: Error {}

    mutating func expect(_ b: UInt8) throws(Refused) {
        guard take(b) else { throw Refused() }
    }

    /// An object whose keys are all among `keys` (at most 32), each at most once: `read` reads
    /// each member's value, given the index of its key. Returns the keys seen, as bits.
    @inline(__always)
    mutating func members(_ keys: [StaticString],
                          _ read: (inout JSONCursor, Int) throws(Refused) -> Void) throws(Refused) -> UInt32 {
        try expect(UInt8(ascii: "{"))
        var seen: UInt32 = 0
        if take(UInt8(ascii: "}")) { return seen }
        repeat {
            skipWhitespace()
            let k = try key(keys)
            guard seen & (1 << k) == 0 else { throw Refused() }
            seen |= 1 << k
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            try read(&self, k)
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
        return seen
    }

    /// An array: `read` reads each element.
    @inline(__always)
    mutating func elements(_ read: (inout JSONCursor) throws(Refused) -> Void) throws(Refused) {
        try expect(UInt8(ascii: "["))
        if take(UInt8(ascii: "]")) { return }
        repeat {
            skipWhitespace()
            try read(&self)
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
    }

    /// The index in `keys` of the key at the cursor (plain ASCII, compared byte for byte).
    mutating func key(_ keys: [StaticString]) throws(Refused) -> Int {
        guard current == UInt8(ascii: "\""), let (end, ascii) = plainStringEnd(), ascii else { throw Refused() }
        let start = index + 1
        let count = end - start
        for (k, key) in keys.enumerated() where key.utf8CodeUnitCount == count {
            let text = key.utf8Start
            var i = 0
            while i < count, bytes[start + i] == text[i] { i += 1 }
            if i == count {
                advance(count + 2, continuationBytes: 0)
                return k
            }
        }
        throw Refused()
    }

    // MARK: - Values

    /// `null`, passed over; false, nothing passed, for anything else.
    mutating func null() -> Bool { word("null") }

    mutating func bool() throws(Refused) -> Bool {
        if word("true") { return true }
        if word("false") { return false }
        throw Refused()
    }

    mutating func word(_ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard index + n <= bytes.count else { return false }
        for i in 0..<n where bytes[index + i] != text.utf8Start[i] { return false }
        advance(n, continuationBytes: 0)
        return true
    }

    /// A string without escapes, valid UTF-8.
    mutating func string() throws(Refused) -> String {
        guard current == UInt8(ascii: "\""), let s = plainString() else { throw Refused() }
        return s
    }

    /// A non-negative integer as JSON writes it (no sign, fraction, exponent or leading zero)
    /// that fits 64 bits.
    mutating func uint64() throws(Refused) -> UInt64 {
        let bytes = self.bytes
        let n = bytes.count
        var i = index
        guard i < n else { throw Refused() }
        var v = UInt64(bytes[i] &- UInt8(ascii: "0"))
        guard v < 10 else { throw Refused() }
        i += 1
        if v != 0 {
            while i < n {
                let d = bytes[i] &- UInt8(ascii: "0")
                if d >= 10 { break }
                let (times10, o1) = v.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(d))
                guard !o1, !o2 else { throw Refused() }
                v = sum
                i += 1
            }
        }
        // A leading zero, a fraction or an exponent: for the tree reading to judge.
        if i < n, bytes[i] &- UInt8(ascii: "0") < 10 || bytes[i] == UInt8(ascii: ".") || bytes[i] | 0x20 == UInt8(ascii: "e") {
            throw Refused()
        }
        advance(i - index, continuationBytes: 0)
        return v
    }

    /// An integer that fits `Int` (negative zero refused).
    mutating func int() throws(Refused) -> Int {
        guard current == UInt8(ascii: "-") else {
            let v = try uint64()
            guard v <= UInt64(Int.max) else { throw Refused() }
            return Int(v)
        }
        advance()
        let magnitude = try uint64()
        guard magnitude != 0, magnitude <= UInt64(Int.max) + 1 else { throw Refused() }
        return Int(truncatingIfNeeded: 0 &- magnitude)
    }

    mutating func int32() throws(Refused) -> Int32 {
        guard let v = Int32(exactly: try int()) else { throw Refused() }
        return v
    }

    /// A finite number, read as the tree reading reads it.
    mutating func double() throws(Refused) -> Double {
        guard let end = numberEnd(),
              let d = Double(String(decoding: slice(index, end), as: UTF8.self)), d.isFinite else { throw Refused() }
        advance(end - index, continuationBytes: 0)
        return d
    }

    /// A string of `0x` and one to sixteen hex digits (`"0x1f"`).
    mutating func hex() throws(Refused) -> UInt64 {
        let bytes = self.bytes
        let n = bytes.count
        var i = index
        guard i + 3 < n, bytes[i] == UInt8(ascii: "\""), bytes[i + 1] == UInt8(ascii: "0"),
              bytes[i + 2] == UInt8(ascii: "x") else { throw Refused() }
        i += 3
        let first = i
        var v: UInt64 = 0
        while i < n {
            let b = bytes[i]
            let d: UInt8
            if b &- UInt8(ascii: "0") < 10 {
                d = b &- UInt8(ascii: "0")
            } else if (b | 0x20) &- UInt8(ascii: "a") < 6 {
                d = (b | 0x20) &- UInt8(ascii: "a") &+ 10
            } else {
                break
            }
            v = v << 4 | UInt64(d)
            i += 1
        }
        guard i > first, i - first <= 16, i < n, bytes[i] == UInt8(ascii: "\"") else { throw Refused() }
        advance(i + 1 - index, continuationBytes: 0)
        return v
    }
}
