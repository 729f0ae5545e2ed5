/// A strict reader for the part of YAML that Kubernetes objects are written in (what
/// `kubectl get -o yaml` and the Security Profiles Operator write): documents separated by
/// `---`, block mappings and sequences (a sequence may sit at its key's indentation), plain,
/// single- and double-quoted scalars, literal and folded block scalars (`|`, `>`, with `-`/`+`),
/// one-line flow collections (`[a, b]`, `{}`), comments. Anchors, aliases, tags, directives,
/// multi-line plain or quoted scalars and tabs in indentation are refused with the line and
/// column, never guessed. Values come out as `JSONNode`s (positions are the YAML's), so the
/// JSON readers' checks apply unchanged: plain `null`/`~`, `true`/`false`, integers (decimal,
/// `0x`, `0o`) and decimals are typed; everything quoted is a string.
///
/// Works on the file's UTF-8 bytes: a line is a range of the buffer, and a `String` is made only
/// for a value kept. Columns count characters, as before (a line of ASCII is counted by bytes).
public enum YAMLReader {
    public static let maxBytes = 32 << 20
    static let maxDepth = 64

    /// The documents of `bytes`, empty ones left out.
    public static func documents(_ bytes: [UInt8]) throws(YAMLSyntaxError) -> [JSONNode] {
        try documents(bytes, streaming: nil)
    }

    /// The documents of `bytes`; with `streaming`, the items of the block sequence at that key
    /// path (from a document's top mapping) go to `element` with their document's index (among
    /// the documents returned) as they are parsed, and that sequence is an empty array in the tree.
    ///
    /// `item`, when given, is offered each such item first, with its document's index, and may
    /// take it straight from the bytes (`SeccompEntryLines`): it says how many lines it took,
    /// and those are not parsed; when it returns nil, the item is parsed and goes to `element`.
    static func documents(_ bytes: [UInt8], streaming path: [String]?,
                          element: @escaping (Int, JSONNode) -> Void = { _, _ in },
                          item: ((Int, YAMLItemStart) -> YAMLItemEnd?)? = nil) throws(YAMLSyntaxError) -> [JSONNode] {
        guard bytes.count <= maxBytes else {
            throw YAMLSyntaxError(position: SourcePosition(line: 1, column: 1), message: "larger than \(maxBytes) bytes")
        }
        if bytes.contains(where: { $0 >= 0x80 }), String(validating: bytes, as: UTF8.self) == nil {
            throw YAMLSyntaxError(position: SourcePosition(line: 1, column: 1), message: "not UTF-8 text")
        }
        // One pass over the lines for what is refused wherever it is (before any document is
        // parsed, so these come first), finding the documents; their lines are made as parsed.
        var docs = [DocumentLines(start: 0, firstNumber: 1)]
        var start = 0
        var number = 0
        let count = bytes.count
        while start <= count {
            var end = start
            while end < count, bytes[end] != 0x0A { end += 1 }
            number += 1
            let next = end + 1
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            let length = end - start
            func at(_ k: Int) -> UInt8 { bytes[start + k] }
            let isDash3 = length >= 3 && at(0) == 0x2D && at(1) == 0x2D && at(2) == 0x2D
            if (isDash3 && (length == 3 || at(3) == 0x20))
                || (length == 3 && at(0) == 0x2E && at(1) == 0x2E && at(2) == 0x2E) {
                if isDash3, length > 3, !YAMLLine.commentStripped(bytes, start + 4, end).isEmpty {
                    throw YAMLSyntaxError(position: SourcePosition(line: number, column: 5),
                                          message: "content after '---' on the same line is not supported; start it on the next line")
                }
                docs.append(DocumentLines(start: next, firstNumber: number + 1))
            } else if length > 0, at(0) == 0x25 {
                throw YAMLSyntaxError(position: SourcePosition(line: number, column: 1), message: "YAML directives are not supported")
            } else {
                try YAMLLine.checkIndentation(bytes, number: number, start: start, end: end)
                docs[docs.count - 1].count += 1
                if !docs[docs.count - 1].hasContent, !YAMLLine.commentStripped(bytes, start, end).isEmpty {
                    docs[docs.count - 1].hasContent = true
                }
            }
            start = next
        }
        var out: [JSONNode] = []
        for lines in docs where lines.hasContent {
            var parser = BlockParser(bytes: bytes, lines: lines)
            if let path {
                let n = out.count
                var itemOf: ((YAMLItemStart) -> YAMLItemEnd?)?
                if let item { itemOf = { item(n, $0) } }
                parser.streamed = (path, { element(n, $0) }, itemOf)
            }
            out.append(try parser.document())
        }
        return out
    }
}

