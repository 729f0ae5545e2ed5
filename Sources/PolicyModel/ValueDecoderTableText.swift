// Reads the decoders that `scripts/gen-constants` writes into `Generated/Constants+Generated.swift`
// as text. The table is text, parsed once at first use, because the same data written as Swift
// initializers cost the optimizer most of a 30-minute release build (BENCHMARKS.md, build time).

/// Every decoder of the generated table, in its order.
let generatedValueDecoders: [ValueDecoder] = ValueDecoderTableText.decoders(generatedValueDecoderTable)

/// The generated decoder table's format, one record per line, fields separated by `|`:
///
///     decoder|NAME|flags or enum|32 or 64|hex, decimal or octal|signed or unsigned|HEADERS|SUMMARY
///     field|MASK|MASK NAME or -|first or last
///     f NAME VALUE    a constant of the field
///     c NAME VALUE    a constant
///     a NAME VALUE    an alias
///
/// Values are `0x` hex. The text is the generator's output, never user input: a line that does
/// not parse is a bug in the generator and stops the program with its line number.
enum ValueDecoderTableText {
    private struct Record {
        var name: String, summary: String, kind: ValueDecoder.Kind, width: ArgWidth
        var radix: ValueDecoder.Radix, isSigned: Bool, headers: [String]
        var field: (mask: UInt64, maskName: String?, isLast: Bool)?
        var fieldConstants: [(name: String, value: UInt64)] = []
        var constants: [(name: String, value: UInt64)] = []
        var aliases: [(name: String, value: UInt64)] = []

        var decoder: ValueDecoder {
            ValueDecoder(name: name, summary: summary, kind: kind, width: width, radix: radix,
                         isSigned: isSigned, headers: headers,
                         field: field.map { ValueDecoder.Field(mask: $0.mask, maskName: $0.maskName, isLast: $0.isLast,
                                                               constants: fieldConstants) },
                         constants: constants, aliases: aliases)
        }
    }

    static func decoders(_ text: String) -> [ValueDecoder] {
        var out: [ValueDecoder] = []
        var current: Record?
        for (i, line) in text.split(separator: "\n").enumerated() {
            func bad() -> Never { fatalError("generated decoder table, line \(i + 1): cannot read '\(line)'") }
            if line.hasPrefix("decoder|") {
                if let current { out.append(current.decoder) }
                let f = line.split(separator: "|", maxSplits: 7, omittingEmptySubsequences: false).map(String.init)
                guard f.count == 8, let kind = f[2] == "enum" ? .enumeration : ValueDecoder.Kind(rawValue: f[2]),
                      let bits = Int(f[3]), let width = ArgWidth(rawValue: bits),
                      let radix = ValueDecoder.Radix(rawValue: f[4]), f[5] == "signed" || f[5] == "unsigned"
                else { bad() }
                current = Record(name: f[1], summary: f[7], kind: kind, width: width, radix: radix,
                                 isSigned: f[5] == "signed", headers: f[6].split(separator: " ").map(String.init))
            } else if line.hasPrefix("field|") {
                let f = line.split(separator: "|", omittingEmptySubsequences: false)
                guard f.count == 4, let mask = hex(f[1]), f[3] == "first" || f[3] == "last", current != nil else { bad() }
                current?.field = (mask, f[2] == "-" ? nil : String(f[2]), f[3] == "last")
            } else {
                let f = line.split(separator: " ")
                guard f.count == 3, let value = hex(f[2]), current != nil else { bad() }
                let constant = (name: String(f[1]), value: value)
                switch f[0] {
                case "f": current?.fieldConstants.append(constant)
                case "c": current?.constants.append(constant)
                case "a": current?.aliases.append(constant)
                default: bad()
                }
            }
        }
        if let current { out.append(current.decoder) }
        return out
    }

    private static func hex(_ s: Substring) -> UInt64? {
        s.hasPrefix("0x") ? UInt64(s.dropFirst(2), radix: 16) : nil
    }
}
