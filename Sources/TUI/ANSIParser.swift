/// A control sequence introduced by CSI (`ESC [`): `CSI [private] params [intermediates] final`.
struct ControlSequence: Hashable, Sendable {
    /// The private marker (`?`, `>`, `<`, `=`) or 0.
    var marker: UInt8 = 0
    /// The parameters split at `;`, each with its `:` sub-parameters; a missing number is nil.
    var parameters: [[Int?]] = []
    var intermediates: [UInt8] = []
    var final: UInt8 = 0

    /// Parameter `i` (its first number), or `fallback` when missing or 0, as counts are read.
    func count(_ i: Int, _ fallback: Int = 1) -> Int {
        let n = i < parameters.count ? (parameters[i].first ?? nil) ?? 0 : 0
        return n == 0 ? fallback : n
    }

    /// Parameter `i` as a selector (missing reads 0).
    func value(_ i: Int) -> Int { i < parameters.count ? (parameters[i].first ?? nil) ?? 0 : 0 }
}

/// What the parser found in the byte stream; the screen carries each out.
protocol TerminalActions {
    mutating func print(_ scalar: Unicode.Scalar)
    /// A C0 control character (BEL, BS, HT, LF, VT, FF, CR, SO, SI; the others are ignored).
    mutating func control(_ byte: UInt8)
    /// `ESC [intermediates] final`, not CSI, OSC or a string.
    mutating func escape(intermediates: [UInt8], final: UInt8)
    mutating func controlSequence(_ sequence: ControlSequence)
}

/// Splits a terminal's byte stream into printable characters, control characters, escape and
/// control sequences, after the DEC/xterm state machine (vt100.net's "A parser for DEC's
/// ANSI-compatible video terminals"). OSC, DCS, SOS, PM and APC strings are consumed and
/// dropped, so unknown sequences never print. UTF-8 is decoded; a malformed byte prints U+FFFD.
/// Memory is bounded: at most 32 parameters and 4 intermediates per sequence are kept.
struct ANSIParser: Hashable, Sendable {
    private enum State: Hashable, Sendable {
        case ground, escape, escapeIntermediate, csi, csiIgnore
        /// Inside an OSC/DCS/SOS/PM/APC string, until ST (`ESC \`); OSC also ends at BEL.
        case string(osc: Bool), stringEscape(osc: Bool)
    }

    private var state = State.ground
    private var sequence = ControlSequence()
    private var number: Int?
    private var group: [Int?] = []
    private var intermediates: [UInt8] = []
    private var utf8: [UInt8] = []
    private var utf8Expected = 0

    mutating func feed(_ bytes: [UInt8], into screen: inout some TerminalActions) {
        for b in bytes { feed(b, into: &screen) }
    }

    mutating func feed(_ b: UInt8, into screen: inout some TerminalActions) {
        // CAN and SUB abort any sequence; ESC starts a new one anywhere but in a string.
        if b == 0x18 || b == 0x1A { state = .ground; utf8 = []; return }
        switch state {
        case .ground:
            ground(b, into: &screen)
        case .escape, .escapeIntermediate:
            switch b {
            case 0x1B: enterEscape()
            case 0x00..<0x20: screen.control(b)
            case 0x20..<0x30:
                if intermediates.count < 4 { intermediates.append(b) }
                state = .escapeIntermediate
            case UInt8(ascii: "[") where state == .escape:
                sequence = ControlSequence()
                number = nil
                group = []
                state = .csi
            case UInt8(ascii: "]") where state == .escape: state = .string(osc: true)
            case UInt8(ascii: "P"), UInt8(ascii: "X"), UInt8(ascii: "^"), UInt8(ascii: "_"):
                // DCS, SOS, PM, APC: strings to drop.
                if state == .escape {
                    state = .string(osc: false)
                } else {
                    state = .ground
                    screen.escape(intermediates: intermediates, final: b)
                }
            case 0x30..<0x7F:
                state = .ground
                screen.escape(intermediates: intermediates, final: b)
            default: break
            }
        case .csi:
            switch b {
            case 0x1B: enterEscape()
            case 0x00..<0x20: screen.control(b)
            case 0x30...0x39:
                if intermediates.isEmpty {
                    number = min(99_999, (number ?? 0) * 10 + Int(b - 0x30))
                } else {
                    state = .csiIgnore
                }
            case UInt8(ascii: ":"):
                group.append(number)
                number = nil
            case UInt8(ascii: ";"):
                endParameter()
            case 0x3C...0x3F:
                if sequence.parameters.isEmpty && group.isEmpty && number == nil && sequence.marker == 0 {
                    sequence.marker = b
                } else {
                    state = .csiIgnore
                }
            case 0x20..<0x30:
                if intermediates.count < 4 { intermediates.append(b) }
            case 0x40..<0x7F:
                if number != nil || !group.isEmpty || !sequence.parameters.isEmpty { endParameter() }
                sequence.intermediates = intermediates
                sequence.final = b
                state = .ground
                screen.controlSequence(sequence)
            default: break
            }
        case .csiIgnore:
            if b == 0x1B { enterEscape() } else if b < 0x20 { screen.control(b) } else if b >= 0x40 && b < 0x7F {
                state = .ground
            }
        case .string(let osc):
            if b == 0x1B { state = .stringEscape(osc: osc) } else if b == 0x07 && osc { state = .ground }
        case .stringEscape(let osc):
            // ST ends the string; any other escape aborts it and starts anew.
            if b == UInt8(ascii: "\\") { state = .ground } else if b == 0x1B { state = .stringEscape(osc: osc) } else {
                enterEscape()
                feed(b, into: &screen)
            }
        }
    }

    private mutating func enterEscape() {
        intermediates = []
        utf8 = []
        state = .escape
    }

    private mutating func endParameter() {
        group.append(number)
        if sequence.parameters.count < 32 { sequence.parameters.append(group) }
        group = []
        number = nil
    }

    private mutating func ground(_ b: UInt8, into screen: inout some TerminalActions) {
        if b < 0x80, !utf8.isEmpty {
            utf8 = []
            screen.print("\u{FFFD}")
        }
        switch b {
        case 0x1B: enterEscape()
        case 0x00..<0x20: screen.control(b)
        case 0x7F: break
        case 0x20..<0x7F: screen.print(Unicode.Scalar(b))
        case 0x80..<0xC0:
            guard !utf8.isEmpty else { screen.print("\u{FFFD}"); return }
            utf8.append(b)
            if utf8.count == utf8Expected {
                var value = UInt32(utf8[0]) & (utf8Expected == 2 ? 0x1F : utf8Expected == 3 ? 0x0F : 0x07)
                for c in utf8.dropFirst() { value = value << 6 | UInt32(c & 0x3F) }
                // An overlong form (a control character in disguise) is malformed too.
                let shortest: UInt32 = utf8Expected == 2 ? 0x80 : utf8Expected == 3 ? 0x800 : 0x10000
                utf8 = []
                screen.print(value >= shortest ? Unicode.Scalar(value) ?? "\u{FFFD}" : "\u{FFFD}")
            }
        default:
            if !utf8.isEmpty { screen.print("\u{FFFD}") }
            utf8Expected = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
            utf8 = b >= 0xF8 ? [] : [b]
            if b >= 0xF8 { screen.print("\u{FFFD}") }
        }
    }
}