/// Where a document's lines are: from byte `start` (line `firstNumber`), `count` lines.
struct DocumentLines {
    var start: Int
    var firstNumber: Int
    var count = 0
    var hasContent = false
}

/// A YAML text that is not in the supported subset, or not YAML.
public struct YAMLSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var position: SourcePosition
    public var message: String
    public var description: String { "\(position): \(message)" }
}

/// A range of the file's bytes.
struct ByteRange: Equatable {
    var start: Int
    var end: Int
    var isEmpty: Bool { start >= end }
    var count: Int { end - start }
}

/// One line: its indentation and, as offsets into the file, its text after the indentation
/// (comments still in) and its content (without a trailing comment, trimmed).
struct YAMLLine {
    private var storedNumber: Int32
    private var storedIndent: Int32
    private var textStart: Int32
    private var textEnd: Int32
    private var contentStart: Int32
    private var contentEnd: Int32
    /// The first byte of the text that is not ASCII (`textEnd` when none): columns before it are
    /// counted by bytes.
    private var storedFirstNonASCII: Int32

    var number: Int { Int(storedNumber) }
    var indent: Int { Int(storedIndent) }
    var text: ByteRange { ByteRange(start: Int(textStart), end: Int(textEnd)) }
    var content: ByteRange { ByteRange(start: Int(contentStart), end: Int(contentEnd)) }
    var isBlank: Bool { contentStart >= contentEnd }
    var firstNonASCII: Int { Int(storedFirstNonASCII) }

    /// Refuses a tab in the indentation of a line that is not blank.
    static func checkIndentation(_ bytes: [UInt8], number: Int, start: Int, end: Int) throws(YAMLSyntaxError) {
        var body = start
        while body < end, bytes[body] == 0x20 { body += 1 }
        if body < end, bytes[body] == 0x09, !bytes[body..<end].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            throw YAMLSyntaxError(position: SourcePosition(line: number, column: body - start + 1), message: "a tab in the indentation (YAML indents with spaces)")
        }
    }

    /// The line `bytes[start..<end]` (without its line break), its indentation checked before.
    init(_ bytes: [UInt8], number: Int, start: Int, end: Int) {
        var body = start
        while body < end, bytes[body] == 0x20 { body += 1 }
        var nonASCII = body
        while nonASCII < end, bytes[nonASCII] < 0x80 { nonASCII += 1 }
        let content = YAMLLine.commentStripped(bytes, body, end)
        self.init(number: number, indent: body - start, text: ByteRange(start: body, end: end), content: content, firstNonASCII: nonASCII)
    }

    init(number: Int, indent: Int, text: ByteRange, content: ByteRange, firstNonASCII: Int) {
        storedNumber = Int32(clamping: number)
        storedIndent = Int32(clamping: indent)
        textStart = Int32(text.start)
        textEnd = Int32(text.end)
        contentStart = Int32(content.start)
        contentEnd = Int32(content.end)
        storedFirstNonASCII = Int32(firstNonASCII)
    }

    /// This line from `column` on (its indentation now `column`), for a `- ` item's content.
    func dropping(to column: Int, contentStart start: Int, textStart: Int) -> YAMLLine {
        YAMLLine(number: number, indent: column, text: ByteRange(start: textStart, end: Int(textEnd)),
                 content: ByteRange(start: start, end: Int(contentEnd)), firstNonASCII: firstNonASCII)
    }

    /// The 0-based column of byte `offset` of this line's text.
    func column(of offset: Int, in bytes: [UInt8]) -> Int {
        if offset <= firstNonASCII { return indent + offset - Int(textStart) }
        return indent + String(decoding: bytes[Int(textStart)..<offset], as: UTF8.self).count
    }

    /// `bytes[start..<end]` without a `#` comment (one at the start, or after a space, outside
    /// quotes), trimmed of spaces and tabs.
    static func commentStripped(_ bytes: [UInt8], _ start: Int, _ end: Int) -> ByteRange {
        var quote: UInt8 = 0
        var previous: UInt8 = 0x20
        var stop = end
        var i = start
        while i < end {
            let c = bytes[i]
            if quote != 0 {
                if c == quote { quote = 0 }
            } else if c == 0x22 || c == 0x27 {
                if previous == 0x20 || previous == 0x5B || previous == 0x7B || previous == 0x2C || previous == 0x3A { quote = c }
            } else if c == 0x23 && (previous == 0x20 || previous == 0x09) {
                stop = i
                break
            }
            previous = c
            i += 1
        }
        return trimmed(bytes, ByteRange(start: start, end: stop))
    }

    /// `r` without leading and trailing spaces and tabs.
    static func trimmed(_ bytes: [UInt8], _ r: ByteRange) -> ByteRange {
        var s = r.start, e = r.end
        while s < e, bytes[s] == 0x20 || bytes[s] == 0x09 { s += 1 }
        while e > s, bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09 { e -= 1 }
        return ByteRange(start: s, end: e)
    }
}

