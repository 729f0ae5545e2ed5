import Testing
@testable import TUI

@Suite struct ScreenBufferTests {
    @Test("text is clipped to the screen and control characters are shown as ?")
    func put() {
        var b = ScreenBuffer(width: 6, height: 2)
        #expect(b.put("ab\u{7}cdefgh", x: 1, y: 0) == 5)
        #expect(b.line(0) == " ab?cd")
        #expect(b.put("x", x: 0, y: 5) == 0)
    }

    @Test("the diff holds only the cells that changed; a new size changes them all")
    func diff() {
        var a = ScreenBuffer(width: 10, height: 3)
        a.put("hello", x: 0, y: 1)
        var b = a
        b.put("j", x: 0, y: 1)
        b.paint(Rect(x: 4, y: 1, width: 1, height: 1), role: .deny)
        let d = b.diff(from: a)
        #expect(d.map { [$0.x, $0.y] } == [[0, 1], [4, 1]])
        #expect(b.diff(from: nil).count == 30)
        #expect(ScreenBuffer(width: 10, height: 4).diff(from: a).count == 40)
    }

    @Test("bars have eighth-cell resolution and never exceed their width")
    func bar() {
        #expect(Format.bar(1, of: 2, width: 4) == "██")
        #expect(Format.bar(1, of: 16, width: 4) == "▎")
        #expect(Format.bar(1, of: 8, width: 4) == "▌")
        #expect(Format.bar(5, of: 5, width: 3) == "███")
        #expect(Format.grouped(1234567) == "1,234,567")
    }
}
