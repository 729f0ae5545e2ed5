/// One key press, as the curses driver reports it.
public enum Key: Hashable, Sendable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case tab, backTab, enter, escape, backspace
    case function(Int)
    /// A control character, by its letter: `.ctrl("l")` is Ctrl-L.
    case ctrl(Character)

    /// How help and the footer name the key.
    var label: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Bksp"
        case .function(let n): return "F\(n)"
        case .ctrl("}"): return "^]"
        case .ctrl(let c): return "^" + c.uppercased()
        }
    }

    /// The key a terminal sends as a byte below 0x20 or 0x7f.
    public init(controlByte b: UInt32) {
        switch b {
        case 0x09: self = .tab
        case 0x0A, 0x0D: self = .enter
        case 0x1B: self = .escape
        case 0x08, 0x7F: self = .backspace
        default: self = .ctrl(Character(Unicode.Scalar(b + 0x60)!))
        }
    }
}
