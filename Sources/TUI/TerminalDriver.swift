/// What the terminal reported.
public enum InputEvent: Equatable, Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
}

/// The terminal as the event loop sees it: keys and resizes in, screen buffers out. The curses
/// driver (`CursesTerminal`) is the real one; `MemoryTerminal` keeps everything in memory for
/// tests (ratatui's `TestBackend`).
public protocol TerminalDriver: AnyObject {
    /// The terminal's size in cells.
    var size: (width: Int, height: Int) { get }
    /// The next key or resize, waiting at most `timeoutMs` (0 polls, -1 blocks).
    func read(timeoutMs: Int) -> InputEvent?
    /// Writes the cells of `buffer` that differ from the last frame.
    func draw(_ buffer: ScreenBuffer)
    /// Forgets the last frame, so that the next `draw` repaints everything.
    func invalidate()
    /// Restores the terminal. Safe to call more than once.
    func end()
    /// Frames written, and cells written over all frames (for the benchmark's log).
    var frames: Int { get }
    var cellsWritten: Int { get }
}
