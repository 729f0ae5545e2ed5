import Foundation
import PolicyModel
import TraceCapture

/// The TUI's main loop, in the manner of bottom: keys are read with a short timeout on this
/// thread, tracer batches are folded by `LiveFeed` on the backend's delivery thread, and the screen is
/// drawn only when something changed — at once after a key, at most 20 times a second for data.
final class EventLoop {
    static let frameInterval = 0.05
    private let driver: TerminalDriver
    private let feed: LiveFeed?
    private let ask: AskSession?
    /// The traced program's terminal and what it wrote there, when it runs on the TUI's.
    private let program: ProgramTerminal?
    private let programOutput: ProgramOutputFeed?
    private var programSize = (width: 0, height: 0)
    private(set) var state: TUIState
    /// Frames drawn.
    private(set) var frames = 0

    /// The quit signal received, or 0 (`ProcessSignals.pending`; tests give their own).
    private let quitSignal: () -> Int32

    init(driver: TerminalDriver, feed: LiveFeed?, state: TUIState, ask: AskSession? = nil,
         program: ProgramTerminal? = nil, programOutput: ProgramOutputFeed? = nil,
         quitSignal: @escaping () -> Int32 = { ProcessSignals.pending }) {
        self.driver = driver
        self.program = program
        self.programOutput = programOutput
        self.quitSignal = quitSignal
        self.feed = feed
        self.ask = ask
        self.state = state
    }

    private func now() -> Double { Date.timeIntervalSinceReferenceDate }

    /// Runs until the user quits or a signal asks to. Returns the final state.
    func run() -> TUIState {
        var version = -1
        var askVersion = -1
        var outputVersion = 0
        var lastDraw = 0.0
        var needsDraw = true
        var rateTime = now()
        var rateTotal: UInt64 = 0
        let (w, h) = driver.size
        state = reduce(state, .resize(width: w, height: h))
        while !state.shouldQuit && quitSignal() == 0 {
            let untilFrame = needsDraw ? max(0, Int(((lastDraw + Self.frameInterval) - now()) * 1000)) : 50
            var keyed = false
            // In ask mode a waiting call is looked for every 10 ms: its prompt must show at once.
            if let event = driver.read(timeoutMs: min(ask == nil ? 50 : 10, untilFrame)) {
                handle(event)
                keyed = true
                // Coalesce whatever else is already waiting.
                var more = 0
                while more < 64, let next = driver.read(timeoutMs: 0) {
                    handle(next)
                    more += 1
                }
            }
            // A new waiting call is drawn at once, like a key.
            if let ask, let snap = ask.snapshot(after: askVersion) {
                askVersion = snap.version
                state = reduce(state, .prompts(snap.calls))
                keyed = true
            }
            let t = now()
            if let feed, t - lastDraw >= Self.frameInterval || keyed {
                if t - rateTime >= 1 {
                    let total = feed.total
                    state.rate = state.hasEnded ? 0 : Double(total - min(total, rateTotal)) / (t - rateTime)
                    rateTime = t
                    rateTotal = total
                    needsDraw = true
                }
                if let snap = feed.snapshot(after: version) {
                    version = snap.version
                    state = reduce(state, .update(snap.stats, rate: state.rate))
                    if let end = snap.end, state.status != .ended(end) {
                        state = reduce(state, .traceEnded(.ended(end)))
                    }
                    needsDraw = true
                }
            }
            if let programOutput, let snap = programOutput.snapshot(after: outputVersion) {
                outputVersion = snap.version
                state = reduce(state, .output(snap.output))
                needsDraw = true
            }
            resizeProgram()
            if keyed { needsDraw = true }
            if needsDraw && (keyed || now() - lastDraw >= Self.frameInterval) {
                driver.draw(Screen.render(state))
                frames += 1
                lastDraw = now()
                needsDraw = false
            }
        }
        return state
    }

    /// Gives the program's screen and the program (TIOCSWINSZ, SIGWINCH) the output pane's size
    /// less its title row and left margin, when it changed.
    private func resizeProgram() {
        guard let program else { return }
        let size = state.programSize
        if size != programSize {
            programSize = size
            programOutput?.resize(width: size.width, height: size.height)
            program.resize(width: size.width, height: size.height)
        }
    }

    private func handle(_ event: InputEvent) {
        switch event {
        case .resize(let w, let h):
            state = reduce(state, .resize(width: w, height: h))
        case .key(let k):
            state = reduce(state, .key(k))
        }
        perform(state.effects)
    }

    /// Does what the reducer asked for and feeds the outcome back.
    private func perform(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .redrawAll:
                driver.invalidate()
            case .answer(let id, let answer):
                ask?.answer(id, answer)
                ask?.remove([id])
            case .askRules(let rules):
                ask?.setRules(rules)
            case .sendToProgram(let bytes):
                program?.send(bytes)
            case .save(let path, let format, let policy):
                do {
                    let bytes = try PolicyIO.encode(policy, as: format)
                    try AtomicFile.write(bytes, to: path)
                    state = reduce(state, .saved(path: path, format: format, policy: policy))
                } catch {
                    state = reduce(state, .saveFailed("\(error)"))
                }
            }
        }
    }
}
