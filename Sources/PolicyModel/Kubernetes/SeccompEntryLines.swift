/// One `spec.syscalls` item of a SeccompProfile read straight from its YAML lines, without a
/// tree: the fast way through a file of hundreds of thousands of entries, as `OCIEntryTokens` is
/// for JSON. It reads only items in the shape the operator and `export --format spo` write:
///
///     - names:
///       - read
///       action: SCMP_ACT_ERRNO
///       errnoRet: 1
///       args:
///       - index: 0
///         value: 0
///         valueTwo: 0
///         op: SCMP_CMP_EQ
///
/// (`names`, `action`, `errnoRet`, `args` in any order; a sequence at its key's indentation or
/// deeper; argument tests with `index`, `value`, `valueTwo`, `op` in any order), where every
/// line is ASCII, not blank, without a comment or trailing spaces, every value a plain word
/// (`[A-Za-z_][A-Za-z0-9_]*`, not null or a boolean) or decimal digits. It refuses at the first
/// thing that is not plainly such an item, including anything `OCIDecoder.syscall(_:entry:)`
/// would refuse or warn of (a repeated or unknown key, no syscall named, an unknown action or
/// operator, an index above 5, a number too large, an `errnoRet` the action ignores or out of its
/// range), and whenever the line after the item is blank, a comment, or indented deeper than the
/// item's `-` but less than its keys (where the tree reading decides what follows). The caller
/// then parses the item as a tree (`BlockParser`, then `OCIEntryStream.next(_:)`), which says
/// exactly what is wrong, or reads what this refused.
///
/// So an item read here is the value `OCIDecoder.syscall(_:entry:)` makes of the tree the YAML
/// reader makes of it, with the same positions and field paths, and no warning.
enum SeccompEntryLines {
    /// The item at `start`, decoded as entry `entry` of `syscalls`, and where it ends; nil when
    /// refused.
    static func read(_ bytes: [UInt8], _ start: YAMLItemStart, entry: Int) -> (OCIRawSyscall, YAMLItemEnd)? {
        // The deepest value of an item is three nodes down (`args[i].index`).
        guard start.depth + 4 <= YAMLReader.maxDepth else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            var reader = EntryLineReader(bytes: buffer, start: start)
            return reader.entry(entry)
        }
    }

    fileprivate static let entryKeys: [[UInt8]] = ["names", "action", "errnoRet", "args"].map { Array($0.utf8) }
    fileprivate static let argKeys: [[UInt8]] = ["index", "value", "valueTwo", "op"].map { Array($0.utf8) }
    /// Plain words the YAML reader types as null or a boolean.
    fileprivate static let typedWords: [[UInt8]] = ["null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"]
        .map { Array($0.utf8) }
}

/// Where a streamed block-sequence item starts, for a reader that takes it from the bytes.
struct YAMLItemStart {
    /// The byte its line starts at (the line's indentation included) and the line's number.
    var lineStart: Int
    var number: Int
    /// The column of its `-`.
    var indent: Int
    /// How many lines the document has from this one on.
    var lines: Int
    /// How deeply the parser is nested at the sequence.
    var depth: Int
}

/// What such a reader took: `lines` lines (at least one), the next line starting at byte `next`.
struct YAMLItemEnd: Equatable {
    var lines: Int
    var next: Int
}

/// Thrown inside `EntryLineReader` for anything it does not read.
private struct Refused: Error {}

