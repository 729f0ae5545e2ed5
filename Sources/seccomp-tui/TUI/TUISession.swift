import Foundation
import Glibc
import PolicyModel
import TraceCapture

/// Starts the TUI, over a live trace or a saved profile, and takes everything down again on the
/// way out: the tracer is stopped (attached processes detached, spawned ones killed), the terminal
/// restored, the standard streams put back.
enum TUISession {
    struct Options {
        var title: String
        var outputPath: String?
        var policyPath: String?
        var childOutput = "/dev/null"
        var monochrome = false
        /// Where to write frame counts at exit (hidden `--ui-stats`, for the benchmark).
        var uiStatsPath: String?
    }

    /// Traces `target` with `backend` and runs the TUI until the user quits.
    static func live(_ backend: TraceBackend, target: TraceTarget, traceOptions: TraceOptions,
                     options: Options) throws {
        let policy = try options.policyPath.map { try PolicyIO.load(path: $0) }
        let stdio = try TerminalStdio(childOutput: options.childOutput)
        defer { stdio.restore() }
        let feed = LiveFeed()
        let pid = try backend.start(target, options: traceOptions) { feed.add($0) }
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            feed.finish(backend.wait())
            finished.signal()
        }
        var ended = false
        defer {
            if !ended { backend.stop() }
        }
        let state = TUIState(width: 80, height: 24, title: options.title, pid: pid, status: .running,
                             outputPath: options.outputPath, loadedPolicy: policy)
        let final = try runLoop(state: state, feed: feed, stdio: stdio, options: options,
                                lost: { backend.lostEvents })
        backend.stop()
        ended = finished.wait(timeout: .now() + 5) == .success
        stdio.restore()
        report(final)
    }

    /// Shows saved statistics (a profile), no tracee.
    static func offline(_ stats: LiveStats, options: Options) throws {
        let policy = try options.policyPath.map { try PolicyIO.load(path: $0) }
        let stdio = try TerminalStdio(childOutput: "/dev/null")
        defer { stdio.restore() }
        var state = TUIState(width: 80, height: 24, title: options.title, status: .profile,
                             outputPath: options.outputPath, loadedPolicy: policy)
        state = reduce(state, .update(stats, rate: 0))
        let final = try runLoop(state: state, feed: nil, stdio: stdio, options: options, lost: nil)
        stdio.restore()
        report(final)
    }

    private static func runLoop(state: TUIState, feed: LiveFeed?, stdio: TerminalStdio, options: Options,
                                lost: (() -> UInt64)?) throws -> TUIState {
        let driver = try CursesDriver(inputFD: stdio.ttyIn, outputFD: stdio.ttyOut, monochrome: options.monochrome)
        defer { driver.end() }
        let loop = EventLoop(driver: driver, feed: feed, state: state, lost: lost)
        let started = Date.timeIntervalSinceReferenceDate
        let final = loop.run()
        if let path = options.uiStatsPath {
            let seconds = Date.timeIntervalSinceReferenceDate - started
            let text = "frames \(driver.frames)\nseconds \(seconds)\ncells \(driver.cellsWritten)\n"
                + "events \(final.stats.total)\n"
            try? AtomicFile.write(text, to: path)
        }
        return final
    }

    /// One line on stderr after the screen is gone; a signal ends the process with 128+N.
    private static func report(_ s: TUIState) {
        let line: String
        switch (s.lastSavedPath, s.hasUnsavedChanges) {
        case (let path?, false): line = "seccomp-tui: policy saved to \(path)"
        case (let path?, true): line = "seccomp-tui: policy saved to \(path); later changes were not saved"
        case (nil, _): line = "seccomp-tui: quit without saving a policy"
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
        let sig = TerminalGuard.pendingSignal
        if sig != 0 { exit(128 + sig) }
    }
}
