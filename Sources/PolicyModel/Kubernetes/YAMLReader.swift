import Foundation

/// A strict reader for the part of YAML that Kubernetes objects are written in (what
/// `kubectl get -o yaml` and the Security Profiles Operator write): documents separated by
/// `---`, block mappings and sequences (a sequence may sit at its key's indentation), plain,
/// single- and double-quoted scalars, literal and folded block scalars (`|`, `>`, with `-`/`+`),
/// one-line flow collections (`[a, b]`, `{}`), comments. Anchors, aliases, tags, directives,
/// multi-line plain or quoted scalars and tabs in indentation are refused with the line and
/// column, never guessed. Values come out as `JSONNode`s (positions are the YAML's), so the
/// JSON readers' checks apply unchanged: plain `null`/`~`, `true`/`false`, integers (decimal,
/// `0x`, `0o`) and decimals are typed; everything quoted is a string.
public enum YAMLReader {
    public static let maxBytes = 32 << 20
    static let maxDepth = 64

    /// The documents of `bytes`, empty ones left out.
    public static func documents(_ bytes: [UInt8]) throws(YAMLSyntaxError) -> [JSONNode] {
        guard bytes.count <= maxBytes else {
            throw YAMLSyntaxError(position: SourcePosition(line: 1, column: 1), message: "larger than \(maxBytes) bytes")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw YAMLSyntaxError(position: SourcePosition(line: 1, column: 1), message: "not UTF-8 text")
        }
        var docs: [[Line]] = [[]]
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var s = Substring(raw)
            if s.hasSuffix("\r") { s = s.dropLast() }
            let number = i + 1
            if s == "---" || s.hasPrefix("--- ") || s == "..." {
                if s.hasPrefix("--- "), !Line.stripComment(s.dropFirst(4)).isEmpty {
                    throw YAMLSyntaxError(position: SourcePosition(line: number, column: 5),
                                          message: "content after '---' on the same line is not supported; start it on the next line")
                }
                docs.append([])
                continue
            }
            if s.hasPrefix("%") {
                throw YAMLSyntaxError(position: SourcePosition(line: number, column: 1), message: "YAML directives are not supported")
            }
            docs[docs.count - 1].append(try Line(number: number, raw: s))
        }
        var out: [JSONNode] = []
        for lines in docs where lines.contains(where: { !$0.isBlank }) {
            var parser = BlockParser(lines: lines)
            out.append(try parser.document())
        }
        return out
    }
}

/// A YAML text that is not in the supported subset, or not YAML.
public struct YAMLSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var position: SourcePosition
    public var message: String
    public var description: String { "\(position): \(message)" }
}

/// One line: its indentation and its text after the indentation (comments still in).
struct Line {
    var number: Int
    var indent: Int
    var text: Substring
    /// The text without a trailing comment, trimmed; empty for blank and comment lines.
    var content: Substring

    init(number: Int, raw: Substring) throws(YAMLSyntaxError) {
        self.number = number
        let body = raw.drop { $0 == " " }
        indent = raw.count - body.count
        if body.first == "\t", !body.allSatisfy({ $0 == " " || $0 == "\t" }) {
            throw YAMLSyntaxError(position: SourcePosition(line: number, column: indent + 1), message: "a tab in the indentation (YAML indents with spaces)")
        }
        text = body
        content = Line.stripComment(body)
    }

    var isBlank: Bool { content.isEmpty }

    /// `s` without a `#` comment (one at the start, or after a space, outside quotes), trimmed.
    static func stripComment(_ s: Substring) -> Substring {
        var quote: Character?
        var previous: Character = " "
        var end = s.endIndex
        for i in s.indices {
            let c = s[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                if previous == " " || previous == "[" || previous == "{" || previous == "," || previous == ":" { quote = c }
            } else if c == "#" && (previous == " " || previous == "\t") {
                end = i
                break
            }
            previous = c
        }
        return s[s.startIndex..<end].trimmingSpaces
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}

/// Parses one document's lines into a node.
struct BlockParser {
    var lines: [Line]
    var index = 0
    var depth = 0

