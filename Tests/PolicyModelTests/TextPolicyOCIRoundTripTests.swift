import Testing
@testable import PolicyModel
import TestSupport

/// Random policies through the OCI codec, directly and after a pass through the text format:
/// every decision `Policy.decide` makes is kept.
@Suite struct TextPolicyOCIRoundTripTests {
    static let target = OCITarget(arch: .x86_64, kernel: KernelVersion(kernel: 6, major: 18))

    /// Shapes a random policy into one OCI can carry exactly: runc's rules (no default-action
    /// rules, one test per argument, no notify on write or as the default), the target's
    /// architecture listed, and libseccomp's bad-architecture action (kill-thread).
    static func ociShaped(_ p: Policy) -> Policy {
        var p = p
        if p.defaultAction == .userNotif { p.defaultAction = .errno(1) }
        if !p.architectures.contains(target.arch) { p.architectures.append(target.arch) }
        p.badArchAction = .killThread
        p.rules = p.rules.map { r in
            var r = r
            var seen = Set<Int>()
            r.conditions = r.conditions.filter { seen.insert($0.index).inserted }
            if r.action == .userNotif && r.syscall == "write" { r.action = .log }
            if r.action == p.defaultAction { r.action = p.defaultAction == .trap ? .killThread : .trap }
            return r
        }
        return p
    }

    @Test("policy -> OCI JSON -> policy, and policy -> text -> policy -> OCI JSON -> policy, keep every decision")
    func ociRoundTrip() throws {
        let vocabulary = TextPolicyVocabulary.standard
        let generator = RandomTextPolicies(vocabulary: vocabulary)
        var g = SplitMix64(seed: 0x0C1)
        let options = OCIWriter.Options(listenerPath: "/run/agent.sock")
        var compared = 0
        var refused = 0
        for n in 0..<1000 {
            let policy = Self.ociShaped(generator.policy(&g))
            // The writer refuses rule sets runc (libseccomp) would decide differently, with an
            // error naming the rules; such policies have no OCI form to round-trip.
            let json: [UInt8]
            do { json = try OCIWriter.encode(policy, options: options) } catch is OCIWriteError { refused += 1; continue }
            let direct = try OCIProfile.read(json, source: "p.json", target: Self.target).policy
            let viaText = try TextPolicy.parse(TextPolicy.format(policy)).policy
            let throughBoth = try OCIProfile.read(try OCIWriter.encode(viaText, options: options), source: "t.json",
                                                  target: Self.target).policy
            for _ in 0..<40 {
                let data = generator.data(for: policy, &g)
                let expected = policy.decide(data)
                let (a, b) = (direct.decide(data), throughBoth.decide(data))
                try #require(a == expected && b == expected,
                             "policy \(n): \(data) decided \(expected), after OCI \(a), after text and OCI \(b):\n\(TextPolicy.format(policy))")
                compared += 1
            }
        }
        // Most refusals: argument tests with several architectures (libseccomp 2.5.4 skips loading
        // the syscall number of the second), and 32-bit tests needing too many masked forms.
        #expect(refused < 950, "the writer refused \(refused) of 1000 policies")
        #expect(compared == (1000 - refused) * 40)
    }
}
