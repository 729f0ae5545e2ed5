/// The UTF-8 bytes a writer makes (canonical text policies, OCI JSON), appended in place: one
/// growing buffer instead of a `String` per line or field, so a policy of a million rules is
/// written without a million small allocations and without a second copy of its text.
struct OutputBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    mutating func append(_ s: String) {
        bytes.append(contentsOf: s.utf8)
    }

    mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    /// `v` in decimal, as `String(v)` writes it.
    mutating func appendDecimal(_ v: UInt64) {
        appendDigits(v, radix: 10)
    }

    /// A signed value in decimal, as `String(v)` writes it.
    mutating func appendDecimal(_ v: Int) {
        if v < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(v.magnitude.asUInt64, radix: 10)
    }

    /// `v` in lowercase hexadecimal without a prefix, as `String(v, radix: 16)` writes it.
    mutating func appendHex(_ v: UInt64) {
        appendDigits(v, radix: 16)
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendDigits(_ v: UInt64, radix: UInt64) {
        // At most 20 digits (decimal UInt64.max); written backwards into a fixed buffer.
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &buffer) { raw in
            var n = v
            var i = raw.count
            repeat {
                i -= 1
                raw[i] = Self.digits[Int(n % radix)]
                n /= radix
            } while n != 0
            bytes.append(contentsOf: raw[i...])
        }
    }
}

private extension UInt {
    var asUInt64: UInt64 { UInt64(self) }
}
