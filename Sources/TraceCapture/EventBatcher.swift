import Dispatch
import Foundation
import PolicyModel

/// Collects events from the tracing thread and hands them to the consumer in batches (up to
/// `maxBatch` events, or whatever arrived in the last `interval`), in order, on its own queue.
final class EventBatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var current: [SyscallEvent] = []
    private var ready: [[SyscallEvent]] = []
    private let queue = DispatchQueue(label: "seccomp-tui.trace-events")
    private let timer: DispatchSourceTimer
    private let deliver: @Sendable ([SyscallEvent]) -> Void
    private let maxBatch: Int

    init(maxBatch: Int = 4096, interval: DispatchTimeInterval = .milliseconds(20),
         deliver: @escaping @Sendable ([SyscallEvent]) -> Void) {
        self.maxBatch = maxBatch
        self.deliver = deliver
        current.reserveCapacity(maxBatch)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [unowned self] in
            self.seal()
            self.drain()
        }
        timer.resume()
    }

    /// Adds one event (called on the tracing thread).
    func append(_ e: SyscallEvent) {
        lock.lock()
        current.append(e)
        let full = current.count >= maxBatch
        if full { sealLocked() }
        lock.unlock()
        if full { queue.async { self.drain() } }
    }

    /// Drops events not yet delivered (a spawn that failed before exec).
    func discardPending() {
        lock.lock()
        current.removeAll(keepingCapacity: true)
        ready.removeAll()
        lock.unlock()
    }

    /// Delivers everything collected so far and stops the timer; returns once delivered.
    func finish() {
        seal()
        queue.sync {
            timer.cancel()
            drain()
        }
    }

    private func seal() {
        lock.lock()
        sealLocked()
        lock.unlock()
    }

    private func sealLocked() {
        guard !current.isEmpty else { return }
        ready.append(current)
        current = []
        current.reserveCapacity(maxBatch)
    }

    private func drain() {
        while true {
            lock.lock()
            guard !ready.isEmpty else { lock.unlock(); return }
            let batch = ready.removeFirst()
            lock.unlock()
            deliver(batch)
        }
    }
}
