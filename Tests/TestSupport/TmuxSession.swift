import Foundation
import Testing

/// The real binary in a detached tmux session on a private socket, driven by `send-keys` and
/// read with `capture-pane`.
public final class TmuxSession {
    /// The built binary the sessions run.
    public static var binary: String { SeccompTUIBinary.url?.path ?? "seccomp-tui" }

    public let socket: String
    public let name = "t"

    /// Starts `command` (run by `sh -c`) in a `width`×`height` window.
    public init(_ command: String, width: Int = 120, height: Int = 40) throws {
        socket = "seccomp-tui-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try Self.run(["-L", socket, "-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)",
                      "-s", name, "sh", "-c", command])
        try Self.run(["-L", socket, "set-option", "-t", name, "remain-on-exit", "on"], check: false)
    }

    deinit {
        _ = try? Self.run(["-L", socket, "kill-server"], check: false)
        unlink("/tmp/tmux-\(getuid())/\(socket)")
    }

    /// Runs tmux through `system(3)` (which waits with `waitpid`), output captured in a file:
    /// the server tmux forks keeps inherited descriptors open, so no pipe is used.
    @discardableResult
    public static func run(_ args: [String], check: Bool = true) throws -> String {
        let file = TestScratch.root
            .appendingPathComponent("tmux-out-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { unlink(file) }
        let quoted = args.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let status = system("env -u TMUX TERM=xterm-256color /usr/bin/tmux \(quoted) >\(file) 2>&1 </dev/null")
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        if check && status != 0 {
            throw TmuxError(description: "tmux \(args.joined(separator: " ")): status \(status): \(text)")
        }
        return text
    }

    public struct TmuxError: Error, CustomStringConvertible { public var description: String }

    /// Sends keys as tmux names them (`"Enter"`, `"Tab"`, `"q"`, `"-l"` + literal text).
    public func send(_ keys: String...) throws {
        try Self.run(["-L", socket, "send-keys", "-t", name] + keys)
    }

    /// Sends literal text.
    public func type(_ text: String) throws {
        try Self.run(["-L", socket, "send-keys", "-t", name, "-l", text])
    }

    public func capture() throws -> String {
        try Self.run(["-L", socket, "capture-pane", "-p", "-t", name])
    }

    /// The pid of the pane's process (the `sh -c`).
    public func panePid() throws -> Int32 {
        Int32(try Self.run(["-L", socket, "display-message", "-p", "-t", name, "#{pane_pid}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Waits until the screen contains `text`; returns the screen. Fails the test on timeout.
    @discardableResult
    public func waitFor(_ text: String, timeout: Double = 20, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        var screen = ""
        if try TestSupport.waitFor(timeout: timeout, interval: 0.05, { screen = try capture(); return screen.contains(text) }) {
            return screen
        }
        Issue.record("timed out waiting for \"\(text)\"; the screen was:\n\(screen)", sourceLocation: sourceLocation)
        return screen
    }

    /// Searches the TUI's list for `name` (`/`, the name, Enter) and waits until `shown` is on
    /// the screen; returns the screen.
    @discardableResult
    public func search(_ name: String, until shown: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try send("/")
        try type(name)
        try send("Enter")
        return try waitFor(shown, sourceLocation: sourceLocation)
    }

    /// Saves (`s`, waiting for `saved`), quits (`q`) and waits for the `exit=0` the session's
    /// command echoes after the TUI; returns the screen.
    @discardableResult
    public func saveAndQuit(saved: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try send("s")
        try waitFor(saved, sourceLocation: sourceLocation)
        try send("q")
        return try waitFor("exit=0", sourceLocation: sourceLocation)
    }
}
