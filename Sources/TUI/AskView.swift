import PolicyModel
import TraceCapture

/// Ask mode's prompt rows, under the header: the calls waiting for an answer in arrival order,
/// the first (the one the keys answer) marked, each with its pid, thread, decoded arguments and
/// the paths read from the caller's memory.
enum AskView {
    /// At most this many waiting calls are listed; a last row counts the others.
    static let maxRows = 4

    /// The rows the band takes (0 when no call waits).
    static func height(_ s: TUIState) -> Int {
        s.prompts.isEmpty ? 0 : min(s.prompts.count, maxRows) + (s.prompts.count > maxRows ? 1 : 0)
    }

    /// One prompt row's text.
    static func text(_ call: AskedCall, index: Int, of total: Int) -> String {
        "ASK \(index + 1)/\(total)  pid \(call.event.pid) tid \(call.event.tid)  \(RefusedCalls.describe(call.event))"
    }

    static func draw(_ s: TUIState, into buf: inout ScreenBuffer, y: Int) {
        let shown = s.prompts.prefix(maxRows)
        for (i, call) in shown.enumerated() {
            let row = Rect(x: 0, y: y + i, width: s.width, height: 1)
            buf.fill(row, role: i == 0 ? .warning : .dim)
            buf.put((i == 0 ? "▶ " : "  ") + text(call, index: i, of: s.prompts.count), x: 0, y: y + i,
                    role: i == 0 ? .warning : .dim, attributes: i == 0 ? [.bold, .reverse] : [], maxWidth: s.width)
        }
        if s.prompts.count > maxRows {
            buf.put("  … \(s.prompts.count - maxRows) more waiting", x: 0, y: y + shown.count, role: .dim, maxWidth: s.width)
        }
    }
}
