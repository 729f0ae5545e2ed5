import Foundation
import Testing
@testable import PolicyModel

@Suite struct OCIJSONParserTests {
    private func parse(_ text: String, limits: JSONParser.Limits = .standard) throws -> JSONNode {
        try JSONParser.parse(Array(text.utf8), limits: limits)
    }

    private func syntaxError(_ text: String, limits: JSONParser.Limits = .standard) -> JSONSyntaxError? {
        do {
            _ = try parse(text, limits: limits)
            return nil
        } catch let e as JSONSyntaxError {
            return e
        } catch {
            return nil
        }
    }

    @Test("values, nesting and positions are read as written")
    func readsValues() throws {
        let node = try parse("{\n  \"a\": [1, -2, 3.5e1, true, false, null],\n  \"é\": \"x\\u00e9\\n\\ud83d\\ude00\"\n}")
        guard case .object(let members) = node.value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["a", "é"])
        #expect(members[0].keyPosition == SourcePosition(line: 2, column: 3))
        guard case .array(let items) = members[0].value.value else { Issue.record("not an array"); return }
        #expect(items.map(\.value) == [.number(JSONNumber(text: "1")), .number(JSONNumber(text: "-2")),
                                       .number(JSONNumber(text: "3.5e1")), .bool(true), .bool(false), .null])
        #expect(items[1].position == SourcePosition(line: 2, column: 12))
        #expect(members[1].value.value == .string("xé\n😀"))
        // Columns count characters, not bytes: "é" is one column.
        #expect(members[1].value.position == SourcePosition(line: 3, column: 8))
    }

    @Test("agrees with Foundation's JSONSerialization on the docker profile")
    func agreesWithFoundation() throws {
        let url = try #require(Bundle.module.url(forResource: "docker-default", withExtension: "json", subdirectory: "Fixtures"))
        let data = try Data(contentsOf: url)
        let ours = try JSONParser.parse(Array(data))
        let theirs = try JSONSerialization.jsonObject(with: data)
        #expect(same(ours, theirs))
    }

    /// Whether our tree and Foundation's agree value for value.
    private func same(_ node: JSONNode, _ other: Any) -> Bool {
        switch node.value {
        case .null: return other is NSNull
        case .bool(let b): return (other as? Bool) == b
        case .number(let n): return (other as? NSNumber).map { $0.uint64Value == n.uint64 } ?? false
        case .string(let s): return (other as? String) == s
        case .array(let a):
            guard let o = other as? [Any], o.count == a.count else { return false }
            return zip(a, o).allSatisfy { same($0, $1) }
        case .object(let m):
            guard let o = other as? [String: Any], o.count == m.count else { return false }
            return m.allSatisfy { member in o[member.key].map { same(member.value, $0) } ?? false }
        }
    }

    @Test("malformed JSON gives the line, the column and what was expected",
          arguments: [
            ("{\"a\": 1,}", 1, 9, "expected a quoted key after ','"),
            ("[1, 2,]", 1, 7, "expected a value after ','"),
            ("{\n  \"a\" 1\n}", 2, 7, "expected ':' after the key \"a\""),
            ("{\"a\": [1 2]}", 1, 10, "expected ',' or ']' after an array element but found '2'"),
            ("{\"a\": tru}", 1, 7, "expected 'true'"),
            ("{\"a\": 01}", 1, 8, "expected no leading zero"),
            ("{\"a\": -}", 1, 8, "expected a digit but found '}'"),
            ("{\"a\": 1.}", 1, 9, "expected a digit after '.'"),
            ("{\"a\": \"x\\q\"}", 1, 10, "expected one of"),
            ("{\"a\": \"x\ny\"}", 1, 9, "control characters must be escaped"),
            ("{\"a\": \"abc", 1, 11, "expected '\"' to end the string that starts at 1:7 but the file ends"),
            ("{\"a\": 1} x", 1, 10, "expected the end of the file after the JSON value but found 'x'"),
            ("// comment\n{}", 1, 1, "expected a value"),
            ("{\"a\": 1, \"a\": 2}", 1, 10, "duplicate key \"a\" (first at 1:2)"),
            ("{\"a\": \"\\ud800\"}", 1, 8, "expected a low surrogate"),
            ("{\"a\": \"\\udc00\"}", 1, 8, "expected a high surrogate"),
            ("\n\n   [1,\n  {", 4, 4, "expected a quoted key or '}' but the file ends"),
          ])
    func malformed(text: String, line: Int, column: Int, expected: String) throws {
        let e = try #require(syntaxError(text))
        #expect(e.position == SourcePosition(line: line, column: column), "\(e)")
        #expect(e.message.contains(expected), "\(e)")
    }

    @Test("invalid UTF-8 in a string is rejected")
    func invalidUTF8() throws {
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0xE2, 0x28, 0xA1], [0xF4, 0x90, 0x80, 0x80]] {
            let bytes = Array("[\"a".utf8) + bad + Array("\"]".utf8)
            #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
        }
        #expect(try JSONParser.parse(Array("[\"a\u{10FFFF}\"]".utf8)).value == .array([JSONNode(.string("a\u{10FFFF}"), at: SourcePosition(line: 1, column: 2))]))
    }

    @Test("an empty file and a file of white space say so")
    func empty() throws {
        #expect(try #require(syntaxError("")).message == "the file is empty: expected a JSON value")
        #expect(try #require(syntaxError(" \n\t")).message == "the file holds only white space: expected a JSON value")
    }

    @Test("nesting deeper than the limit is an error, not a stack overflow")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let e = try #require(syntaxError(deep))
        #expect(e.message == "arrays and objects are nested more than 64 levels deep")
        #expect(e.position == SourcePosition(line: 1, column: 65))
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(syntaxError(ok) == nil)
    }

    @Test("input above the size limit is refused before parsing")
    func sizeLimit() throws {
        let e = try #require(syntaxError("[1, 2, 3]", limits: JSONParser.Limits(maxBytes: 8)))
        #expect(e.position == nil)
        #expect(e.message == "the file is 9 bytes, more than the limit of 8 bytes")
        let big = [UInt8](repeating: 0x20, count: (32 << 20) + 1)
        let e2 = try #require(throws: JSONSyntaxError.self) { try JSONParser.parse(big) }
        #expect(e2.message.hasSuffix("more than the limit of 32 MiB"))
    }

    @Test("a UTF-8 byte order mark is skipped")
    func byteOrderMark() throws {
        let node = try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8))
        #expect(node.value == .object([]))
    }
}
