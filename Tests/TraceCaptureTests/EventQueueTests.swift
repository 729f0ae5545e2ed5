import Foundation
import PolicyModel
import Testing
import TestSupport
@testable import TraceCapture

/// The one delivery path of both backends: a bounded queue of batches that carry the lost count.
@Suite struct EventQueueTests {
    final class Batches: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [EventBatch] = []
        func add(_ b: EventBatch) { lock.withLock { stored.append(b) } }
        var all: [EventBatch] { lock.withLock { stored } }
    }

    static func event(_ i: Int) -> SyscallEvent {
        SyscallEvent(pid: 1, tid: 1, arch: .host, nr: Int32(i), args: [])
    }

    @Test("batches arrive in order; an empty batch is queued only when the lost count changed")
    func orderAndLosses() {
        let got = Batches()
        let queue = EventQueue(capacity: 2, name: "test delivery") { got.add($0) }
        for i in 0..<50 { queue.push([Self.event(i)], lostSoFar: UInt64(i / 10)) }
        queue.push([], lostSoFar: 4)  // unchanged: nothing
        queue.push([], lostSoFar: 9)
        queue.closeAndWait()
        let all = got.all
        #expect(all.flatMap(\.events).map(\.nr) == (0..<50).map(Int32.init))
        #expect(all.count == 51)
        #expect(all.last == EventBatch(events: [], lostSoFar: 9))
        #expect(all.map(\.lostSoFar) == (0..<50).map { UInt64($0 / 10) } + [9])
    }

    @Test("perf: the lost count reaches the consumer with the batches, not only at the end",
          .requires(TraceBackends.perfUnavailableReason()))
    func perfBatchesCarryLosses() throws {
        let exe = try ProcessRunner.compileC("""
            #include <stdlib.h>
            #include <sys/syscall.h>
            #include <unistd.h>
            int main(int argc, char **argv) {
                long n = atol(argv[1]);
                for (long i = 0; i < n; i++) syscall(SYS_getppid);
                return 0;
            }
            """, name: "getppid-loop")
        let backend = PerfBackend(configuration: .init(ringPages: 1, pollMilliseconds: 200))
        let got = Batches()
        _ = try backend.start(.spawn(command: [exe, "200000"]), options: TraceOptions()) { got.add($0) }
        #expect(backend.wait() == .exited(0))
        let lost = got.all.map(\.lostSoFar)
        #expect(backend.lostEvents > 0, "a one-page ring must overflow at 200000 calls")
        #expect(lost.last == backend.lostEvents)
        #expect(zip(lost, lost.dropFirst()).allSatisfy { $0 <= $1 }, "the count never goes back")
    }
}