    init(lines: [Line]) { self.lines = lines }

    mutating func document() throws(YAMLSyntaxError) -> JSONNode {
        skipBlank()
        let node = try block(minIndent: 0)
        skipBlank()
        if index < lines.count {
            throw fail(lines[index], lines[index].indent, "unexpected indentation (the value above has ended)")
        }
        return node
    }

    private mutating func skipBlank() {
        while index < lines.count, lines[index].isBlank { index += 1 }
    }

    private func fail(_ line: Line, _ column: Int, _ message: String) -> YAMLSyntaxError {
        YAMLSyntaxError(position: SourcePosition(line: line.number, column: column + 1), message: message)
    }

    /// The node starting on the current line, indented at least `minIndent`.
    private mutating func block(minIndent: Int) throws(YAMLSyntaxError) -> JSONNode {
        depth += 1
        defer { depth -= 1 }
        let line = lines[index]
        guard depth <= YAMLReader.maxDepth else { throw fail(line, line.indent, "nested deeper than \(YAMLReader.maxDepth) levels") }
        if line.content == "-" || line.content.hasPrefix("- ") { return try sequence(indent: line.indent) }
        if Self.mappingKey(line.content) != nil { return try mapping(indent: line.indent) }
        index += 1
        return try value(line.content, line: line, column: line.indent, parentIndent: minIndent - 1)
    }

    /// The value `text` (at `column` of `line`) and the lines that continue it: a plain scalar
    /// goes on over the following lines indented deeper than `parentIndent`, joined with a space
    /// (blank lines between give newlines); quoted and flow values must end on their line.
    private mutating func value(_ text: Substring, line: Line, column: Int, parentIndent: Int) throws(YAMLSyntaxError) -> JSONNode {
        let node = try scalarOrFlow(text, line: line, column: column)
        var joined = String(text)
        var continued = false
        var breaks = 0
        var look = index
        while look < lines.count {
            let l = lines[look]
            if l.isBlank { breaks += 1; look += 1; continue }
            guard l.indent > parentIndent else { break }
            guard let f = text.first, !"\"'[{".contains(f) else {
                throw fail(l, l.indent, "a quoted or flow value continued on the next line is not supported; write it on one line")
            }
            if l.content == "-" || l.content.hasPrefix("- ") || Self.mappingKey(l.content) != nil {
                throw fail(l, l.indent, "unexpected indentation: a plain value cannot go on with a mapping or a sequence entry")
            }
            joined += breaks > 0 ? String(repeating: "\n", count: breaks) : " "
            joined += l.content
            breaks = 0
            continued = true
            look += 1
            index = look
        }
        return continued ? JSONNode(.string(joined), at: node.position) : node
    }

    private mutating func sequence(indent: Int) throws(YAMLSyntaxError) -> JSONNode {
        let first = lines[index]
        var items: [JSONNode] = []
        while index < lines.count, lines[index].indent == indent,
              lines[index].content == "-" || lines[index].content.hasPrefix("- ") {
            let line = lines[index]
            let rest = line.content.dropFirst(1).drop { $0 == " " }
            if rest.isEmpty {
                index += 1
                skipBlank()
                if index < lines.count, lines[index].indent > indent {
                    items.append(try block(minIndent: indent + 1))
                } else {
                    items.append(JSONNode(.null, at: SourcePosition(line: line.number, column: indent + 1)))
                }
            } else {
                // `- key: value` or `- - x`: the rest is a block node at its own column.
                let column = indent + (line.content.count - rest.count)
                lines[index] = Line(number: line.number, indent: column, text: line.text.dropFirst(column - indent), content: rest)
                items.append(try block(minIndent: column))
            }
            skipBlank()
        }
        return JSONNode(.array(items), at: SourcePosition(line: first.number, column: indent + 1))
    }