/// The lines of one item, read one at a time.
private struct EntryLineReader {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The current line: where it starts, where its indentation ends, where it ends (before a
    /// `\r\n` or `\n`), where the next starts; its number; whether it is in the document.
    var start: Int
    var body = 0
    var end = 0
    var next = 0
    var number: Int
    var exists = false
    /// The lines of the document from the current one on.
    var left: Int
    let itemIndent: Int
    let first: Int

    init(bytes: UnsafeBufferPointer<UInt8>, start: YAMLItemStart) {
        self.bytes = bytes
        self.start = start.lineStart
        number = start.number
        left = start.lines
        itemIndent = start.indent
        first = start.number
    }

    var indent: Int { body - start }

    /// Makes the line at `start` current. The empty "line" after a file's last line feed is not
    /// one: an item that ends the file ends there (it was refused as if a blank line followed).
    mutating func scan() {
        exists = left > 0 && start < bytes.count
        guard exists else { return }
        var i = start
        let count = bytes.count
        while i < count, bytes[i] == 0x20 { i += 1 }
        body = i
        while i < count, bytes[i] != 0x0A { i += 1 }
        next = i + 1
        end = i > body && bytes[i - 1] == 0x0D ? i - 1 : i
    }

    /// Moves to the next line.
    mutating func advance() {
        start = next
        number += 1
        left -= 1
        scan()
    }

    func position(_ offset: Int) -> SourcePosition {
        SourcePosition(line: number, column: offset - start + 1)
    }

    /// Whether the current line is `- ` at `column`; then the offset after the spaces that follow.
    func entry(at column: Int) -> Int? {
        guard exists, indent == column, end - body >= 3, bytes[body] == 0x2D, bytes[body + 1] == 0x20 else { return nil }
        var i = body + 2
        while i < end, bytes[i] == 0x20 { i += 1 }
        return i
    }

    /// The key at `i` among `keys` (its index), and the offset after its `:`; refused when it is
    /// in `seen` (a bit per key), which it joins.
    func key(at i: Int, _ keys: [[UInt8]], seen: inout Int) throws(Refused) -> (Int, Int) {
        var colon = i
        while colon < end, bytes[colon] != 0x3A { colon += 1 }
        guard colon < end, colon + 1 == end || bytes[colon + 1] == 0x20 else { throw Refused() }
        let length = colon - i
        for (k, key) in keys.enumerated() where key.count == length {
            var same = true
            for j in 0..<length where bytes[i + j] != key[j] { same = false; break }
            if same {
                guard seen & (1 << k) == 0 else { throw Refused() }
                seen |= 1 << k
                return (k, colon + 1)
            }
        }
        throw Refused()
    }

    /// The scalar after a key's `:` at `i` (one or more spaces, then the value to the line's end).
    func valueStart(_ i: Int) throws(Refused) -> Int {
        guard i < end else { throw Refused() }
        var v = i
        while v < end, bytes[v] == 0x20 { v += 1 }
        guard v < end else { throw Refused() }
        return v
    }

    /// The plain word from `i` to the line's end.
    func word(_ i: Int) throws(Refused) -> String {
        func isLetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F }
        guard i < end, isLetter(bytes[i]) else { throw Refused() }
        for j in (i + 1)..<end {
            let c = bytes[j]
            guard isLetter(c) || (c >= 0x30 && c <= 0x39) else { throw Refused() }
        }
        let w = UnsafeBufferPointer(rebasing: bytes[i..<end])
        if w.count <= 5, SeccompEntryLines.typedWords.contains(where: { $0.elementsEqual(w) }) { throw Refused() }
        return String(decoding: w, as: UTF8.self)
    }

