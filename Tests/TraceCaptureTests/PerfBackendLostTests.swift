import Foundation
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// When the ring buffers overflow, the kernel's PERF_RECORD_LOST counts reach `lostEvents`.
@Suite(.serialized, .requires(TraceBackends.perfUnavailableReason()), .requires(Requirement.strace), .requires(Requirement.libseccompPython)) struct PerfBackendLostTests {
    @Test("a one-page ring buffer and a burst of 200000 calls: events are lost and counted")
    func lostCounted() throws {
        let exe = try ProcessRunner.compileC(PerfBackendCountTests.getppidLoop, name: "getppid")
        let getppid = try PerfTestSupport.number("getppid")
        let total = 200_000
        let straced = try PerfTestSupport.strace([exe, "10"])
        let others = straced.values.reduce(0, +) - straced[getppid, default: 0]
        let backend = PerfBackend(configuration: .init(ringPages: 1, pollMilliseconds: 200))
        let t = try PerfTestSupport.trace(backend, [exe, String(total)])
        #expect(t.end == .exited(0))
        let recorded = t.count(of: getppid)
        #expect(t.lost > 0)
        #expect(recorded < total)
        // Every lost record was one of the program's calls (the kernel reports losses with the
        // next record it manages to write, so losses at the very end may go unreported).
        #expect(UInt64(t.events.count) + t.lost <= UInt64(total + others))
        #expect(UInt64(recorded) + t.lost > UInt64(total) / 2)
    }
}
