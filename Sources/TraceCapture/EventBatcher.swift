import Dispatch
import Foundation
import PolicyModel

/// Gathers the ptrace backend's events, one at a time on the tracing thread, into batches for
/// the `EventQueue`: a batch goes when it holds `maxBatch` events, and whatever arrived goes
/// every `interval`, so the last calls of a program that then blocks are delivered too.
final class EventBatcher: @unchecked Sendable {
    private let lock = NSLock()
    /// Held while a batch is sealed and queued, so that batches are queued in order.
    private let pushLock = NSLock()
    private var current: [SyscallEvent] = []
    private let timerQueue = DispatchQueue(label: "seccomp-tui.trace-events")
    private let timer: DispatchSourceTimer
    private let queue: EventQueue
    private let maxBatch: Int

    init(maxBatch: Int = 4096, interval: DispatchTimeInterval = .milliseconds(20), queuedBatches: Int = 16,
         deliver: @escaping @Sendable (EventBatch) -> Void) {
        self.maxBatch = maxBatch
        queue = EventQueue(capacity: queuedBatches, name: "seccomp-tui ptrace delivery", deliver: deliver)
        current.reserveCapacity(maxBatch)
        timer = DispatchSource.makeTimerSource(queue: timerQueue)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [unowned self] in self.sealAndPush() }
        timer.resume()
    }

    /// Adds one event (called on the tracing thread).
    func append(_ e: SyscallEvent) {
        lock.lock()
        current.append(e)
        let full = current.count >= maxBatch
        lock.unlock()
        if full { sealAndPush() }
    }

    /// Drops events not yet queued (a spawn that failed before exec).
    func discardPending() {
        lock.withLock { current.removeAll(keepingCapacity: true) }
    }

    /// Delivers everything collected so far and stops the timer; returns once delivered.
    func finish() {
        timerQueue.sync { timer.cancel() }
        sealAndPush()
        queue.closeAndWait()
    }

    private func sealAndPush() {
        pushLock.lock()
        defer { pushLock.unlock() }
        let batch: [SyscallEvent] = lock.withLock {
            let b = current
            current = []
            current.reserveCapacity(maxBatch)
            return b
        }
        queue.push(batch)
    }
}
