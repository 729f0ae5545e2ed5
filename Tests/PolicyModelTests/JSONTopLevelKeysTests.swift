import PolicyModel
import Testing

/// Finding the top-level keys of a JSON object without parsing it whole.
@Suite struct JSONTopLevelKeysTests {
    static func keys(_ text: String) -> [String]? { JSONTopLevelKeys.of(Array(text.utf8)) }

    @Test("only the top level's keys, in order; nested keys and string values are not keys")
    func topLevel() {
        #expect(Self.keys(#"{"version": 1, "metadata": {"version": 2, "x": [1, {"y": "z"}]}, "syscalls": []}"#)
            == ["version", "metadata", "syscalls"])
        #expect(Self.keys(#"{"defaultAction": "SCMP_ACT_ERRNO", "names": ["metadata", "version"]}"#)
            == ["defaultAction", "names"])
        #expect(Self.keys("{}") == [])
        #expect(Self.keys("\u{FEFF} \n\t{\"a\":1}") == ["a"])
    }

    @Test("braces, brackets, commas and escaped quotes inside strings change nothing")
    func strings() {
        #expect(Self.keys(#"{"a": "}{][,\"", "b\"c": "x", "d": "\\", "e": 1}"#) == ["a", #"b\"c"#, "d", "e"])
    }

    @Test("not an object, or an object that never closes: nil")
    func notObjects() {
        #expect(Self.keys("[1, 2]") == nil)
        #expect(Self.keys("@default-action errno EPERM") == nil)
        #expect(Self.keys("") == nil)
        #expect(Self.keys(#"{"a": {"b": 1}"#) == nil)
        #expect(Self.keys(#"{"a": "unterminated"#) == nil)
        #expect(Self.keys(#"{"a\"#) == nil)
    }
}
