import Testing
@testable import PolicyModel
import TestSupport

/// `SeccompEntryLines` reads a SeccompProfile's `spec.syscalls` items straight from their YAML
/// lines; whatever it reads must be what `OCIDecoder` makes of the YAML reader's tree (positions
/// and field paths included) without a warning, whatever it refuses is left to the tree, and a
/// whole file read either way gives the same policy, warnings and error text.
@Suite struct SeccompEntryLinesTests {
    static let target = OCITarget(arch: .x86_64, capabilities: [], kernel: KernelVersion(kernel: 6, major: 18))
    static let head = "apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nspec:\n  defaultAction: SCMP_ACT_ALLOW\n  syscalls:\n"

    /// The file read with items taken from their lines and with every item parsed as a tree:
    /// the imports, or the error's text.
    static func both(_ yaml: String) -> (lines: Outcome, tree: Outcome) {
        func read(_ fromLines: Bool) -> Outcome {
            do {
                return Outcome(imports: try SeccompProfileObject.read(Array(yaml.utf8), source: "f.yaml", target: target,
                                                                      options: .init(), table: .shared, fromLines: fromLines))
            } catch { return Outcome(error: "\(error)") }
        }
        return (read(true), read(false))
    }

    struct Outcome: Equatable {
        var imports: [OCIImport] = []
        var error: String?
        var warnings: [String] { imports.flatMap(\.warnings).map(\.description) }
    }

    /// The item starting on line `number` (1-based) of `yaml`, its `-` at `indent`, read from its
    /// lines as entry 7, and how many lines it took.
    static func lines(_ yaml: String, number: Int, indent: Int, depth: Int = 3) -> (OCIRawSyscall, Int)? {
        let bytes = Array(yaml.utf8)
        var lineStart = 0
        for _ in 1..<number { lineStart = bytes[lineStart...].firstIndex(of: 0x0A)! + 1 }
        let total = bytes.filter { $0 == 0x0A }.count + 1
        let start = YAMLItemStart(lineStart: lineStart, number: number, indent: indent, lines: total - number + 1, depth: depth)
        guard case let (entry, end)? = SeccompEntryLines.read(bytes, start, entry: 7) else { return nil }
        // The next line starts where the reader says.
        var next = lineStart
        for _ in 0..<end.lines { next = (bytes[next...].firstIndex(of: 0x0A) ?? bytes.count) + 1 }
        #expect(end.next == next)
        return (entry, end.lines)
    }

    /// Item `i` of `spec.syscalls` decoded from the YAML reader's tree as entry 7, when that
    /// gives no error and no warning.
    static func tree(_ yaml: String, item i: Int) -> OCIRawSyscall? {
        guard let doc = try? YAMLReader.documents(Array(yaml.utf8)).first,
              case .array(let items)? = doc["spec"]?["syscalls"]?.value, i < items.count else { return nil }
        var decoder = OCIDecoder(source: "f.yaml")
        guard let entry = try? decoder.syscall(items[i], entry: 7), decoder.warnings.isEmpty else { return nil }
        return entry
    }

    /// An item as lines (without the `- ` of its first), in the shapes the writers and people use.
    static func item(_ g: inout SplitMix64) -> [String] {
        let names = ["read", "write", "openat", "clock_gettime", "_llseek", "nope"]
        let actions = ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_KILL", "SCMP_ACT_LOG"]
        let ops = ["SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_GE"]
        func pick(_ list: [String]) -> String { list[Int(g.next() % UInt64(list.count))] }
        func sequence(_ key: String, _ items: [[String]]) -> [String] {
            let pad = g.next() % 3 == 0 ? "  " : ""
            var out = [key + ":"]
            for lines in items {
                out.append(pad + "- " + lines[0])
                for line in lines.dropFirst() { out.append(pad + "  " + line) }
            }
            return out
        }
        var members: [[String]] = [
            sequence("names", (0..<(1 + g.next() % 3)).map { _ in [pick(names)] }),
            ["action: " + pick(actions)],
        ]
        if g.next() % 2 == 0 { members.append(["errnoRet: \(g.next() % 40)"]) }
        if g.next() % 4 != 0 {
            members.append(sequence("args", (0..<(1 + g.next() % 2)).map { _ in
                var arg = ["index: \(g.next() % 6)", "op: " + pick(ops)]
                if g.next() % 3 != 0 { arg.append("value: \(g.next() >> (g.next() % 64))") }
                if g.next() % 3 == 0 { arg.append("valueTwo: \(g.next() % 9)") }
                return arg.shuffled(using: &g)
            }))
        }
        return members.shuffled(using: &g).flatMap { $0 }
    }

