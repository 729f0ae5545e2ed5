import Foundation
import PolicyModel

/// Hands event batches from the perf reader thread to a delivery thread that calls `onEvents`.
/// Bounded: when the consumer falls behind, `push` blocks the reader, the ring buffers fill and
/// the kernel counts what it drops (`PERF_RECORD_LOST`) instead of this process growing.
final class PerfBatchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[SyscallEvent]] = []
    private var head = 0
    private var closed = false
    private let capacity: Int
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    init(capacity: Int, onEvents: @escaping @Sendable ([SyscallEvent]) -> Void) {
        self.capacity = max(1, capacity)
        let thread = Thread { [self] in
            while let batch = pop() { onEvents(batch) }
            done.signal()
        }
        thread.name = "seccomp-tui perf delivery"
        self.thread = thread
        thread.start()
    }

    func push(_ batch: [SyscallEvent]) {
        guard !batch.isEmpty else { return }
        condition.lock()
        while batches.count - head >= capacity && !closed { condition.wait() }
        batches.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    private func pop() -> [SyscallEvent]? {
        condition.lock()
        defer { condition.unlock() }
        while head == batches.count && !closed { condition.wait() }
        guard head < batches.count else { return nil }
        let batch = batches[head]
        batches[head] = []
        head += 1
        if head > 64 && head * 2 > batches.count {
            batches.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return batch
    }

    /// No more batches; returns once every queued batch was delivered.
    func closeAndWait() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
        done.wait()
    }
}
