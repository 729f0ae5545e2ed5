import Foundation
import Testing
import TraceCapture

/// The environment a command on the TUI's terminal gets: this process's, with the terminal
/// type of the TUI's screen model and without what describes this process's own terminal.
@Suite struct SpawnEnvironmentTests {
    @Test("TERM is replaced, COLUMNS/LINES/TERMCAP dropped, the rest kept in order")
    func environment() throws {
        // (The environment is read as it is: setenv here would race other tests reading it.)
        let env = Spawn.environment(terminal: "xterm-256color")
        #expect(env.last == "TERM=xterm-256color")
        #expect(env.filter { $0.hasPrefix("TERM=") }.count == 1)
        #expect(!env.contains { $0.hasPrefix("COLUMNS=") || $0.hasPrefix("LINES=") || $0.hasPrefix("TERMCAP=") })
        let others = ProcessInfo.processInfo.environment.filter { !["TERM", "COLUMNS", "LINES", "TERMCAP"].contains($0.key) }
        #expect(Set(env.dropLast()) == Set(others.map { "\($0.key)=\($0.value)" }))
    }
}
