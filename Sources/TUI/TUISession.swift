import Foundation
import Glibc
import PolicyModel
import TraceCapture

/// Starts the TUI, over a live trace or a saved profile, and takes everything down again on the
/// way out: the tracer is stopped (attached processes detached, spawned ones killed), the terminal
/// restored, the standard streams put back.
public enum TUISession {
    /// Starts the terminal on the given tty descriptors (input, output); `monochrome` ignores colours.
    public typealias MakeDriver = (_ inputFD: Int32, _ outputFD: Int32, _ monochrome: Bool) throws -> TerminalDriver

    public struct Options {
        public var title: String
        public var outputPath: String?
        public var policyPath: String?
        public var childOutput = "/dev/null"
        public var monochrome = false
        /// Where to write frame counts at exit (hidden `--ui-stats`, for the benchmark).
        public var uiStatsPath: String?
        /// The terminal driver (curses in the executable).
        public var makeDriver: MakeDriver
        /// Shown on the message line at start (what attaching misses).
        public var notice: String?

        public init(title: String, outputPath: String? = nil, policyPath: String? = nil,
                    childOutput: String = "/dev/null", monochrome: Bool = false, uiStatsPath: String? = nil,
                    makeDriver: @escaping MakeDriver) {
            self.title = title
            self.outputPath = outputPath
            self.policyPath = policyPath
            self.childOutput = childOutput
            self.monochrome = monochrome
            self.uiStatsPath = uiStatsPath
            self.makeDriver = makeDriver
        }
    }