    private mutating func mapping(indent: Int) throws(YAMLSyntaxError) -> JSONNode {
        let first = lines[index]
        var members: [JSONMember] = []
        var seen = Set<String>()
        while index < lines.count, lines[index].indent == indent {
            let line = lines[index]
            guard let (keyText, valueStart) = Self.mappingKey(line.content) else {
                throw fail(line, indent, "expected 'key: value' in this mapping")
            }
            let keyPosition = SourcePosition(line: line.number, column: indent + 1)
            let key = try Self.keyString(keyText, line: line, column: indent, parser: self)
            guard seen.insert(key).inserted else { throw fail(line, indent, "the key '\(key)' repeats in this mapping") }
            let value = line.content[valueStart...].trimmingSpaces
            let valueColumn = indent + line.content.distance(from: line.content.startIndex, to: valueStart)
                + (line.content[valueStart...].count - line.content[valueStart...].drop { $0 == " " }.count)
            index += 1
            let node: JSONNode
            if value.isEmpty {
                skipBlank()
                if index < lines.count, lines[index].indent > indent {
                    node = try block(minIndent: indent + 1)
                } else if index < lines.count, lines[index].indent == indent,
                          lines[index].content == "-" || lines[index].content.hasPrefix("- ") {
                    node = try sequence(indent: indent)
                } else {
                    node = JSONNode(.null, at: keyPosition)
                }
            } else if value.first == "|" || value.first == ">" {
                node = try blockScalar(value, line: line, column: valueColumn, parentIndent: indent)
            } else {
                node = try self.value(value, line: line, column: valueColumn, parentIndent: indent)
            }
            members.append(JSONMember(key: key, keyPosition: keyPosition, value: node))
            skipBlank()
        }
        return JSONNode(.object(members), at: SourcePosition(line: first.number, column: indent + 1))
    }

    /// `|`, `|-`, `|+`, `>`, `>-`, `>+`: the lines indented deeper than the parent.
    private mutating func blockScalar(_ header: Substring, line: Line, column: Int, parentIndent: Int) throws(YAMLSyntaxError) -> JSONNode {
        let folded = header.first == ">"
        let chomp = header.dropFirst()
        guard chomp.isEmpty || chomp == "-" || chomp == "+" else {
            throw fail(line, column, "block scalar header '\(header)': only |, |-, |+, >, >-, >+ are supported")
        }
        var body: [Substring] = []
        var blockIndent: Int?
        while index < lines.count {
            let l = lines[index]
            let raw = l.text
            if raw.allSatisfy({ $0 == " " }) { body.append(""); index += 1; continue }
            guard l.indent > parentIndent else { break }
            if blockIndent == nil { blockIndent = l.indent }
            guard let bi = blockIndent, l.indent >= bi else {
                throw fail(l, l.indent, "this line is indented less than the block scalar's first line")
            }
            body.append(Substring(String(repeating: " ", count: l.indent - bi)) + raw)
            index += 1
        }
        var trailing = 0
        while let last = body.last, last.isEmpty { body.removeLast(); trailing += 1 }
        var text = ""
        for (i, l) in body.enumerated() {
            if i > 0 {
                // Folding: a break between two plain lines is a space; before blank lines it is
                // dropped (each blank line gives one newline); around more-indented lines it stays.
                let previous = body[i - 1]
                if !folded || l.isEmpty || previous.first == " " || l.first == " " {
                    text += folded && previous.isEmpty && !l.isEmpty && l.first != " " ? "" : "\n"
                } else if !previous.isEmpty {
                    text += " "
                }
            }
            text += l
        }
        if !body.isEmpty {
            switch chomp {
            case "-": break
            case "+": text += String(repeating: "\n", count: trailing + 1)
            default: text += "\n"
            }
        }
        return JSONNode(.string(text), at: SourcePosition(line: line.number, column: column + 1))
    }

