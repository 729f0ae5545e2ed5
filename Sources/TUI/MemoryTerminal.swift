/// A terminal in memory (ratatui's `TestBackend`): keys are queued by the test, frames are kept
/// as buffers, and `text` shows what a real terminal would show after the same writes.
public final class MemoryTerminal: TerminalDriver {
    public private(set) var size: (width: Int, height: Int)
    /// What the screen shows: every drawn cell applied in order.
    public private(set) var screen: ScreenBuffer
    private var pending: [InputEvent] = []
    private var previous: ScreenBuffer?
    public private(set) var frames = 0
    public private(set) var cellsWritten = 0
    /// Whether `end()` was called (the terminal restored).
    public private(set) var ended = false
    public var pendingSignal: Int32 = 0
    /// Called when a read finds the queue empty (a test can inject events or a signal there).
    public var onIdle: ((MemoryTerminal) -> Void)?
    /// How many reads found nothing.
    public private(set) var idleReads = 0

    public init(width: Int, height: Int) {
        size = (width, height)
        screen = ScreenBuffer(width: width, height: height)
    }

    /// Queues keys, as if typed.
    public func type(_ keys: [Key]) { pending += keys.map(InputEvent.key) }

    /// Resizes the terminal and queues the resize event, as curses reports `KEY_RESIZE`.
    public func resize(width: Int, height: Int) {
        size = (width, height)
        previous = nil
        var grown = ScreenBuffer(width: width, height: height)
        for y in 0..<min(height, screen.height) {
            for x in 0..<min(width, screen.width) { grown[x, y] = screen[x, y] }
        }
        screen = grown
        pending.append(.resize(width: width, height: height))
    }

    public func read(timeoutMs: Int) -> InputEvent? {
        if pending.isEmpty {
            idleReads += 1
            onIdle?(self)
        }
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    public func draw(_ buffer: ScreenBuffer) {
        guard !ended else { return }
        let changes = buffer.diff(from: previous)
        for c in changes where c.x < screen.width && c.y < screen.height { screen[c.x, c.y] = c.cell }
        previous = buffer
        frames += 1
        cellsWritten += changes.count
    }

    public func invalidate() { previous = nil }

    public func end() { ended = true }

    /// The screen as text, one line per row, trailing blanks removed.
    public var text: String { screen.text }
}
