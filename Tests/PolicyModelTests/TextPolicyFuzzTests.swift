import Testing
@testable import PolicyModel
import TestSupport

/// Mutated policy texts: the reader either accepts them or throws one diagnostic that points
/// inside the text; it never traps.
@Suite struct TextPolicyFuzzTests {
    typealias F = TextPolicyFixtures

    static let pieces = ["==", "!=", "<", ">=", "&", "&&", "||", "|", ":", "@", "#", "\"", "-", "0x", "0", "9", "-1",
                         " ", "\n", "\r\n", "\t", "=", "!", "allow", "errno", "if", "arg7", "arg5", "fd", "AT_FDCWD",
                         "@include", "@default", "@basic-io", "é", "∑", "😀", "\u{0}", "18446744073709551616"]

    @Test("3000 mutated policies: accepted, or refused with a position inside the text")
    func mutations() throws {
        var g = SplitMix64(seed: 7)
        let generator = RandomTextPolicies(vocabulary: F.vocabulary)
        var refused = 0
        for n in 0..<3000 {
            var chars = Array(generator.text(&g))
            for _ in 0..<Int.random(in: 1...4, using: &g) {
                let at = Int.random(in: 0...chars.count, using: &g)
                switch Int.random(in: 0..<3, using: &g) {
                case 0 where at < chars.count: chars.remove(at: at)
                case 1 where at < chars.count: chars[at] = Self.pieces.randomElement(using: &g)!.first!
                default: chars.insert(contentsOf: Self.pieces.randomElement(using: &g)!, at: at)
                }
            }
            let text = String(chars)
            do {
                _ = try TextPolicy.parse(text, file: "f.policy", vocabulary: F.vocabulary) { _ in "read: allow\n" }
            } catch let e as TextPolicyDiagnostic {
                refused += 1
                let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                try #require(e.file == "f.policy" && (1...lines.count).contains(e.line), "mutation \(n): \(e)\n\(text)")
                try #require((1...lines[e.line - 1].count + 1).contains(e.column), "mutation \(n): \(e)\n\(text)")
                #expect(!e.message.isEmpty)
            }
        }
        // Most mutations break something; some (a changed digit, a comment) do not.
        #expect(refused > 1000 && refused < 3000)
    }
}