    /// The decimal digits from `i` to the line's end.
    func digits(_ i: Int) throws(Refused) -> UInt64 {
        guard i < end else { throw Refused() }
        var v: UInt64 = 0
        for j in i..<end {
            let c = bytes[j]
            guard c >= 0x30 && c <= 0x39 else { throw Refused() }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(c - 0x30))
            guard !o1, !o2 else { throw Refused() }
            v = s
        }
        return v
    }

    /// The line after a value: a key of the mapping at `keys` (true), or the end of the mapping:
    /// the document's end or a line indented less than `keys` and not below `outer` (false; the
    /// caller checks what comes at `outer`).
    func continues(_ keys: Int, outer: Int) throws(Refused) -> Bool {
        guard exists else { return false }
        guard body < end, bytes[body] != 0x23, bytes[body] != 0x09 else { throw Refused() }
        if indent == keys {
            guard bytes[body] != 0x2D else { throw Refused() }
            return true
        }
        guard indent < keys, indent <= outer else { throw Refused() }
        return false
    }

    mutating func entry(_ entry: Int) -> (OCIRawSyscall, YAMLItemEnd)? {
        scan()
        do throws(Refused) {
            guard let keyStart = self.entry(at: itemIndent) else { return nil }
            let syscall = try self.syscall(entry: entry, firstKey: keyStart)
            // What follows is the tree reading's: the next item, or the end of the sequence.
            return (syscall, YAMLItemEnd(lines: number - first, next: start))
        } catch {
            return nil
        }
    }

    /// The item's mapping, its first key at `firstKey` on the current line.
    mutating func syscall(entry: Int, firstKey: Int) throws(Refused) -> OCIRawSyscall {
        let field = "syscalls[\(entry)]"
        let keys = firstKey - start
        let position = self.position(firstKey)
        var names = OCINameList()
        var action: OCILocated<OCIAction>?
        var errnoRet: UInt64?
        var args: [OCIRawArg] = []
        var seen = 0
        var at = firstKey
        while true {
            let (key, after) = try self.key(at: at, SeccompEntryLines.entryKeys, seen: &seen)
            switch key {
            case 0, 3:
                guard after == end else { throw Refused() }
                advance()
                guard exists, body < end, indent >= keys else { throw Refused() }
                let items = indent
                if key == 0 {
                    while let i = self.entry(at: items) {
                        names.append(OCILocated(try word(i), path: .syscallName(entry: entry, name: names.read), position: self.position(i)))
                        advance()
                    }
                } else {
                    while let i = self.entry(at: items) {
                        args.append(try arg(entry: entry, arg: args.count, firstKey: i, items: items, keys: keys))
                    }
                }
                guard key == 3 || !names.names.isEmpty else { throw Refused() }
                if items > keys, exists, indent > keys { throw Refused() }
            case 1:
                let v = try valueStart(after)
                guard let a = OCIAction(rawValue: try word(v)) else { throw Refused() }
                action = OCILocated(a, field: "\(field).action", position: self.position(v))
                advance()
            default:
                errnoRet = try digits(try valueStart(after))
                advance()
            }
            guard try continues(keys, outer: itemIndent) else { break }
            at = body
        }
        // A syscall named, an action, and an errnoRet only where the action takes one, in its range.
        guard let action, !names.names.isEmpty else { throw Refused() }
        var data: UInt16?
        if let errnoRet {
            guard action.value.takesData, errnoRet <= action.value.maxData else { throw Refused() }
            data = UInt16(errnoRet)
        }
        return OCIRawSyscall(names: names.names, action: action, errnoRet: data, args: args, comment: nil,
                             includes: OCIRawFilter(), excludes: OCIRawFilter(), field: field, position: position)
    }

    /// An argument test, its first key at `firstKey` on the current line (a `- ` item at `items`
    /// of the entry's mapping at `keys`); leaves the line after it current.
    mutating func arg(entry: Int, arg: Int, firstKey: Int, items: Int, keys: Int) throws(Refused) -> OCIRawArg {
        let argKeys = firstKey - start
        let position = self.position(firstKey)
        var index: UInt64?
        var value: UInt64 = 0
        var valueTwo: UInt64 = 0
        var op: CompareOp?
        var seen = 0
        var at = firstKey
        while true {
            let (key, after) = try self.key(at: at, SeccompEntryLines.argKeys, seen: &seen)
            let v = try valueStart(after)
            switch key {
            case 0: index = try digits(v)
            case 1: value = try digits(v)
            case 2: valueTwo = try digits(v)
            default: op = CompareOp(rawValue: try word(v))
            }
            advance()
            // Another key of this test, or the next test (at `items`), or the entry's next key or end.
            guard exists, indent == argKeys else { break }
            guard body < end, bytes[body] != 0x23, bytes[body] != 0x2D else { throw Refused() }
            at = body
        }
        if exists {
            guard body < end, bytes[body] != 0x23, bytes[body] != 0x09 else { throw Refused() }
            guard indent == items || indent <= keys else { throw Refused() }
        }
        guard let index, index <= 5, let op else { throw Refused() }
        return OCIRawArg(index: Int(index), value: value, valueTwo: valueTwo, op: op, entry: entry, arg: arg, position: position)
    }
}