extension [UInt8] {
    func string(_ r: ByteRange) -> String { String(decoding: self[r.start..<r.end], as: UTF8.self) }

    /// Whether `r` is `- ...` or `-` alone (a block sequence entry).
    func isEntry(_ r: ByteRange) -> Bool {
        r.count >= 1 && self[r.start] == 0x2D && (r.count == 1 || self[r.start + 1] == 0x20)
    }

    func starts(_ r: ByteRange, with byte: UInt8) -> Bool { r.count > 0 && self[r.start] == byte }
}

/// Parses one document's lines into a node.
struct BlockParser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0
    /// The key path whose block sequence's items go to a handler instead of the tree, and what
    /// may take an item from the bytes before it is parsed.
    var streamed: (path: [String], element: (JSONNode) -> Void, item: ((YAMLItemStart) -> YAMLItemEnd?)?)?
    /// The lines from `windowBase` on made so far; those before `index` are let go, as the
    /// parser never goes back, so a large document is not held as lines.
    private var window: [YAMLLine] = []
    private var windowBase = 0
    /// The next line to make: its byte, its number, how many are left.
    private var nextByte: Int
    private var nextNumber: Int
    private var remaining: Int

    init(bytes: [UInt8], lines: DocumentLines) {
        self.bytes = bytes
        nextByte = lines.start
        nextNumber = lines.firstNumber
        remaining = lines.count
    }

    /// Whether the document has a line `i` (made when it is not yet).
    private mutating func has(_ i: Int) -> Bool {
        while i >= windowBase + window.count {
            guard remaining > 0 else { return false }
            if index - windowBase >= 4096 {
                window.removeFirst(index - windowBase)
                windowBase = index
            }
            var end = nextByte
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let next = end + 1
            if end > nextByte, bytes[end - 1] == 0x0D { end -= 1 }
            window.append(YAMLLine(bytes, number: nextNumber, start: nextByte, end: end))
            nextByte = next
            nextNumber += 1
            remaining -= 1
        }
        return true
    }

    /// Line `i`, made before by `has(i)`.
    private func lineAt(_ i: Int) -> YAMLLine { window[i - windowBase] }

    mutating func document() throws(YAMLSyntaxError) -> JSONNode {
        skipBlank()
        let node = try block(minIndent: 0, path: streamed == nil ? nil : 0)
        skipBlank()
        if has(index) {
            throw fail(lineAt(index), lineAt(index).indent, "unexpected indentation (the value above has ended)")
        }
        return node
    }

    private mutating func skipBlank() {
        while has(index), lineAt(index).isBlank { index += 1 }
    }

    func fail(_ line: YAMLLine, _ column: Int, _ message: String) -> YAMLSyntaxError {
        YAMLSyntaxError(position: SourcePosition(line: line.number, column: column + 1), message: message)
    }

    /// The node starting on the current line, indented at least `minIndent`. `path`: how many
    /// keys of the streamed path lead here (nil when off that path).
    private mutating func block(minIndent: Int, path: Int?) throws(YAMLSyntaxError) -> JSONNode {
        depth += 1
        defer { depth -= 1 }
        let line = lineAt(index)
        guard depth <= YAMLReader.maxDepth else { throw fail(line, line.indent, "nested deeper than \(YAMLReader.maxDepth) levels") }
        if bytes.isEntry(line.content) { return try sequence(indent: line.indent, streams: isStreamed(path)) }
        if mappingKey(line.content) != nil { return try mapping(indent: line.indent, path: path) }
        index += 1
        return try value(line.content, line: line, column: line.indent, parentIndent: minIndent - 1)
    }

    private func isStreamed(_ path: Int?) -> Bool {
        guard let path, let streamed else { return false }
        return path == streamed.path.count
    }

    /// The value `text` (at `column` of `line`) and the lines that continue it: a plain scalar
    /// goes on over the following lines indented deeper than `parentIndent`, joined with a space
    /// (blank lines between give newlines); quoted and flow values must end on their line.
    private mutating func value(_ text: ByteRange, line: YAMLLine, column: Int, parentIndent: Int) throws(YAMLSyntaxError) -> JSONNode {
        let node = try scalarOrFlow(text, line: line, column: column)
        var joined: [UInt8] = []
        var continued = false
        var breaks = 0
        var look = index
        while has(look) {
            let l = lineAt(look)
            if l.isBlank { breaks += 1; look += 1; continue }
            guard l.indent > parentIndent else { break }
            guard !text.isEmpty, ![0x22, 0x27, 0x5B, 0x7B].contains(bytes[text.start]) else {
                throw fail(l, l.indent, "a quoted or flow value continued on the next line is not supported; write it on one line")
            }
            if bytes.isEntry(l.content) || mappingKey(l.content) != nil {
                throw fail(l, l.indent, "unexpected indentation: a plain value cannot go on with a mapping or a sequence entry")
            }
            if !continued { joined += bytes[text.start..<text.end] }
            if breaks > 0 { joined += repeatElement(0x0A, count: breaks) } else { joined.append(0x20) }
            joined += bytes[l.content.start..<l.content.end]
            breaks = 0
            continued = true
            look += 1
            index = look
        }
        return continued ? JSONNode(.string(String(decoding: joined, as: UTF8.self)), at: node.position) : node
    }

    private mutating func sequence(indent: Int, streams: Bool) throws(YAMLSyntaxError) -> JSONNode {
        let first = lineAt(index)
        var items: [JSONNode] = []
        while has(index), lineAt(index).indent == indent, bytes.isEntry(lineAt(index).content) {
            let line = lineAt(index)
            if streams, let taken = takenFromBytes(line, indent: indent) {
                skip(taken, after: line)
                skipBlank()
                continue
            }
            var restStart = line.content.start + 1
            while restStart < line.content.end, bytes[restStart] == 0x20 { restStart += 1 }
            let item: JSONNode
            if restStart == line.content.end {
                index += 1
                skipBlank()
                if has(index), lineAt(index).indent > indent {
                    item = try block(minIndent: indent + 1, path: nil)
                } else {
                    item = JSONNode(.null, at: SourcePosition(line: line.number, column: indent + 1))
                }
            } else {
                // `- key: value` or `- - x`: the rest is a block node at its own column.
                // The content starts where the text does (the `-` and spaces before it are ASCII).
                let column = line.column(of: restStart, in: bytes)
                window[index - windowBase] = line.dropping(to: column, contentStart: restStart, textStart: restStart)
                item = try block(minIndent: column, path: nil)
            }
            if streams, let streamed { streamed.element(item) } else { items.append(item) }
            skipBlank()
        }
        return JSONNode(.array(items), at: SourcePosition(line: first.number, column: indent + 1))
    }

    /// What the streamed path's `item` reader took of the item on `line` (the last line made,
    /// as it is unless a line ahead was looked at), if anything.
    private func takenFromBytes(_ line: YAMLLine, indent: Int) -> YAMLItemEnd? {
        guard let read = streamed?.item, windowBase + window.count == index + 1 else { return nil }
        let lineStart = line.text.start - line.indent
        guard lineStart == 0 || bytes[lineStart - 1] == 0x0A else { return nil }
        return read(YAMLItemStart(lineStart: lineStart, number: line.number, indent: indent, lines: remaining + 1, depth: depth))
    }

    /// Goes past the lines taken from the bytes from `line` (the current, last made, line) on:
    /// the line after them is the next to make.
    private mutating func skip(_ taken: YAMLItemEnd, after line: YAMLLine) {
        window.removeAll(keepingCapacity: true)
        index += taken.lines
        windowBase = index
        remaining -= taken.lines - 1
        nextNumber = line.number + taken.lines
        nextByte = taken.next
    }

    private mutating func mapping(indent: Int, path: Int?) throws(YAMLSyntaxError) -> JSONNode {
        let first = lineAt(index)
        var members: [JSONMember] = []
        // Keys compared one by one while they are few (a Set per small mapping cost more than
        // its lookups); a Set once the mapping is large.
        var seen: Set<String>?
        while has(index), lineAt(index).indent == indent {
            let line = lineAt(index)
            guard let (keyText, valueStart) = mappingKey(line.content) else {
                throw fail(line, indent, "expected 'key: value' in this mapping")
            }
            let keyPosition = SourcePosition(line: line.number, column: indent + 1)
            let key = try keyString(keyText, line: line, column: indent)
            let repeated: Bool
            if members.count < 16 {
                repeated = members.contains { $0.key == key }
            } else {
                if seen == nil { seen = Set(members.map(\.key)) }
                repeated = !seen!.insert(key).inserted
            }
            guard !repeated else { throw fail(line, indent, "the key '\(key)' repeats in this mapping") }
            var childPath: Int?
            if let path, let streamed, path < streamed.path.count, streamed.path[path] == key { childPath = path + 1 }
            let value = YAMLLine.trimmed(bytes, ByteRange(start: valueStart, end: line.content.end))
            var valueFirst = valueStart
            while valueFirst < line.content.end, bytes[valueFirst] == 0x20 { valueFirst += 1 }
            let valueColumn = line.column(of: valueFirst, in: bytes)
            index += 1
            let node: JSONNode
            if value.isEmpty {
                skipBlank()
                if has(index), lineAt(index).indent > indent {
                    node = try block(minIndent: indent + 1, path: childPath)
                } else if has(index), lineAt(index).indent == indent, bytes.isEntry(lineAt(index).content) {
                    node = try sequence(indent: indent, streams: isStreamed(childPath))
                } else {
                    node = JSONNode(.null, at: keyPosition)
                }
            } else if bytes[value.start] == 0x7C || bytes[value.start] == 0x3E {
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
    private mutating func blockScalar(_ header: ByteRange, line: YAMLLine, column: Int, parentIndent: Int) throws(YAMLSyntaxError) -> JSONNode {
        let folded = bytes[header.start] == 0x3E
        let chomp: UInt8? = header.count == 1 ? nil : header.count == 2 ? bytes[header.start + 1] : 0
        guard chomp == nil || chomp == 0x2D || chomp == 0x2B else {
            throw fail(line, column, "block scalar header '\(bytes.string(header))': only |, |-, |+, >, >-, >+ are supported")
        }
        var body: [(pad: Int, text: ByteRange)] = []
        var blockIndent: Int?
        while has(index) {
            let l = lineAt(index)
            let raw = l.text
            if bytes[raw.start..<raw.end].allSatisfy({ $0 == 0x20 }) { body.append((0, ByteRange(start: 0, end: 0))); index += 1; continue }
            guard l.indent > parentIndent else { break }
            if blockIndent == nil { blockIndent = l.indent }
            guard let bi = blockIndent, l.indent >= bi else {
                throw fail(l, l.indent, "this line is indented less than the block scalar's first line")
            }
            body.append((l.indent - bi, raw))
            index += 1
        }
        var trailing = 0
        while let last = body.last, last.pad == 0, last.text.isEmpty { body.removeLast(); trailing += 1 }
        func isEmpty(_ l: (pad: Int, text: ByteRange)) -> Bool { l.pad == 0 && l.text.isEmpty }
        func startsWithSpace(_ l: (pad: Int, text: ByteRange)) -> Bool { l.pad > 0 || bytes.starts(l.text, with: 0x20) }
        var text: [UInt8] = []
        for (i, l) in body.enumerated() {
            if i > 0 {
                // Folding: a break between two plain lines is a space; before blank lines it is
                // dropped (each blank line gives one newline); around more-indented lines it stays.
                let previous = body[i - 1]
                if !folded || isEmpty(l) || startsWithSpace(previous) || startsWithSpace(l) {
                    if !(folded && isEmpty(previous) && !isEmpty(l) && !startsWithSpace(l)) { text.append(0x0A) }
                } else if !isEmpty(previous) {
                    text.append(0x20)
                }
            }
            text += repeatElement(0x20, count: l.pad)
            text += bytes[l.text.start..<l.text.end]
        }
        if !body.isEmpty {
            switch chomp {
            case 0x2D?: break
            case 0x2B?: text += repeatElement(0x0A, count: trailing + 1)
            default: text.append(0x0A)
            }
        }
        return JSONNode(.string(String(decoding: text, as: UTF8.self)), at: SourcePosition(line: line.number, column: column + 1))
    }

    /// The key of a `key: value` line and where its value starts, or nil when it is not one.
    func mappingKey(_ s: ByteRange) -> (ByteRange, Int)? {
        guard !s.isEmpty else { return nil }
        let q = bytes[s.start]
        if q == 0x22 || q == 0x27 {
            var i = s.start + 1
            while i < s.end {
                if bytes[i] == 0x5C && q == 0x22 { i += 1; if i < s.end { i += 1 }; continue }
                if bytes[i] == q {
                    let after = i + 1
                    if after < s.end, bytes[after] == q, q == 0x27 { i = after + 1; continue }
                    guard after < s.end, bytes[after] == 0x3A else { return nil }
                    let v = after + 1
                    return v == s.end || bytes[v] == 0x20 ? (ByteRange(start: s.start, end: after), v) : nil
                }
                i += 1
            }
            return nil
        }
        if q == 0x5B || q == 0x7B { return nil }
        var i = s.start
        while i < s.end {
            if bytes[i] == 0x3A {
                let v = i + 1
                if v == s.end || bytes[v] == 0x20 { return (YAMLLine.trimmed(bytes, ByteRange(start: s.start, end: i)), v) }
            }
            i += 1
        }
        return nil
    }

    func keyString(_ key: ByteRange, line: YAMLLine, column: Int) throws(YAMLSyntaxError) -> String {
        let node = try scalarOrFlow(key, line: line, column: column)
        switch node.value {
        case .string(let s): return s
        case .number(let n): return n.text
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        default: throw fail(line, column, "a key must be a scalar")
        }
    }

    /// A scalar or a one-line flow collection.
    func scalarOrFlow(_ text: ByteRange, line: YAMLLine, column: Int) throws(YAMLSyntaxError) -> JSONNode {
        var flow = FlowParser(bytes: bytes, text: text, line: line, baseColumn: column)
        let node = try flow.value(depth: depth)
        flow.skipSpaces()
        if !flow.atEnd {
            throw fail(line, flow.column, "unexpected text after the value")
        }
        return node
    }
}
