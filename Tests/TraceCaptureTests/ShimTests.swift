import Testing
import CTraceCapture

@Suite struct ShimTests {
    @Test("the C shim is linked")
    func shimLinked() {
        #expect(CTraceCapture_version() == 1)
    }
}
