/// The control characters and sequences the screen carries out: what `TERM=xterm-256color`
/// programs send (its terminfo entry, plus what xterm-aware programs use directly). Anything
/// else is ignored, never printed.
extension TerminalScreen: TerminalActions {
    /// DEC special graphics (`ESC ( 0`), 0x60...0x7E, as Unicode line drawing.
    private static let lineDrawing: [Unicode.Scalar] = Array("◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·".unicodeScalars)

    mutating func print(_ scalar: Unicode.Scalar) {
        var scalar = scalar
        // Control characters never reach a cell (the view's terminal would act on C1 ones).
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { return }
        // Combining marks and other zero-width characters take no cell.
        if scalar.value >= 0x300 {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: return
            default: break
            }
        }
        if charsets.lineDrawing[charsets.active], scalar.value >= 0x60, scalar.value <= 0x7E {
            scalar = Self.lineDrawing[Int(scalar.value - 0x60)]
        }
        put(scalar)
    }

    mutating func control(_ byte: UInt8) {
        switch byte {
        case 0x08: if cursor.x > 0 { moveTo(x: cursor.x - (wrapPending ? 0 : 1), y: cursor.y) } else { wrapPending = false }
        case 0x09: tab(1)
        case 0x0A, 0x0B, 0x0C: lineFeed()
        case 0x0D: moveTo(x: 0, y: cursor.y)
        case 0x0E: charsets.active = 1
        case 0x0F: charsets.active = 0
        default: break  // BEL and the rest
        }
    }

    mutating func escape(intermediates: [UInt8], final: UInt8) {
        switch (intermediates.first, final) {
        case (nil, UInt8(ascii: "7")): saveCursor()
        case (nil, UInt8(ascii: "8")): restoreCursor()
        case (nil, UInt8(ascii: "D")): lineFeed()
        case (nil, UInt8(ascii: "E")): moveTo(x: 0, y: cursor.y); lineFeed()
        case (nil, UInt8(ascii: "M")): reverseLineFeed()
        case (nil, UInt8(ascii: "H")): setTabStop()
        case (nil, UInt8(ascii: "c")): reset()
        case (UInt8(ascii: "#"), UInt8(ascii: "8")): fillWithE()
        case (UInt8(ascii: "("), _): charsets.lineDrawing[0] = final == UInt8(ascii: "0")
        case (UInt8(ascii: ")"), _): charsets.lineDrawing[1] = final == UInt8(ascii: "0")
        default: break  // keypad modes (ESC = / ESC >), other charsets, 8-bit controls
        }
    }

    mutating func controlSequence(_ q: ControlSequence) {
        if q.marker == UInt8(ascii: "?") {
            if q.intermediates.isEmpty, q.final == UInt8(ascii: "h") || q.final == UInt8(ascii: "l") {
                for p in q.parameters { decMode((p.first ?? nil) ?? 0, q.final == UInt8(ascii: "h")) }
            }
            return
        }
        guard q.marker == 0 else { return }  // `CSI > c` and other queries of the terminal's version
        if q.intermediates == [UInt8(ascii: "!")] && q.final == UInt8(ascii: "p") { softReset(); return }
        guard q.intermediates.isEmpty else { return }  // cursor style (`CSI 2 SP q`) and others
        switch Character(Unicode.Scalar(q.final)) {
        case "@": insertCharacters(q.count(0))
        case "A": moveVertically(-q.count(0))
        case "B", "e": moveVertically(q.count(0))
        case "C", "a": moveTo(x: cursor.x + q.count(0), y: cursor.y)
        case "D": moveTo(x: cursor.x - q.count(0), y: cursor.y)
        case "E": moveVertically(q.count(0)); moveTo(x: 0, y: cursor.y)
        case "F": moveVertically(-q.count(0)); moveTo(x: 0, y: cursor.y)
        case "G", "`": moveTo(x: q.count(0) - 1, y: cursor.y)
        case "H", "f": position(row: q.count(0), column: q.count(1))
        case "I": tab(q.count(0))
        case "J":
            if q.value(0) == 3 { clearScrollback() } else { eraseInDisplay(q.value(0)) }
        case "K": eraseInLine(q.value(0))
        case "L": insertLines(q.count(0))
        case "M": deleteLines(q.count(0))
        case "P": deleteCharacters(q.count(0))
        case "S": scrollUp(q.count(0))
        case "T" where q.parameters.count <= 1: scrollDown(q.count(0))
        case "X": eraseCharacters(q.count(0))
        case "Z": tab(-q.count(0))
        case "b":
            if let c = lastPrinted { for _ in 0..<min(q.count(0), width * height) { put(c) } }
        case "c" where q.value(0) == 0: replies += Array("\u{1B}[?1;2c".utf8)  // a VT100 with advanced video
        case "d": position(row: q.count(0), column: cursor.x + 1)
        case "g": clearTabStops(q.value(0))
        case "h", "l":
            if q.parameters.contains(where: { ($0.first ?? nil) == 4 }) { insertMode = q.final == UInt8(ascii: "h") }
        case "m": style.apply(q.parameters)
        case "n":
            if q.value(0) == 5 { replies += Array("\u{1B}[0n".utf8) }
            if q.value(0) == 6 {
                let row = originMode ? cursor.y - top + 1 : cursor.y + 1
                replies += Array("\u{1B}[\(row);\(cursor.x + 1)R".utf8)
            }
        case "r": setScrollRegion(top: q.count(0), bottom: q.count(1, height))
        case "s" where q.parameters.isEmpty: saveCursor()
        case "u" where q.parameters.isEmpty: restoreCursor()
        default: break  // window operations (`CSI t`), mouse, and the rest
        }
    }

    /// DECSET/DECRST (`CSI ? n h/l`).
    private mutating func decMode(_ mode: Int, _ on: Bool) {
        switch mode {
        case 1: applicationCursorKeys = on
        case 6: originMode = on; position(row: 1, column: 1)
        case 7: autowrap = on; if !on { wrapPending = false }
        case 25: cursorVisible = on
        case 47, 1047:
            if on { enterAlternate(saveCursor: false) } else {
                if mode == 1047 && isAlternate { eraseInDisplay(2) }
                leaveAlternate(restoreCursor: false)
            }
        case 1048: if on { saveCursor() } else { restoreCursor() }
        case 1049:
            if on {
                saveCursor()
                enterAlternate(saveCursor: false)
            } else {
                leaveAlternate(restoreCursor: true)
            }
        default: break  // mouse reporting, bracketed paste, focus events, ...
        }
    }
}
