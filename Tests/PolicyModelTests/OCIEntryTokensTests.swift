import Testing
@testable import PolicyModel
import TestSupport

/// `OCIEntryTokens` reads an OCI profile's entries from their tokens; whatever it reads must be
/// what `OCIDecoder` makes of the tree (positions and field paths included) without a warning,
/// and whatever it refuses is left to the tree reading.
@Suite struct OCIEntryTokensTests {
    /// Entry 7 read from its tokens (nil when refused); the cursor must be at its end then.
    static func tokens(_ text: String, depth: Int = 2) -> OCIRawSyscall? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(bytes: buffer)
            cursor.skipWhitespace()
            guard let entry = OCIEntryTokens.read(&cursor, entry: 7, depth: depth, maxDepth: 64) else { return nil }
            cursor.skipWhitespace()
            #expect(cursor.atEnd, "\(text)")
            return entry
        }
    }

    /// Entry 7 decoded from its tree, when that gives no error and no warning.
    static func tree(_ text: String) -> OCIRawSyscall? {
        guard let node = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        var decoder = OCIDecoder(source: "p.json")
        guard let entry = try? decoder.syscall(node, entry: 7), decoder.warnings.isEmpty else { return nil }
        return entry
    }

    /// An entry as a list of members, in a random order.
    static func members(_ g: inout SplitMix64) -> [(key: String, value: String)] {
        let names = ["read", "write", "openat", "clock_gettime", "nope", "écrire"]
        let actions = ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_KILL", "SCMP_ACT_LOG"]
        let ops = ["SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_GE"]
        func pick(_ list: [String]) -> String { list[Int(g.next() % UInt64(list.count))] }
        var m: [(String, String)] = [
            ("names", "[" + (0..<(1 + g.next() % 3)).map { _ in "\"\(pick(names))\"" }.joined(separator: ", ") + "]"),
            ("action", "\"\(pick(actions))\""),
        ]
        if g.next() % 2 == 0 { m.append(("errnoRet", "\(g.next() % 40)")) }
        if g.next() % 4 != 0 {
            let args = (0..<(g.next() % 3)).map { _ in
                var arg = [("index", "\(g.next() % 6)"), ("op", "\"\(pick(ops))\"")]
                if g.next() % 3 != 0 { arg.append(("value", "\(g.next() >> (g.next() % 64))")) }
                if g.next() % 3 == 0 { arg.append(("valueTwo", "\(g.next() % 9)")) }
                return "{" + arg.shuffled(using: &g).map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
            }
            m.append(("args", "[" + args.joined(separator: ",\n    ") + "]"))
        }
        if g.next() % 5 == 0 { m.append(("comment", "\"why \(g.next() % 9)\"")) }
        return m.shuffled(using: &g)
    }

    static func text(_ members: [(key: String, value: String)]) -> String {
        "{\n  " + members.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ",\n  ") + "\n}"
    }

    @Test("entries read from their tokens are what the tree decoding makes of them, positions included")
    func entries() throws {
        var g = SplitMix64(seed: 3)
        var (read, refusedButValid, invalid) = (0, 0, 0)
        let replacements = ["-1", "0", "00", "1.0", "1e2", "4095", "4096", "65535", "65536", "18446744073709551616",
                            "null", "true", "\"\"", "\"r\\u0065ad\"", "[]", "{}", "[\"\"]", "\"SCMP_ACT_NOPE\"",
                            "\"SCMP_CMP_NOPE\"", "6", "5", "[{\"index\": 1, \"op\": \"SCMP_CMP_EQ\"}]"]
        for round in 0..<2000 {
            var m = Self.members(&g)
            if round % 3 != 0 {
                for _ in 0..<(1 + g.next() % 2) {
                    let i = Int(g.next() % UInt64(m.count))
                    switch g.next() % 7 {
                    case 0: m.remove(at: i)
                    case 6: m[i].value = ProfileEntryTokensTests.escapingFirst(m[i].value, after: m[i].value.startIndex)
                    case 1: m.append(m[i])
                    case 2: m[i].key = ["name", "includes", "excludes", "Names", "comment"][Int(g.next() % 5)]
                    default: m[i].value = replacements[Int(g.next() % UInt64(replacements.count))]
                    }
                }
            }
            let text = Self.text(m)
            let slow = Self.tree(text)
            if let fast = Self.tokens(text) {
                read += 1
                #expect(slow == fast, "\(text)")
            } else if slow != nil {
                refusedButValid += 1
            } else {
                invalid += 1
            }
            if round % 3 == 0 {
                // As written by this program's writer, or minified: read from the tokens whenever valid.
                let tight = text.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "  ", with: "")
                if let slow = Self.tree(tight) {
                    #expect(Self.tokens(tight) == slow, "\(tight)")
                }
            }
        }
        #expect(read > 300)
        #expect(refusedButValid > 50)
        #expect(invalid > 200)
    }

    @Test("an entry near the depth limit is left to the tree reading")
    func depth() throws {
        let entry = "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}"
        #expect(Self.tokens(entry, depth: 61) != nil)
        #expect(Self.tokens(entry, depth: 62) == nil)
    }

    @Test("a name repeated in an entry is kept once, at its first place, by both readings")
    func repeatedNames() throws {
        // Past the 16 names searched as a list, the rest through a set.
        let cycle = ["read", "write", "close"] + (0..<20).map { _ in "openat" } + ["read", "futex"]
        let names = (0..<400).flatMap { _ in cycle } + ["read"]
        let entry = "{\"names\": [" + names.map { "\"\($0)\"" }.joined(separator: ", ") + "], \"action\": \"SCMP_ACT_ALLOW\"}"
        let tokens = try #require(Self.tokens(entry))
        #expect(tokens == Self.tree(entry))
        #expect(tokens.names.map(\.value) == ["read", "write", "close", "openat", "futex"])
        #expect(tokens.names.map(\.field) == [0, 1, 2, 3, 24].map { "syscalls[7].names[\($0)]" })
    }

    @Test("an unknown name repeated in a big entry is reported once, at its first place; the policy is the entry's names")
    func repeatedUnknownName() throws {
        let names = (0..<5000).flatMap { _ in ["read", "raed", "write"] }
        let json = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": ["
            + names.map { "\"\($0)\"" }.joined(separator: ",") + "], \"action\": \"SCMP_ACT_ALLOW\"}]}"
        let target = OCITarget(arch: .x86_64, capabilities: [], kernel: KernelVersion(kernel: 6, major: 1))
        #expect {
            _ = try OCIProfile.read(Array(json.utf8), source: "p.json", target: target)
        } throws: { error in
            "\(error)".contains("syscalls[0].names[1]") && "\(error)".contains("unknown syscall \"raed\"")
        }
        let lenient = try OCIProfile.read(Array(json.utf8), source: "p.json", target: target,
                                          options: OCIProfile.ReadOptions(lenient: true))
        #expect(lenient.policy.rules.map(\.syscall).sorted() == ["read", "write"])
        #expect(lenient.warnings.count == 1)
    }
}
