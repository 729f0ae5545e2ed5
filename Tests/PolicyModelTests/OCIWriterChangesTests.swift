import PolicyModel
import Testing

/// What an OCI profile cannot say as the policy does is said, not dropped in silence.
@Suite struct OCIWriterChangesTests {
    @Test("a bad-architecture action other than a kill is named: OCI runtimes kill the thread")
    func badArchAction() throws {
        let errno = try TextPolicy.parse("@default errno EPERM\n@badarch errno EPERM\nread: allow\n").policy
        #expect(OCIWriter.changes(errno) == ["OCI profiles have no bad-architecture action: runtimes kill the thread that calls from an architecture the profile does not list (the policy says \(errno.badArchAction))"])
        let kill = try TextPolicy.parse("@default errno EPERM\nread: allow\n").policy
        #expect(OCIWriter.changes(kill).isEmpty)
        // The profile written reads back with the runtimes' action.
        let target = OCITarget(arch: .x86_64, kernel: try #require(KernelVersion(release: "6.18")))
        let back = try OCIProfile.read(OCIWriter.encode(errno), source: "w.json", target: target).policy
        #expect(back.badArchAction == .killThread)
    }
}