    /// `lines` as the item at `indent`.
    static func text(_ lines: [String], indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        let rest = lines.dropFirst().map { "\(pad)  \($0)\n" }.joined()
        return "\(pad)- \(lines[0])\n\(rest)"
    }

    @Test("items read from their lines are what the tree decoding makes of them, and a file reads the same either way")
    func items() throws {
        var g = SplitMix64(seed: 20)
        var (read, refusedButValid, invalid) = (0, 0, 0)
        let replacements = ["-1", "0", "00", "+1", "0x10", "0o7", "1.0", "1e2", "4095", "4096", "65535", "65536",
                            "18446744073709551615", "18446744073709551616", "null", "~", "true", "TRUE", "False", "\"read\"",
                            "'read'", "[]", "{}", "[read]", "{a: 1}", "SCMP_ACT_NOPE", "SCMP_CMP_NOPE", "6", "5", "read # c",
                            "read ", "écrire", "re:ad", "&a read", "|", "", " "]
        for round in 0..<1500 {
            let indent = [2, 4][Int(g.next() % 2)]
            var lines = Self.item(&g)
            if round % 4 != 0 {
                for _ in 0..<(1 + g.next() % 2) {
                    let i = Int(g.next() % UInt64(lines.count))
                    let line = lines[i]
                    let colon = line.firstIndex(of: ":")
                    switch g.next() % 9 {
                    case 0: lines.remove(at: i)
                    case 1: lines.insert(line, at: i)
                    case 2: lines.insert(["", "   ", "# note", "  # note"][Int(g.next() % 4)], at: i)
                    case 3: lines[i] = [" ", "  ", "   "][Int(g.next() % 3)] + line
                    case 4: if i > 0, line.hasPrefix(" ") { lines[i] = String(line.dropFirst()) }
                    case 5: lines[i] = line + [" ", " # note", "\r"][Int(g.next() % 3)]
                    case 6:
                        if let colon {
                            let key = ["name", "includes", "excludes", "Names", "comment", "names ", "\"names\"", "index", "bogus"]
                            lines[i] = key[Int(g.next() % UInt64(key.count))] + String(line[colon...])
                        }
                    default:
                        let value = replacements[Int(g.next() % UInt64(replacements.count))]
                        if let colon, line.index(after: colon) != line.endIndex {
                            lines[i] = String(line[...colon]) + " " + value
                        } else if line.hasPrefix("- ") || line.hasPrefix("  - ") {
                            lines[i] = String(line.prefix { $0 == " " }) + "- " + value
                        }
                    }
                }
            }
            guard !lines.isEmpty else { continue }
            let pad = String(repeating: " ", count: indent)
            let before = "\(pad)- names:\n\(pad)  - close\n\(pad)  action: SCMP_ACT_ERRNO\n"
            let after = "\(pad)- names: [dup]\n\(pad)  action: SCMP_ACT_LOG\n\(pad)- names:\n\(pad)  - dup\n\(pad)  action: SCMP_ACT_LOG\n"
            let item = Self.text(lines, indent: indent)
            let yaml = Self.head + before + item + after
            let slow = Self.tree(yaml, item: 1)
            if case let (fast, taken)? = Self.lines(yaml, number: 9, indent: indent) {
                read += 1
                #expect(slow == fast, "\(item)")
                #expect(taken == item.utf8.filter { $0 == 0x0A }.count, "\(item)")
            } else if slow != nil {
                refusedButValid += 1
            } else {
                invalid += 1
            }
            let (fromLines, fromTree) = Self.both(yaml)
            #expect(fromLines == fromTree, "\(item)")
        }
        #expect(read > 300)
        #expect(refusedButValid > 100)
        #expect(invalid > 200)
    }

