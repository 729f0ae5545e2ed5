import Foundation
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// Several processes traced as one trace (`record --container`): each process has its own
/// backend and delivery thread, and the consumer still gets one batch at a time, because it
/// folds them into one profile without a lock (two threads folding at once made a profile name
/// one syscall twice).
@Suite(.serialized, .requiresRoot, .requires(Requirement.ptraceAttach), .requires(Requirement.libseccompPython)) struct ProcessSetBackendTests {
    /// Counts how many deliveries run at once, holding each long enough for another to overlap.
    final class OverlapProbe: @unchecked Sendable {
        private let lock = NSLock()
        private var inside = 0
        private(set) var most = 0
        private(set) var profile = Profile()
        func deliver(_ batch: EventBatch) {
            lock.withLock { inside += 1; most = max(most, inside) }
            usleep(2_000)
            lock.withLock { inside -= 1; profile.add(batch.events) }
        }
    }

    @Test("the processes' batches reach the consumer one at a time, and every call is counted once",
          arguments: [BackendKind.perf, .ptrace])
    func oneBatchAtATime(kind: BackendKind) throws {
        let exe = try ProcessRunner.compileC(PerfBackendAttachTests.lateWorker, name: "late")
        let getppid = try PerfTestSupport.number("getppid")
        let attach = PerfBackendAttachTests()
        // Each works after 300 ms (3 threads, then a child, 500 getppid each), then exits.
        let processes = try (0..<2).map { _ in try attach.launch(exe, ["500", "300", "0"]) }
        let pids = processes.map(\.processIdentifier)
        let probe = OverlapProbe()
        let backend = ProcessSetBackend(kind: kind, pids: pids)
        _ = try backend.start(.attach(pid: pids[0]), options: TraceOptions()) { probe.deliver($0) }
        #expect(backend.wait() == .detached)
        // (Their exit status is not checked: a ptrace tracer that is also the parent may reap it.)
        for p in processes { p.waitUntilExit() }
        #expect(probe.most == 1)
        let arch = Arch.host
        #expect(probe.profile.syscalls.filter { $0.arch == arch && $0.number == getppid }.count == 1)
        #expect(probe.profile.syscall(named: "getppid", arch: arch)?.count == UInt64(2 * 4 * 500))
    }
}
