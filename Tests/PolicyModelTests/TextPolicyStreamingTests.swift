import Testing
@testable import PolicyModel

/// A rule line's alternatives are resolved as they are parsed and its tokens lexed as they are
/// needed; what is reported must still be what lexing, then parsing, then resolving the whole
/// line gives: a lexical error anywhere first, then a syntax error, then the first resolving error.
@Suite struct TextPolicyStreamingTests {
    private func error(_ line: String) throws -> String {
        let e = try #require(throws: TextPolicyDiagnostic.self) {
            try TextPolicy.parse("@default kill\n\(line)", file: "p.policy")
        }
        return "\(e.line):\(e.column): \(e.message)"
    }

    @Test("a lexical error late in a line comes before an earlier syntax or resolving error")
    func lexicalFirst() throws {
        #expect(try error("read: nosuch == 1 || fd == 2 ; x") == "2:30: unexpected character ';'")
        #expect(try error("read: fd == 1 fd || fd = 2") == "2:24: expected '==' (a single '=' is not an operator)")
        #expect(try error("nosuch: fd == 1 || fd == 2 || fd == 0x") == "2:37: '0x' is not a number (expected hexadecimal digits)")
    }

    @Test("a syntax error late in a line comes before an earlier resolving error")
    func syntaxBeforeResolving() throws {
        #expect(try error("read: fd == NOSUCH || fd == 2 ||").hasPrefix("2:33: expected an argument name"))
        #expect(try error("nosuch: fd == 1 || fd == 2 fd").hasPrefix("2:28: expected '&&', '||' or the end of the line"))
    }

    @Test("resolving errors in line order: the unknown syscall, then the first bad alternative")
    func resolvingOrder() throws {
        #expect(try error("nosuch: bogus == 1 || fd == 2").hasPrefix("2:1: unknown syscall 'nosuch'"))
        #expect(try error("read: fd == 1 || bogus == 2 || fd == NOSUCH").hasPrefix("2:18: 'read' has no argument 'bogus'"))
    }

    @Test("a line of 100k alternatives gives its rules in order, and its warnings once each")
    func longLine() throws {
        let alternatives = (0..<100_000).map { "arg4 == \($0)" }.joined(separator: " || ")
        let parsed = try TextPolicy.parse("@default kill\nread: \(alternatives)", file: "p.policy")
        #expect(parsed.policy.rules.count == 100_000)
        #expect(parsed.policy.rules.map { $0.conditions[0].value } == (0..<100_000).map(UInt64.init))
        #expect(parsed.warnings.count == 100_000)
        let beforeLast = "read: " + (0..<99_999).map { "arg4 == \($0)" }.joined(separator: " || ") + " || "
        #expect(parsed.warnings.last?.column == beforeLast.count + 1)
    }

    @Test("the rules reserved up front: lines with a colon and their `||`s, at most one per 12 bytes")
    func estimatedRules() {
        func estimate(_ text: String) -> Int {
            var text = text
            return text.withUTF8 { TextPolicyParser.estimatedRules(in: $0) }
        }
        let policy = "@default errno EPERM\n# a comment\nread: allow\nwrite: arg0 == 1 || arg0 == 2\nclose: allow"
        #expect(estimate(policy) == 4)
        #expect(estimate(String(repeating: ":", count: 1600)) == 1)  // one line
        #expect(estimate(String(repeating: ":\n", count: 800)) == 133)  // 800 lines, 1600 bytes
        // `||` before the colon counts too (a malformed line; the estimate only sizes an array);
        // "|||" is one `||`; a line without a colon gives no rule.
        #expect(estimate("read: arg0 == 1 |||| arg0 == 2 ||| arg0 == 3 || arg0 == 4 \n||||||||||||||||||||") == 5)
        let alternatives = "read: " + (0..<1000).map { "arg0 == \($0)" }.joined(separator: " || ")
        #expect(estimate(alternatives) == 1000)
        #expect(estimate(String(repeating: "a: ||\n", count: 100)) == 50)  // 200 by count; 600 bytes / 12
        #expect(estimate("") == 0)
    }
}
