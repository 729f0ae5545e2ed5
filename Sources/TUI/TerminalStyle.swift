/// How the program asked a cell to look (SGR), with every colour folded to the 16 ANSI colours
/// the output pane can map to roles: 256-colour indexes and 24-bit colours take the nearest of
/// xterm's 16.
struct TerminalStyle: Hashable, Sendable {
    /// 0 for the default colour, else the ANSI colour index (0-15) + 1.
    var foreground: UInt8 = 0
    var background: UInt8 = 0
    var flags: Flags = []

    struct Flags: OptionSet, Hashable, Sendable {
        let rawValue: UInt8
        static let bold = Flags(rawValue: 1 << 0)
        static let dim = Flags(rawValue: 1 << 1)
        static let underline = Flags(rawValue: 1 << 2)
        static let reverse = Flags(rawValue: 1 << 3)
        static let invisible = Flags(rawValue: 1 << 4)
    }

    /// The style of a cell erased with this style current: only the background stays (xterm's
    /// back-colour erase, which `TERM=xterm-256color` announces with `bce`).
    var erased: TerminalStyle { TerminalStyle(background: background) }

    /// Applies one SGR sequence's parameters (`CSI ... m`): both the `38;5;n` and the
    /// `38:5:n` / `38:2::r:g:b` forms.
    mutating func apply(_ parameters: [[Int?]]) {
        if parameters.isEmpty { self = TerminalStyle(); return }
        var i = 0
        while i < parameters.count {
            let group = parameters[i]
            let code = (group.first ?? nil) ?? 0
            switch code {
            case 0: self = TerminalStyle()
            case 1: flags.insert(.bold)
            case 2: flags.insert(.dim)
            case 4: flags.insert(.underline)
            case 7: flags.insert(.reverse)
            case 8: flags.insert(.invisible)
            case 21, 22: flags.subtract([.bold, .dim])
            case 24: flags.remove(.underline)
            case 27: flags.remove(.reverse)
            case 28: flags.remove(.invisible)
            case 30...37: foreground = UInt8(code - 30 + 1)
            case 39: foreground = 0
            case 40...47: background = UInt8(code - 40 + 1)
            case 49: background = 0
            case 90...97: foreground = UInt8(code - 90 + 8 + 1)
            case 100...107: background = UInt8(code - 100 + 8 + 1)
            case 38, 48:
                let colour: UInt8?
                if group.count > 1 {
                    colour = Self.extendedColour(Array(group.dropFirst()), rgbHasColourSpace: true)
                } else {
                    let rest = parameters[(i + 1)...].map { ($0.first ?? nil) }
                    let used = rest.first == 5 ? 2 : rest.first == 2 ? 4 : 1
                    colour = Self.extendedColour(Array(rest.prefix(used)), rgbHasColourSpace: false)
                    i += min(used, rest.count)
                }
                if let colour {
                    if code == 38 { foreground = colour + 1 } else { background = colour + 1 }
                }
            default: break  // italic, blink, fonts, overline...: not shown
            }
            i += 1
        }
    }

    /// `5;n` or `2;r;g;b` (with a colour-space id before r in the colon form) as an ANSI index.
    private static func extendedColour(_ p: [Int?], rgbHasColourSpace: Bool) -> UInt8? {
        switch p.first ?? nil {
        case 5:
            guard p.count >= 2, let n = p[1], (0...255).contains(n) else { return nil }
            return nearestANSI(index256: n)
        case 2:
            let rgb = Array(p.dropFirst(rgbHasColourSpace && p.count >= 5 ? 2 : 1).prefix(3)).map { min(255, $0 ?? 0) }
            guard rgb.count == 3 else { return nil }
            return nearestANSI(red: rgb[0], green: rgb[1], blue: rgb[2])
        default: return nil
        }
    }

    /// xterm's default values of the 16 ANSI colours.
    private static let palette: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
        (255, 255, 255),
    ]

    /// One of the 256 xterm colours as the nearest of the 16.
    static func nearestANSI(index256 n: Int) -> UInt8 {
        if n < 16 { return UInt8(n) }
        if n >= 232 {
            let grey = 8 + 10 * (n - 232)
            return nearestANSI(red: grey, green: grey, blue: grey)
        }
        let levels = [0, 95, 135, 175, 215, 255]
        let c = n - 16
        return nearestANSI(red: levels[c / 36], green: levels[c / 6 % 6], blue: levels[c % 6])
    }

    static func nearestANSI(red: Int, green: Int, blue: Int) -> UInt8 {
        var best = 0, bestDistance = Int.max
        for (i, p) in palette.enumerated() {
            let d = (p.0 - red) * (p.0 - red) + (p.1 - green) * (p.1 - green) + (p.2 - blue) * (p.2 - blue)
            if d < bestDistance { best = i; bestDistance = d }
        }
        return UInt8(best)
    }
}

/// One cell of the program's screen.
struct TerminalCell: Hashable, Sendable {
    var scalar: Unicode.Scalar
    var style: TerminalStyle

    static let blank = TerminalCell(scalar: " ", style: TerminalStyle())

    /// A space in the default style (what an untouched cell holds).
    var isBlank: Bool {
        scalar == " " && style.foreground == 0 && style.background == 0 && style.flags.rawValue == 0
    }
}