    @Test("a malformed item's error is the tree reading's, in each field, after items read from their lines")
    func errors() throws {
        let good = "  - names:\n    - read\n    action: SCMP_ACT_ERRNO\n    errnoRet: 1\n    args:\n    - index: 0\n      value: 1\n      op: SCMP_CMP_EQ\n"
        let cases: [(item: String, expected: String)] = [
            ("  - names:\n    - 12\n    action: SCMP_ACT_ERRNO\n", "f.yaml:15:7: spec.syscalls[1].names[0]: expected a string, found a number"),
            ("  - names:\n    - nosuchcall\n    action: SCMP_ACT_ERRNO\n", "f.yaml:15:7: spec.syscalls[1].names[0]: unknown syscall \"nosuchcall\""),
            ("  - names:\n    - read\n    action: SCMP_ACT_NOPE\n", "f.yaml:16:13: spec.syscalls[1].action: unknown action \"SCMP_ACT_NOPE\""),
            ("  - names:\n    - read\n    action: SCMP_ACT_ERRNO\n    errnoRet: 4096\n", "f.yaml:17:15: spec.syscalls[1].errnoRet: expected an errno value 0...4095, found 4096"),
            ("  - names:\n    - read\n    action: SCMP_ACT_ERRNO\n    args:\n    - index: 6\n      op: SCMP_CMP_EQ\n",
             "f.yaml:18:14: spec.syscalls[1].args[0].index: expected an argument index 0...5 (a syscall has six arguments), found 6"),
            ("  - names:\n    - read\n    action: SCMP_ACT_ERRNO\n    args:\n    - index: 0\n      value: -1\n      op: SCMP_CMP_EQ\n",
             "f.yaml:19:14: spec.syscalls[1].args[0].value: expected an unsigned integer, found the negative number -1"),
            ("  - names:\n    - read\n    action: SCMP_ACT_ERRNO\n    args:\n    - index: 0\n      valueTwo: 1.5\n      op: SCMP_CMP_EQ\n",
             "f.yaml:19:17: spec.syscalls[1].args[0].valueTwo: expected an unsigned integer, found 1.5"),
            ("  - names:\n    - read\n    action: SCMP_ACT_ERRNO\n    args:\n    - index: 0\n      op: SCMP_CMP_NOPE\n",
             "f.yaml:19:11: spec.syscalls[1].args[0].op: unknown operator \"SCMP_CMP_NOPE\""),
            ("  - names:\n    - read\n    action: SCMP_ACT_ERRNO\n    args:\n    - index: 0\n",
             "f.yaml:18:7: spec.syscalls[1].args[0].op: expected an operator such as \"SCMP_CMP_EQ\", but the key is missing"),
            ("  - names:\n    - read\n    action: SCMP_ACT_ERRNO\n    action: SCMP_ACT_LOG\n", "f.yaml:17:5: the key 'action' repeats in this mapping"),
            ("  - names:\n    - read\n    action: \"SCMP_ACT_ERRNO\n", "f.yaml:16:28: a quoted value must close on the same line"),
            ("  - names:\n    - read\n", "f.yaml:14:5: spec.syscalls[1].action: expected an action such as \"SCMP_ACT_ALLOW\", but the key is missing"),
        ]
        for (item, expected) in cases {
            let yaml = Self.head.replacingOccurrences(of: "SCMP_ACT_ALLOW", with: "SCMP_ACT_LOG") + good + item + good
            let (fromLines, fromTree) = Self.both(yaml)
            #expect(fromLines == fromTree)
            #expect(fromLines.error?.hasPrefix(expected) == true, "\(String(describing: fromLines.error))")
            // The good items around it are read from their lines.
            #expect(Self.lines(yaml, number: 6, indent: 2)?.1 == 8)
        }
    }

