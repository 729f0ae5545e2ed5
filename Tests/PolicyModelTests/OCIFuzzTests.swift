import Foundation
import Testing
@testable import PolicyModel
import TestSupport

/// Mutated profiles never crash the reader: each either reads or throws `OCIProfileError`.
@Suite struct OCIFuzzTests {
    static let target = OCITarget(arch: .x86_64, capabilities: ["CAP_SYS_ADMIN"], kernel: KernelVersion(kernel: 6, major: 18))

    static func fixture() throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "docker-default", withExtension: "json", subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    /// The docker profile with every `names` list cut to three entries: the same structure in
    /// about 10 KB, so thousands of mutations stay quick.
    static func compactFixture() throws -> [UInt8] {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(try fixture())) as? [String: Any])
        let syscalls = try #require(object["syscalls"] as? [[String: Any]])
        object["syscalls"] = syscalls.map { entry -> [String: Any] in
            var e = entry
            if let names = e["names"] as? [String] { e["names"] = Array(names.prefix(3)) }
            return e
        }
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]))
    }

    /// The generated table cut to the names of the compact profile: conversion runs as with the
    /// full table, and the "did you mean" search for mangled names stays cheap.
    static func compactTable() throws -> SyscallTable {
        let text = String(decoding: try compactFixture(), as: UTF8.self)
        let defs = SyscallTable.shared.definitions.filter { text.contains("\"\($0.name)\"") }
        return SyscallTable(definitions: defs, otherArchitectureNames: SyscallTable.shared.otherArchitectureNames)
    }

    static let fragments: [[UInt8]] = [
        "{", "}", "[", "]", "\"", ",", ":", "-1", "1e999", "18446744073709551616", "null", "true", "\\u0000",
        "\\ud800", "\"SCMP_ACT_FOO\"", "\"index\": 9", "{\"a\":", "\u{00}", "\u{FF}", "\u{7F}", "0.5", "\n",
    ].map { Array($0.utf8) } + [[0xC0], [0xED, 0xA0, 0x80], [0xF4, 0x90]]

    static func mutate(_ base: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = base
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let at = b.isEmpty ? 0 : Int.random(in: 0..<b.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0 where !b.isEmpty:  // flip bits of one byte
                b[at] ^= UInt8.random(in: 1...255, using: &rng)
            case 1:  // truncate
                b = Array(b.prefix(at))
            case 2:  // insert a JSON-ish fragment
                b.insert(contentsOf: fragments.randomElement(using: &rng)!, at: at)
            case 3 where !b.isEmpty:  // delete a range
                b.removeSubrange(at..<min(b.count, at + Int.random(in: 1...40, using: &rng)))
            case 4 where !b.isEmpty:  // duplicate a range
                let slice = b[at..<min(b.count, at + Int.random(in: 1...200, using: &rng))]
                b.insert(contentsOf: slice, at: Int.random(in: 0...b.count, using: &rng))
            case 5:  // deeply nested arrays
                let depth = Int.random(in: 1...5000, using: &rng)
                b.insert(contentsOf: [UInt8](repeating: UInt8(ascii: "["), count: depth)
                         + [UInt8](repeating: UInt8(ascii: "]"), count: depth), at: at)
            default:  // replace a digit run with a random number
                let n = String(Int64.random(in: .min ... .max, using: &rng))
                b.replaceSubrange(at..<min(b.count, at + 1), with: Array(n.utf8))
            }
        }
        return b
    }

    /// Reads `bytes`; any error other than `OCIProfileError` is a failure.
    static func check(_ bytes: [UInt8], lenient: Bool, table: SyscallTable) -> (read: Int, refused: Int) {
        var counts = (read: 0, refused: 0)
        do {
            let result = try OCIProfile.read(bytes, source: "fuzz.json", target: target,
                                             options: .init(lenient: lenient), table: table)
            // Whatever was read can be written, or the writer says why not.
            do { _ = try OCIWriter.encode(result.policy) } catch is OCIWriteError {}
            counts.read += 1
        } catch is OCIProfileError {
            counts.refused += 1
        } catch {
            Issue.record("unexpected error type \(type(of: error)): \(error)")
        }
        return counts
    }

    @Test("3000 mutations of the compact docker profile read or throw OCIProfileError")
    func compact() throws {
        let base = try Self.compactFixture()
        let table = try Self.compactTable()
        var rng = SplitMix64(seed: 2026)
        var total = (read: 0, refused: 0)
        for i in 0..<3000 {
            let c = Self.check(Self.mutate(base, &rng), lenient: i % 2 == 1, table: table)
            total.read += c.read
            total.refused += c.refused
        }
        // Both outcomes occur, so the mutations reach past the parser.
        #expect(total.read > 100)
        #expect(total.refused > 100)
    }

    @Test("60 mutations of the full docker profile read or throw OCIProfileError")
    func full() throws {
        let base = try Self.fixture()
        var rng = SplitMix64(seed: 99)
        for i in 0..<60 {
            _ = Self.check(Self.mutate(base, &rng), lenient: i % 2 == 1, table: .shared)
        }
    }

    @Test("values of the wrong type anywhere in the profile are refused with a field path")
    func typeMutations() throws {
        let object = try JSONSerialization.jsonObject(with: Data(try Self.compactFixture()))
        let table = try Self.compactTable()
        var rng = SplitMix64(seed: 5)
        let replacements: [Any] = ["x", -1, 1.5, NSNull(), true, [Any](), [String: Any](), 4096, 6, "SCMP_ACT_FOO", ["a": 1]]
        var refusedWithField = 0
        for _ in 0..<1000 {
            let mutated = Self.replaceRandomValue(in: object, with: replacements.randomElement(using: &rng)!, &rng)
            let bytes = Array(try JSONSerialization.data(withJSONObject: mutated))
            do {
                _ = try OCIProfile.read(bytes, source: "t.json", target: Self.target, table: table)
            } catch let e as OCIProfileError {
                #expect(e.position != nil)
                if !e.field.isEmpty { refusedWithField += 1 }
            } catch {
                Issue.record("unexpected error type \(type(of: error)): \(error)")
            }
        }
        #expect(refusedWithField > 100)
    }

    /// A copy of `value` with one randomly chosen node (object member or array element) replaced.
    static func replaceRandomValue(in value: Any, with replacement: Any, _ rng: inout SplitMix64) -> Any {
        if let dict = value as? [String: Any], !dict.isEmpty {
            let key = dict.keys.sorted().randomElement(using: &rng)!
            var copy = dict
            copy[key] = Bool.random(using: &rng) ? replacement : replaceRandomValue(in: dict[key]!, with: replacement, &rng)
            return copy
        }
        if let array = value as? [Any], !array.isEmpty {
            let i = Int.random(in: 0..<array.count, using: &rng)
            var copy = array
            copy[i] = Bool.random(using: &rng) ? replacement : replaceRandomValue(in: array[i], with: replacement, &rng)
            return copy
        }
        return replacement
    }
}