    /// The key of a `key: value` line and where its value starts, or nil when it is not one.
    static func mappingKey(_ s: Substring) -> (Substring, Substring.Index)? {
        if let q = s.first, q == "\"" || q == "'" {
            var i = s.index(after: s.startIndex)
            while i < s.endIndex {
                if s[i] == "\\" && q == "\"" { i = s.index(after: i); if i < s.endIndex { i = s.index(after: i) }; continue }
                if s[i] == q {
                    let after = s.index(after: i)
                    if after < s.endIndex, s[after] == q, q == "'" { i = s.index(after: after); continue }
                    guard after < s.endIndex, s[after] == ":" else { return nil }
                    let v = s.index(after: after)
                    return v == s.endIndex || s[v] == " " ? (s[s.startIndex..<after], v) : nil
                }
                i = s.index(after: i)
            }
            return nil
        }
        if let f = s.first, f == "[" || f == "{" { return nil }
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == ":" {
                let v = s.index(after: i)
                if v == s.endIndex || s[v] == " " { return (s[s.startIndex..<i].trimmingSpaces, v) }
            }
            i = s.index(after: i)
        }
        return nil
    }

    static func keyString(_ key: Substring, line: Line, column: Int, parser: BlockParser) throws(YAMLSyntaxError) -> String {
        let node = try parser.scalarOrFlow(key, line: line, column: column)
        switch node.value {
        case .string(let s): return s
        case .number(let n): return n.text
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        default: throw parser.fail(line, column, "a key must be a scalar")
        }
    }

    /// A scalar or a one-line flow collection.
    func scalarOrFlow(_ text: Substring, line: Line, column: Int) throws(YAMLSyntaxError) -> JSONNode {
        var flow = FlowParser(text: text, line: line, baseColumn: column)
        let node = try flow.value(depth: depth)
        flow.skipSpaces()
        if !flow.atEnd {
            throw fail(line, flow.column, "unexpected text after the value")
        }
        return node
    }
}

/// Values on one line: quoted and plain scalars, `[...]` and `{...}`.
struct FlowParser {
    let chars: [Character]
    var i = 0
    let line: Line
    let baseColumn: Int

    init(text: Substring, line: Line, baseColumn: Int) {
        chars = Array(text)
        self.line = line
        self.baseColumn = baseColumn
    }

    var atEnd: Bool { i >= chars.count }
    var column: Int { baseColumn + i }
    var position: SourcePosition { SourcePosition(line: line.number, column: column + 1) }

    mutating func skipSpaces() { while i < chars.count, chars[i] == " " { i += 1 } }

    func fail(_ message: String) -> YAMLSyntaxError { YAMLSyntaxError(position: position, message: message) }

    mutating func value(depth: Int, inFlow: Bool = false) throws(YAMLSyntaxError) -> JSONNode {
        skipSpaces()
        guard depth <= YAMLReader.maxDepth else { throw fail("nested deeper than \(YAMLReader.maxDepth) levels") }
        let start = position
        guard i < chars.count else { return JSONNode(.null, at: start) }
        switch chars[i] {
        case "\"": return JSONNode(.string(try doubleQuoted()), at: start)
        case "'": return JSONNode(.string(try singleQuoted()), at: start)
        case "[":
            i += 1
            var items: [JSONNode] = []
            skipSpaces()
            if i < chars.count, chars[i] == "]" { i += 1; return JSONNode(.array(items), at: start) }
            while true {
                items.append(try value(depth: depth + 1, inFlow: true))
                skipSpaces()
                guard i < chars.count else { throw fail("a flow sequence must close on the same line with ']'") }
                if chars[i] == "]" { i += 1; return JSONNode(.array(items), at: start) }
                guard chars[i] == "," else { throw fail("expected ',' or ']'") }
                i += 1
            }
        case "{":
            i += 1
            var members: [JSONMember] = []
            skipSpaces()
            if i < chars.count, chars[i] == "}" { i += 1; return JSONNode(.object(members), at: start) }
            while true {
                skipSpaces()
                let keyPosition = position
                let key = try value(depth: depth + 1, inFlow: true)
                guard case .string(let k) = key.value else { throw YAMLSyntaxError(position: keyPosition, message: "a key must be a string") }
                skipSpaces()
                guard i < chars.count, chars[i] == ":" else { throw fail("expected ':' after the key") }
                i += 1
                if members.contains(where: { $0.key == k }) { throw YAMLSyntaxError(position: keyPosition, message: "the key '\(k)' repeats") }
                members.append(JSONMember(key: k, keyPosition: keyPosition, value: try value(depth: depth + 1, inFlow: true)))
                skipSpaces()
                guard i < chars.count else { throw fail("a flow mapping must close on the same line with '}'") }
                if chars[i] == "}" { i += 1; return JSONNode(.object(members), at: start) }
                guard chars[i] == "," else { throw fail("expected ',' or '}'") }
                i += 1
            }
        case "&", "*", "!":
            throw fail("anchors, aliases and tags are not supported")
        case "|", ">":
            throw fail("a block scalar must be a mapping's value")
        case "@", "`":
            throw fail("'\(chars[i])' cannot start a plain value; quote it")
        default:
            var end = i
            while end < chars.count {
                let c = chars[end]
                if inFlow && (c == "," || c == "]" || c == "}") { break }
                if c == ":" && (end + 1 == chars.count || chars[end + 1] == " ") { break }
                end += 1
            }
            let text = String(String(chars[i..<end]).trimmingCharacters(in: .whitespaces))
            i = end
            return JSONNode(FlowParser.typed(text), at: start)
        }
    }

