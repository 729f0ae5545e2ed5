import Foundation
import PolicyModel
import TraceCapture

/// The TUI's side of an ask session: the calls waiting for an answer, in arrival order, as the
/// supervisor hands them over (on its thread), and the way back to the supervisor. The event loop
/// takes a snapshot whenever the queue changed, and performs the answers the reducer asks for.
public final class AskSession: @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [AskedCall] = []
    private var version = 0
    let answer: @Sendable (UInt64, AskAnswer) -> Void
    let setRules: @Sendable ([Rule]) -> Void

    /// `answer` answers one call once; `setRules` replaces the rules the supervisor answers by.
    public init(answer: @escaping @Sendable (UInt64, AskAnswer) -> Void,
                setRules: @escaping @Sendable ([Rule]) -> Void) {
        self.answer = answer
        self.setRules = setRules
    }

    /// A call waits (the supervisor's `onAsk`).
    public func add(_ call: AskedCall) {
        lock.withLock {
            calls.append(call)
            version &+= 1
        }
    }

    /// Calls that no longer wait (answered, settled by a rule, or gone).
    public func remove(_ ids: [UInt64]) {
        let gone = Set(ids)
        lock.withLock {
            let before = calls.count
            calls.removeAll { gone.contains($0.id) }
            if calls.count != before { version &+= 1 }
        }
    }

    /// The waiting calls when they changed since `after`, with the new version.
    func snapshot(after: Int) -> (calls: [AskedCall], version: Int)? {
        lock.withLock { version == after ? nil : (calls, version) }
    }
}
