extension String {
    /// The text as a message may show it: control characters (a NUL, an escape sequence from a
    /// hostile file) written as `\u{0}`, and a run of more than `maxRun` characters without a
    /// space (a name of a megabyte) cut, saying how much was left out. Line breaks and tabs stay.
    public func printableForMessage(maxRun: Int = 256) -> String {
        if isPrintableASCII(maxRun: maxRun) { return self }
        var out = ""
        var run = 0
        var cut = 0
        for scalar in unicodeScalars {
            if scalar == " " || scalar == "\n" || scalar == "\t" {
                if cut > 0 { out += "...(\(cut) more characters)" }
                cut = 0
                run = 0
                out.unicodeScalars.append(scalar)
                continue
            }
            run += 1
            if run > maxRun {
                cut += 1
                continue
            }
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        if cut > 0 { out += "...(\(cut) more characters)" }
        return out
    }

    /// Whether the message is plain printable ASCII without a run longer than `maxRun`: then
    /// `printableForMessage` has nothing to change (the common case, checked on the bytes).
    private func isPrintableASCII(maxRun: Int) -> Bool {
        var copy = self
        return copy.withUTF8 { bytes in
            var run = 0
            for byte in bytes {
                if byte == 0x20 || byte == 0x0A || byte == 0x09 {
                    run = 0
                } else if byte > 0x20 && byte < 0x7F {
                    run += 1
                    if run > maxRun { return false }
                } else {
                    return false
                }
            }
            return true
        }
    }
}