    /// Traces `target` with `backend` and runs the TUI until the user quits.
    public static func live(_ backend: TraceBackend, target: TraceTarget, traceOptions: TraceOptions,
                     options: Options) throws {
        let policy = try options.policyPath.map { try PolicyIO.load(path: $0) }
        // A started program runs on a pseudo-terminal of the TUI's: its output is in the output
        // pane (and copied to --child-output), the keys typed there are its input.
        var traceOptions = traceOptions
        var terminal: PseudoTerminal?
        let programOutput = ProgramOutputFeed()
        if case .spawn = target {
            terminal = try PseudoTerminal(width: 80, height: 24)
            traceOptions.takeTerminal = true
            traceOptions.terminalType = ProgramOutput.terminalType
        }
        let copy = try openCopy(options.childOutput, terminal: terminal)
        defer {
            terminal?.stop()
            if copy >= 0 { close(copy) }
        }
        let stdio = try TerminalStdio(programTerminal: terminal?.terminal,
                                      childOutput: terminal == nil ? options.childOutput : "/dev/null")
        defer { stdio.restore() }
        if let terminal, let size = PseudoTerminal.windowSize(of: stdio.ttyOut) {
            // The program starts with the output pane's size, not after a first SIGWINCH.
            let pane = TUIState(width: size.width, height: size.height, title: "").programSize
            programOutput.resize(width: pane.width, height: pane.height)
            terminal.resize(width: pane.width, height: pane.height)
        }
        if let terminal {
            // The program's queries (cursor position, device attributes) are answered at once.
            terminal.startReading(copyTo: copy) { bytes in
                let replies = programOutput.add(bytes)
                if !replies.isEmpty { terminal.write(replies) }
            }
        }
        let feed = LiveFeed()
        let pid = try backend.start(target, options: traceOptions) { feed.add($0) }
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let end = backend.wait()
            feed.finish(end, lostEvents: backend.lostEvents, unknownArchitectureCalls: backend.unknownArchitectureCalls)
            finished.signal()
        }
        var ended = false
        defer {
            if !ended { backend.stop() }
        }
        var state = TUIState(width: 80, height: 24, title: options.title, pid: pid, status: .running,
                             outputPath: options.outputPath, loadedPolicy: policy)
        if terminal != nil { state.output = ProgramOutput() }
        if let notice = options.notice {
            state.message = notice
            state.messageIsError = true
        }
        let (final, signal) = try runLoop(state: state, feed: feed, stdio: stdio, options: options,
                                          program: terminal.map(ProgramOnTerminal.init),
                                          programOutput: terminal == nil ? nil : programOutput)
        backend.stop()
        ended = finished.wait(timeout: .now() + 5) == .success
        stdio.restore()
        report(final, signal: signal)
    }

    /// Runs `command` in ask mode (`AskSupervisor`) with the TUI as the prompt: the waiting calls
    /// are prompt rows; the decisions are the rules the supervisor answers by. On quit the
    /// command gets SIGTERM (SIGKILL 5 s later); if the TUI dies, the waiting calls fail with ENOSYS.
    /// Throws when the command cannot be started (nothing runs then).
    public static func ask(_ command: [String], options: Options) throws {
        let policy = try options.policyPath.map { try PolicyIO.load(path: $0) }
        let stdio = try TerminalStdio(childOutput: options.childOutput)
        defer { stdio.restore() }
        let feed = LiveFeed()
        let box = SupervisorReference()
        let session = AskSession(answer: { id, answer in box.value?.answer(id, answer) },
                                 setRules: { box.value?.replaceRules($0) })
        let supervisor = AskSupervisor(policy: policy, command: command, onAsk: { session.add($0) },
                                       onResolved: { session.remove($0) },
                                       onCall: { feed.add(EventBatch(events: [$0])) })
        box.value = supervisor
        let pid = try supervisor.start()
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let end = supervisor.wait()
            feed.finish(end, lostEvents: 0)
            finished.signal()
        }
        var state = TUIState(width: 80, height: 24, title: options.title, pid: pid, status: .running,
                             outputPath: options.outputPath, loadedPolicy: policy)
        state.asking = true
        let (final, signal) = try runLoop(state: state, feed: feed, ask: session, stdio: stdio, options: options)
        supervisor.terminate()
        _ = finished.wait(timeout: .now() + 6)
        stdio.restore()
        report(final, signal: signal)
    }

    /// The supervisor, for the callbacks made before it exists to reach it.
    private final class SupervisorReference: @unchecked Sendable {
        var value: AskSupervisor?
    }

    /// Shows saved statistics (a profile), no tracee.
    public static func offline(_ stats: LiveStats, options: Options) throws {
        let policy = try options.policyPath.map { try PolicyIO.load(path: $0) }
        let stdio = try TerminalStdio(childOutput: "/dev/null")
        defer { stdio.restore() }
        var state = TUIState(width: 80, height: 24, title: options.title, status: .profile,
                             outputPath: options.outputPath, loadedPolicy: policy)
        state = reduce(state, .update(stats, rate: 0))
        let (final, signal) = try runLoop(state: state, feed: nil, stdio: stdio, options: options)
        stdio.restore()
        report(final, signal: signal)
    }

    /// The file `--child-output` names, opened for a copy of what the program writes on the
    /// pseudo-terminal; -1 for none.
    private static func openCopy(_ path: String, terminal: PseudoTerminal?) throws -> Int32 {
        guard terminal != nil, !path.isEmpty, path != "/dev/null" else { return -1 }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw TerminalStdio.Failure(description: "\(path): cannot open for the program's output: "
                + Errno.current.description)
        }
        return fd
    }

    private static func runLoop(state: TUIState, feed: LiveFeed?, ask: AskSession? = nil, stdio: TerminalStdio,
                                options: Options, program: ProgramTerminal? = nil,
                                programOutput: ProgramOutputFeed? = nil) throws -> (TUIState, signal: Int32) {
        // A quit signal ends the loop the normal way; a second one restores the terminal at once.
        let quit = ProcessSignals.catchQuit { sig, count in
            if count > 1 { ProcessSignals.emergencyExit(sig) }
        }
        defer { quit.cancel() }
        let driver = try options.makeDriver(stdio.ttyIn, stdio.ttyOut, options.monochrome)
        let final = drive(driver, state: state, feed: feed, ask: ask, uiStatsPath: options.uiStatsPath, program: program,
                          programOutput: programOutput)
        return (final, ProcessSignals.pending)
    }

    /// Runs the event loop on `driver` until the user quits or `quitSignal` reports a signal,
    /// then restores the terminal (`driver.end()`) and returns the final state.
    static func drive(_ driver: TerminalDriver, state: TUIState, feed: LiveFeed?, ask: AskSession? = nil,
                      uiStatsPath: String? = nil,
                      program: ProgramTerminal? = nil, programOutput: ProgramOutputFeed? = nil,
                      quitSignal: @escaping () -> Int32 = { ProcessSignals.pending }) -> TUIState {
        defer { driver.end() }
        let loop = EventLoop(driver: driver, feed: feed, state: state, ask: ask, program: program,
                             programOutput: programOutput, quitSignal: quitSignal)
        let started = Date.timeIntervalSinceReferenceDate
        let final = loop.run()
        if let path = uiStatsPath {
            let seconds = Date.timeIntervalSinceReferenceDate - started
            let text = "frames \(driver.frames)\nseconds \(seconds)\ncells \(driver.cellsWritten)\n"
                + "events \(final.stats.total)\n"
            try? AtomicFile.write(text, to: path)
        }
        return final
    }

    /// The program's pseudo-terminal as the event loop uses it.
    private final class ProgramOnTerminal: ProgramTerminal {
        let terminal: PseudoTerminal
        init(_ terminal: PseudoTerminal) { self.terminal = terminal }
        func send(_ bytes: [UInt8]) { terminal.write(bytes) }
        func resize(width: Int, height: Int) { terminal.resize(width: width, height: height) }
    }

    /// One line on stderr after the screen is gone, then the saved policy's blind spots; a
    /// signal ends the process with 128+N.
    private static func report(_ s: TUIState, signal sig: Int32) {
        let line: String
        switch (s.lastSavedPath, s.hasUnsavedChanges) {
        case (let path?, false): line = "seccomp-tui: policy saved to \(path)"
        case (let path?, true): line = "seccomp-tui: policy saved to \(path); later changes were not saved"
        case (nil, _): line = "seccomp-tui: quit without saving a policy"
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
        for w in s.lastSavedPath == nil ? [] : s.savedWarnings {
            FileHandle.standardError.write(Data("warning: \(w)\n".utf8))
        }
        if sig != 0 { exit(128 + sig) }
    }
}
