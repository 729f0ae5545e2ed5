import Testing
@testable import PolicyModel

/// The YAML subset Kubernetes objects are written in, and the refusals outside it.
@Suite struct YAMLReaderTests {
    func read(_ text: String) throws -> [JSONNode] { try YAMLReader.documents(Array(text.utf8)) }

    /// A node as compact JSON-like text, to compare shapes in one line.
    func shape(_ n: JSONNode) -> String {
        switch n.value {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .number(let x): return x.text
        case .string(let s): return "'\(s)'"
        case .array(let a): return "[" + a.map(shape).joined(separator: ",") + "]"
        case .object(let m): return "{" + m.map { "\($0.key):" + shape($0.value) }.joined(separator: ",") + "}"
        }
    }

    @Test("mappings, sequences at and below their key, compact '- key:' items, flow collections, comments, typed plain scalars")
    func structure() throws {
        let docs = try read("""
            # leading comment
            a: 1   # trailing comment
            b:
            - x
            - "y # not a comment"
            c:
              - k: v
                n: 0x1f
              - [1, 'it''s', {p: q}]
            d: {}
            e: ~
            f: true
            g: -12
            h: 1.5
            "quoted key": 'single'
            i: 007
            """)
        #expect(docs.count == 1)
        #expect(shape(docs[0]) == "{a:1,b:['x','y # not a comment'],c:[{k:'v',n:31},[1,'it's',{p:'q'}]],d:{},e:null,f:true,g:-12,h:1.5,quoted key:'single',i:7}")
    }

    @Test("block scalars keep or fold lines with their chomping; plain scalars go on over deeper lines")
    func scalars() throws {
        let docs = try read("""
            literal: |
              line one
                indented
              line three

            strip: |-
              no newline
            keep: |+
              kept

            folded: >
              a
              b

              c
            plain: first
              second
              third
            """)
        #expect(shape(docs[0]) == "{literal:'line one\n  indented\nline three\n',strip:'no newline',keep:'kept\n\n',folded:'a b\nc\n',plain:'first second third'}")
    }

    @Test("documents split at ---; empty ones are left out; positions are 1-based line:column")
    func documents() throws {
        let docs = try read("---\na: 1\n---\n# only a comment\n---\nb:\n  c: x\n...\n")
        #expect(docs.map(shape) == ["{a:1}", "{b:{c:'x'}}"])
        guard case .object(let m) = docs[1].value, case .object(let inner) = m[0].value.value else { Issue.record("shape"); return }
        #expect(inner[0].keyPosition == SourcePosition(line: 7, column: 3))
        #expect(inner[0].value.position == SourcePosition(line: 7, column: 6))
    }

    @Test("what is outside the subset is refused at its line and column", arguments: [
        ("a: &x 1\n", "1:4: anchors, aliases and tags are not supported"),
        ("a: !!str 1\n", "1:4: anchors, aliases and tags are not supported"),
        ("a: *x\n", "1:4: anchors, aliases and tags are not supported"),
        ("a: 1\na: 2\n", "2:1: the key 'a' repeats in this mapping"),
        ("a:\n\tb: 1\n", "2:1: a tab in the indentation (YAML indents with spaces)"),
        ("a: [1,\n  2]\n", "1:7: a flow sequence must close on the same line with ']'"),
        ("a: \"x\n  y\"\n", "1:6: a quoted value must close on the same line"),
        ("a: b\n  c: d\n", "2:3: unexpected indentation: a plain value cannot go on with a mapping or a sequence entry"),
        ("a:\n  b: 1\n c: 2\n", "3:2: unexpected indentation (the value above has ended)"),
        ("%YAML 1.2\n---\na: 1\n", "1:1: YAML directives are not supported"),
        ("a: \"\\q\"\n", "1:7: the escape '\\q' is not known"),
        ("a: |x\n  y\n", "1:4: block scalar header '|x': only |, |-, |+, >, >-, >+ are supported"),
    ])
    func refusals(text: String, message: String) {
        #expect { try read(text) } throws: { "\($0)" == message }
    }

    @Test("columns count characters on lines that are not ASCII", arguments: [
        ("a: [\u{e9}, &x]\n", "1:8: anchors, aliases and tags are not supported"),
        ("a: ['\u{1F44D}\u{1F3FD}', *x]\n", "1:10: anchors, aliases and tags are not supported"),
        ("k\u{e9}y: 1\nk\u{e9}y: 2\n", "2:1: the key 'k\u{e9}y' repeats in this mapping"),
    ])
    func columns(text: String, message: String) {
        #expect { try read(text) } throws: { "\($0)" == message }
    }

    @Test("a plain value is trimmed of Unicode spaces; lines may end in CR LF")
    func trimmingAndLineEnds() throws {
        #expect(try read("a: \u{e9}t\u{e9} \u{2003} \nb: \u{3000}7\n").map(shape) == ["{a:'\u{e9}t\u{e9}',b:7}"])
        let crlf = try read("a: 1\r\nb:\r\n- x # c\r\n")
        #expect(crlf.map(shape) == ["{a:1,b:['x']}"])
    }

    @Test("the items of a block sequence at the streamed key path are handed over one by one, not kept")
    func streaming() throws {
        let text = "a:\n  s:\n  - 1\n  - {k: v}\n  t:\n  - 2\nb: [3]\n---\na:\n  s:\n    - 4\n"
        var seen: [String] = []
        let docs = try YAMLReader.documents(Array(text.utf8), streaming: ["a", "s"]) { n, node in seen.append("\(n):" + shape(node)) }
        #expect(seen == ["0:1", "0:{k:'v'}", "1:4"])
        #expect(docs.map(shape) == ["{a:{s:[],t:[2]},b:[3]}", "{a:{s:[]}}"])
    }

    @Test("a key repeated in a large mapping is found as in a small one")
    func repeatedKeyInLargeMapping() throws {
        let keys = (0..<40).map { "k\($0): \($0)\n" }.joined()
        #expect(try read(keys).map(shape).first?.hasPrefix("{k0:0,k1:1,") == true)
        #expect { try read(keys + "k3: again\n") } throws: { "\($0)" == "41:1: the key 'k3' repeats in this mapping" }
        #expect { try read(keys + "k39: again\n") } throws: { "\($0)" == "41:1: the key 'k39' repeats in this mapping" }
    }

    @Test("nesting is bounded")
    func depth() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect { try read("a: \(deep)\n") } throws: { "\($0)".contains("nested deeper than 64 levels") }
    }
}
