import Testing
@testable import PolicyModel
import TestSupport

/// `ProfileEntryTokens` reads a profile's entries from their tokens; whatever it reads must be
/// what the tree reading decodes, with no number or field error, and whatever it refuses is left
/// to the tree reading.
@Suite struct ProfileEntryTokensTests {
    /// The entry read from its tokens (nil when refused); the cursor must be at its end then.
    static func tokens(_ text: String, depth: Int = 2) -> ProfileFileV1.Syscall? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(bytes: buffer)
            cursor.skipWhitespace()
            guard let entry = ProfileEntryTokens.read(&cursor, depth: depth, maxDepth: 64) else { return nil }
            cursor.skipWhitespace()
            #expect(cursor.atEnd, "\(text)")
            return entry
        }
    }

    /// The entry read as a tree, when it has no syntax, number or field error.
    static func tree(_ text: String) -> ProfileFileV1.Syscall? {
        guard let node = try? JSONParser.parse(Array(text.utf8)),
              ProfileNumbers.firstInvalid(node, key: "syscalls", path: "syscalls[0]") == nil else { return nil }
        return try? ProfileFileV1.Syscall(ProfileJSONFields(node, path: "syscalls[0]"))
    }

    static func text(_ entry: ProfileFileV1.Syscall) -> String { String(decoding: entry.json.bytes(), as: UTF8.self) }

    /// The entries of a profile with histograms, calls, paths and errnos, as written.
    static func entries() throws -> [String] {
        var p = Profile(metadata: ProfileMetadata(command: ["x"], backend: "ptrace"))
        var g = SplitMix64(seed: 7)
        for i in 0..<200 {
            let args = (0..<6).map { _ in g.next() >> (g.next() % 64) }
            p.add(SyscallEvent(pid: 1, tid: 1, arch: i % 9 == 0 ? .i386 : .x86_64, nr: Int32(i % 7), args: args,
                               returnValue: i % 3 == 0 ? -Int64(i % 5 + 1) : 0,
                               paths: i % 4 == 0 ? [0: "/tmp/é\(i % 3)"] : [:]), time: Double(i) / 7)
        }
        let text = String(decoding: p.encodeJSON(), as: UTF8.self)
        let start = try #require(text.range(of: "\"syscalls\" : [\n")).upperBound
        let end = try #require(text.range(of: "\n  ],\n  \"version\"")).lowerBound
        return text[start..<end].components(separatedBy: ",\n    {").enumerated().map { $0 == 0 ? $1 : "{" + $1 }
    }

    @Test("entries as written are read from their tokens, to what the tree reading decodes")
    func written() throws {
        let entries = try Self.entries()
        #expect(entries.count > 5)
        for entry in entries {
            let fast = try #require(Self.tokens(entry), "\(entry)")
            let slow = try #require(Self.tree(entry))
            #expect(Self.text(fast) == Self.text(slow))
            // Minified and with white space everywhere, the same.
            let tight = entry.split(separator: "\n").map { $0.drop(while: { $0 == " " }) }.joined()
            #expect(Self.tokens(tight).map(Self.text) == Self.text(slow))
            let loose = entry.replacingOccurrences(of: ",", with: " \t,\r\n ").replacingOccurrences(of: ":", with: "\n:  ")
            #expect(Self.tokens(loose).map(Self.text) == Self.text(slow))
        }
    }

    @Test("tampered entries: anything read from the tokens is what the tree reading decodes, without errors")
    func tampered() throws {
        let entries = try Self.entries()
        let replacements = ["-1", "-0", "0", "00", "1.0", "1e2", "-9223372036854775808", "9223372036854775808",
                            "18446744073709551615", "18446744073709551616", "2147483648", "-2147483649", "null", "true",
                            "\"0x1F\"", "\"0X1f\"", "\"0x\"", "\"0x00000000000000001\"", "\"0x0000000000000001\"",
                            "\"0x+1\"", "\"re\\u0061d\"", "\"read\"", "\"x86_64\"", "\"\"", "[]", "{}", "[\"0x1\"]",
                            "1.5", "1e400", "{\"count\": 1}"]
        var g = SplitMix64(seed: 11)
        var (read, refusedButValid, invalid) = (0, 0, 0)
        for _ in 0..<1500 {
            var lines = entries[Int(g.next() % UInt64(entries.count))].components(separatedBy: "\n")
            for _ in 0..<(1 + g.next() % 2) {
                let i = Int(g.next() % UInt64(lines.count))
                guard let colon = lines[i].range(of: " : ") else {
                    if g.next() % 4 == 0 { lines.remove(at: i) }
                    continue
                }
                let comma = lines[i].hasSuffix(",") ? "," : ""
                switch g.next() % 9 {
                case 0: lines[i] = ""
                case 8: lines[i] = Self.escapingFirst(lines[i], after: colon.upperBound)
                case 1: lines.insert(lines[i].hasSuffix(",") ? lines[i] : lines[i] + ",", at: i)
                case 2: // an unknown key
                    if let q = lines[i].firstIndex(of: "\"") { lines[i].insert("z", at: lines[i].index(after: q)) }
                default: lines[i] = lines[i][..<colon.upperBound] + replacements[Int(g.next() % UInt64(replacements.count))] + comma
                }
            }
            let text = lines.joined(separator: "\n")
            let slow = Self.tree(text)
            if let fast = Self.tokens(text) {
                read += 1
                #expect(slow.map(Self.text) == Self.text(fast), "\(text)")
            } else if slow != nil {
                refusedButValid += 1
            } else {
                invalid += 1
            }
        }
        // Each way is taken many times.
        #expect(read > 150)
        #expect(refusedButValid > 5)
        #expect(invalid > 150)
    }

    /// The line with the first character of the string value after `start` written as `\u00XX`
    /// (the same value, in a form only the tree reading reads).
    static func escapingFirst(_ line: String, after start: String.Index) -> String {
        guard let quote = line[start...].firstIndex(of: "\""), line.index(after: quote) < line.endIndex,
              let ascii = line[line.index(after: quote)].asciiValue, ascii != UInt8(ascii: "\"") else { return line }
        let hex = String(ascii, radix: 16)
        return line[...quote] + "\\u00" + (hex.count == 1 ? "0" : "") + hex + line[line.index(quote, offsetBy: 2)...]
    }

    @Test("an entry near the depth limit is left to the tree reading")
    func depth() throws {
        let entry = try #require(try Self.entries().first)
        #expect(Self.tokens(entry, depth: 59) != nil)
        #expect(Self.tokens(entry, depth: 60) == nil)
    }
}