    /// A plain scalar's value: null, a boolean, a number, or a string.
    static func typed(_ s: String) -> JSONValue {
        switch s {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        let digits = s.hasPrefix("-") || s.hasPrefix("+") ? s.dropFirst() : Substring(s)
        let sign = s.hasPrefix("-") ? "-" : ""
        if !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) {
            let trimmed = digits.drop { $0 == "0" }
            return .number(JSONNumber(text: sign + (trimmed.isEmpty ? "0" : String(trimmed))))
        }
        for (prefix, radix) in [("0x", 16), ("0o", 8)] where digits.hasPrefix(prefix) {
            if let v = UInt64(digits.dropFirst(2), radix: radix) { return .number(JSONNumber(text: sign + String(v))) }
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }) {
            return .number(JSONNumber(text: sign + String(digits)))
        }
        return .string(s)
    }

    private mutating func singleQuoted() throws(YAMLSyntaxError) -> String {
        i += 1
        var out = ""
        while i < chars.count {
            if chars[i] == "'" {
                if i + 1 < chars.count, chars[i + 1] == "'" { out.append("'"); i += 2; continue }
                i += 1
                return out
            }
            out.append(chars[i])
            i += 1
        }
        throw fail("a quoted value must close on the same line")
    }

    private mutating func doubleQuoted() throws(YAMLSyntaxError) -> String {
        i += 1
        var out = ""
        while i < chars.count {
            let c = chars[i]
            if c == "\"" { i += 1; return out }
            if c == "\\" {
                guard i + 1 < chars.count else { break }
                let e = chars[i + 1]
                i += 2
                switch e {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "/": out.append("/")
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "b": out.append("\u{8}")
                case "f": out.append("\u{c}")
                case "0": out.append("\u{0}")
                case " ": out.append(" ")
                case "x", "u", "U":
                    let count = e == "x" ? 2 : (e == "u" ? 4 : 8)
                    guard i + count <= chars.count, let v = UInt32(String(chars[i..<i + count]), radix: 16),
                          let scalar = Unicode.Scalar(v) else { throw fail("a bad \\\(e) escape") }
                    out.unicodeScalars.append(scalar)
                    i += count
                default: throw fail("the escape '\\\(e)' is not known")
                }
                continue
            }
            out.append(c)
            i += 1
        }
        throw fail("a quoted value must close on the same line")
    }
}

extension Line {
    init(number: Int, indent: Int, text: Substring, content: Substring) {
        self.number = number
        self.indent = indent
        self.text = text
        self.content = content
    }
}