    @Test("a file of items read from their lines: the same policy and warnings as the tree reading, with blank lines, comments and several documents")
    func files() throws {
        let a = "  - names:\n    - read\n    - write\n    action: SCMP_ACT_ERRNO\n    errnoRet: 13\n"
        let b = "  - action: SCMP_ACT_LOG\n    args:\n      - index: 1\n        op: SCMP_CMP_MASKED_EQ\n        value: 7\n        valueTwo: 3\n      - valueTwo: 0\n        index: 2\n        op: SCMP_CMP_GT\n    names:\n      - openat\n"
        let c = "  - names: [close]   # a flow sequence: parsed\n    action: SCMP_ACT_TRACE\n    errnoRet: 2\n"
        let d = "  - names:\n    - read\n    action: SCMP_ACT_ALLOW\n    errnoRet: 1\n"  // errnoRet ignored: a warning
        let doc = [Self.head, a, b, "\n", a, "  # a comment\n", c, b, d, a].joined()
        let yaml = doc + "---\n" + doc.replacingOccurrences(of: "\n", with: "\r\n") + "...\n"
        let (fromLines, fromTree) = Self.both(yaml)
        #expect(fromLines == fromTree)
        #expect(fromLines.error == nil)
        #expect(fromLines.imports.count == 2)
        #expect(fromLines.imports.first?.policy.rules.count == 4)
        #expect(fromLines.warnings.contains { $0.hasPrefix("f.yaml:46:15:") && $0.hasSuffix("syscalls[5].errnoRet: ignored: SCMP_ACT_ALLOW takes no errno (runc ignores it too)") })
        #expect(Self.lines(yaml, number: 6, indent: 2)?.1 == 5)
        // Followed by a blank line, a comment: left to the tree (which joins a deeper line after a blank one).
        #expect(Self.lines(yaml, number: 11, indent: 2) == nil)
        #expect(Self.lines(yaml, number: 23, indent: 2) == nil)
        #expect(Self.lines(yaml, number: 32, indent: 2)?.1 == 11)
        // A warning (errnoRet ignored): left to the tree.
        #expect(Self.lines(yaml, number: 43, indent: 2) == nil)
        #expect(Self.lines(yaml, number: 47, indent: 2)?.1 == 5)
    }

    @Test("an item that ends the file is read from its lines, with or without a last line feed")
    func lastItem() throws {
        let head = "kind: SeccompProfile\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  syscalls:\n"
        let item = "  - names:\n    - read\n    - write\n    action: SCMP_ACT_ALLOW\n    args:\n    - index: 0\n      value: 1\n      op: SCMP_CMP_EQ"
        for yaml in [head + item + "\n", head + item, head + item + "\r\n"] {
            let (entry, taken) = try #require(Self.lines(yaml, number: 5, indent: 2), "\(yaml.debugDescription)")
            #expect(taken == 8)
            #expect(entry == Self.tree(yaml, item: 0))
            let (lines, tree) = Self.both(yaml)
            #expect(lines == tree)
        }
        // A blank line after it is still the tree reading's.
        #expect(Self.lines(head + item + "\n\n", number: 5, indent: 2) == nil)
    }

    @Test("an item near the depth limit is left to the tree reading")
    func depth() throws {
        let yaml = "- names:\n  - read\n  action: SCMP_ACT_ALLOW\n  args:\n  - index: 0\n    op: SCMP_CMP_EQ"
        #expect(Self.lines(yaml, number: 1, indent: 0, depth: 60)?.1 == 6)
        #expect(Self.lines(yaml, number: 1, indent: 0, depth: 61) == nil)
    }
}
