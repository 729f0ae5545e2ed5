import Glibc

/// A terminal in memory (ratatui's `TestBackend`): keys are queued by the test, frames are kept
/// as buffers, and `text` shows what a real terminal would show after the same writes.
final class MemoryTerminal: TerminalDriver {
    private(set) var size: (width: Int, height: Int)
    /// What the screen shows: every drawn cell applied in order.
    private(set) var screen: ScreenBuffer
    private var pending: [InputEvent] = []
    private var previous: ScreenBuffer?
    private(set) var frames = 0
    private(set) var cellsWritten = 0
    /// Whether `end()` was called (the terminal restored).
    private(set) var ended = false
    /// Called when the loop waits for input (a read with a timeout) and nothing is queued: a test
    /// queues keys or feeds events there; when it queued nothing, the read waits its timeout as
    /// a terminal would. A poll (timeout 0) only takes what is queued.
    var onIdle: ((MemoryTerminal) -> Void)?
    /// How many times the loop waited for input with nothing queued.
    private(set) var idleReads = 0

    init(width: Int, height: Int) {
        size = (width, height)
        screen = ScreenBuffer(width: width, height: height)
    }

    /// Queues keys, as if typed.
    func type(_ keys: [Key]) { pending += keys.map(InputEvent.key) }

    /// Resizes the terminal and queues the resize event, as curses reports `KEY_RESIZE`.
    func resize(width: Int, height: Int) {
        size = (width, height)
        previous = nil
        var grown = ScreenBuffer(width: width, height: height)
        for y in 0..<min(height, screen.height) {
            for x in 0..<min(width, screen.width) { grown[x, y] = screen[x, y] }
        }
        screen = grown
        pending.append(.resize(width: width, height: height))
    }

    func read(timeoutMs: Int) -> InputEvent? {
        if pending.isEmpty && timeoutMs != 0 {
            idleReads += 1
            onIdle?(self)
            if pending.isEmpty {
                if timeoutMs > 0 { usleep(UInt32(timeoutMs) * 1000) }
                return nil
            }
        }
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    func draw(_ buffer: ScreenBuffer) {
        guard !ended else { return }
        let changes = buffer.diff(from: previous)
        for c in changes where c.x < screen.width && c.y < screen.height { screen[c.x, c.y] = c.cell }
        previous = buffer
        frames += 1
        cellsWritten += changes.count
    }

    func invalidate() { previous = nil }

    func end() { ended = true }

    /// The screen as text, one line per row, trailing blanks removed.
    var text: String { screen.text }
}
