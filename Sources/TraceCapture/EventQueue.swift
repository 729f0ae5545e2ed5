import Foundation
import PolicyModel

/// A batch of events as a backend delivers it, with the events the backend knows it lost.
public struct EventBatch: Sendable, Equatable {
    public var events: [SyscallEvent]
    /// Events lost since the trace started (perf ring buffer overruns), as of this batch; 0 for
    /// ptrace, which loses nothing. A consumer keeps the last value it saw.
    public var lostSoFar: UInt64

    public init(events: [SyscallEvent], lostSoFar: UInt64 = 0) {
        self.events = events
        self.lostSoFar = lostSoFar
    }
}

/// The one path from a backend's tracing thread to its consumer (both backends): event batches
/// are handed to a delivery thread that calls `deliver`, in order. Bounded: when the consumer
/// falls behind, `push` blocks the producer — a ptrace tracee then waits at its stop, and perf's
/// ring buffers fill and the kernel counts what it drops (`PERF_RECORD_LOST`) instead of this
/// process growing.
final class EventQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [EventBatch] = []
    private var head = 0
    private var closed = false
    private var lastLost: UInt64 = 0
    private let capacity: Int
    private let done = DispatchSemaphore(value: 0)

    init(capacity: Int, name: String, deliver: @escaping @Sendable (EventBatch) -> Void) {
        self.capacity = max(1, capacity)
        let thread = Thread { [self] in
            while let batch = pop() { deliver(batch) }
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Queues `events` with the lost count so far; a batch with no events is queued only when
    /// that count changed, so that a consumer learns of losses even when nothing else arrives.
    func push(_ events: [SyscallEvent], lostSoFar: UInt64 = 0) {
        condition.lock()
        defer { condition.unlock() }
        guard !events.isEmpty || lostSoFar != lastLost else { return }
        while batches.count - head >= capacity && !closed { condition.wait() }
        lastLost = lostSoFar
        batches.append(EventBatch(events: events, lostSoFar: lostSoFar))
        condition.broadcast()
    }

    private func pop() -> EventBatch? {
        condition.lock()
        defer { condition.unlock() }
        while head == batches.count && !closed { condition.wait() }
        guard head < batches.count else { return nil }
        let batch = batches[head]
        batches[head] = EventBatch(events: [])
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
