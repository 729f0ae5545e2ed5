import Foundation
import Testing
import TestSupport
@testable import TraceCapture

/// The perf warm-up ends with the backend's start, whichever backend is made. (Whether it is
/// pending right after `warmUpPerf` is not asserted: perf tests of other suites, running at
/// the same time in this process, may end it in between.)
@Suite(.serialized) struct PerfWarmUpBackendTests {
    final class Count: @unchecked Sendable {
        let lock = NSLock()
        var events = 0
    }

    @Test("a warmed-up perf trace records as usual and ends the warm-up", .requires(TraceBackends.perfUnavailableReason()))
    func perfEndsIt() throws {
        TraceBackends.warmUpPerf()
        TraceBackends.warmUpPerf()  // a second start is a no-op
        let backend = try TraceBackends.make(kind: .perf)
        let count = Count()
        _ = try backend.start(.spawn(command: ["true"]), options: TraceOptions()) { batch in
            count.lock.withLock { count.events += batch.events.count }
        }
        #expect(!TraceBackends.perfWarmUpPending)
        #expect(backend.wait() == .exited(0))
        #expect(count.lock.withLock { count.events } > 0)
    }

    @Test("choosing ptrace ends a warm-up too, and a failed perf start ends it")
    func othersEndIt() throws {
        TraceBackends.warmUpPerf()
        _ = try TraceBackends.make(kind: .ptrace)
        #expect(!TraceBackends.perfWarmUpPending)
        if TraceBackends.perfUnavailableReason() == nil {
            TraceBackends.warmUpPerf()
            let backend = try TraceBackends.make(kind: .perf)
            #expect(throws: (any Error).self) {
                _ = try backend.start(.spawn(command: ["/nonexistent/seccomp-tui-test"]), options: TraceOptions()) { _ in }
            }
            #expect(!TraceBackends.perfWarmUpPending)
        }
    }
}
