import Foundation
import Testing
@testable import TraceCapture
@Suite struct TmpBench {
    @Test func bench() throws {
        let exe = try PerfTestSupport.compileC(PerfBackendCountTests.getppidLoop, name: "g")
        for n in ["400000", "2000000"] {
        let t0 = Date()
        let t = try PerfTestSupport.trace(PerfBackend(), [exe, n])
        print("BENCH n=\(n) \(Date().timeIntervalSince(t0)) s events=\(t.events.count) lost=\(t.lost)")
        }
        let t1 = Date(); try PerfTestSupport.run([exe, "400000"]); print("BENCH untraced \(Date().timeIntervalSince(t1))")
    }
}
