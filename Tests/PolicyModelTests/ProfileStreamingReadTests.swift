import Testing
@testable import PolicyModel
import TestSupport

/// `Profile.decodeJSON` checks and decodes each `syscalls` entry while the file is parsed. It must
/// report what reading the whole tree first reports: the same profile, or the same first error,
/// wherever the faults are (a profile's keys are sorted: `syscalls` comes before `version`).
@Suite struct ProfileStreamingReadTests {
    static func event(_ nr: Int32, _ args: [UInt64], ret: Int64 = 0) -> SyscallEvent {
        SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: nr, args: args + Array(repeating: 0, count: 6 - args.count), returnValue: ret)
    }

    /// The reference: the whole file parsed to a tree, then checked and decoded.
    static func whole(_ bytes: [UInt8]) throws(ProfileError) -> Profile {
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes, limits: JSONParser.Limits(maxBytes: bytes.count))
        } catch let e as JSONSyntaxError {
            throw .syntax(e)
        } catch {
            throw .notJSON("\(error)")
        }
        let top = try ProfileJSONFields(root, path: "")
        guard let v = try top.optional("version", ProfileJSONFields.int) else {
            throw .invalid(field: "version", expected: "the format version number (1)")
        }
        guard v == Profile.formatVersion else { throw .unsupportedVersion(v) }
        if let (_, error) = ProfileNumbers.firstInvalid(root, key: "", path: "") { throw error }
        return try ProfileFileV1(top).profile(table: .shared)
    }

    /// The profile read from `text` (as its JSON), or the error.
    static func outcome(streamed: Bool, _ text: String) -> String {
        do throws(ProfileError) {
            let bytes = Array(text.utf8)
            return String(decoding: try (streamed ? Profile.decodeJSON(bytes) : whole(bytes)).encodeJSON(), as: UTF8.self)
        } catch {
            return "error: \(error)"
        }
    }

    @Test("tampered profiles: the same profile or the same first error as a whole-tree reading")
    func tampered() {
        var p = Profile(metadata: ProfileMetadata(command: ["x"], backend: "ptrace"))
        p.add([Self.event(0, [3, 4]), Self.event(1, [1], ret: -9), Self.event(0, [5]), Self.event(257, [1, 2, 3])])
        let lines = String(decoding: p.encodeJSON(), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let numbered = lines.indices.filter { lines[$0].contains(" : ") }
        let replacements = ["-1", "\"x\"", "1.5", "99999999999999999999", "null", "\"vax\"", "\"0xzz\"", "[]", "{}", "0"]
        var g = SplitMix64(seed: 20)
        var errors = Set<String>()
        for _ in 0..<300 {
            var edited = lines
            for _ in 0..<Int.random(in: 1...3, using: &g) {
                let i = numbered[Int.random(in: 0..<numbered.count, using: &g)]
                let line = edited[i]
                guard let colon = line.range(of: " : ") else { continue }
                let comma = line.hasSuffix(",") ? "," : ""
                switch Int.random(in: 0..<10, using: &g) {
                case 0: edited[i] = ""
                default: edited[i] = line[..<colon.upperBound] + replacements[Int.random(in: 0..<replacements.count, using: &g)] + comma
                }
            }
            let text = edited.joined(separator: "\n")
            let streamed = Self.outcome(streamed: true, text)
            #expect(streamed == Self.outcome(streamed: false, text), "\(text)")
            if streamed.hasPrefix("error") { errors.insert(String(streamed.prefix(40))) }
        }
        // The mutations reach every kind of error: syntax, numbers, fields, model checks.
        #expect(errors.count > 20)
    }

    @Test("a profile naming one syscall twice is refused as before; a bad number after the entries comes first")
    func modelErrorsLast() throws {
        var p = Profile(metadata: ProfileMetadata(command: ["x"], backend: "ptrace"))
        p.add([Self.event(0, [3])])
        let text = String(decoding: p.encodeJSON(), as: UTF8.self)
        let start = try #require(text.range(of: "\"syscalls\" : [\n")).upperBound
        let end = try #require(text.range(of: "\n  ],\n  \"version\"")).lowerBound
        let entry = String(text[start..<end])
        let twice = text.replacingOccurrences(of: entry, with: entry + ",\n" + entry)
        #expect(Self.outcome(streamed: true, twice) == Self.outcome(streamed: false, twice))
        #expect(Self.outcome(streamed: true, twice).contains("repeats"))
        let badTraces = twice.replacingOccurrences(of: "\"traces\" : 1", with: "\"traces\" : -1")
        #expect(Self.outcome(streamed: true, badTraces).contains("metadata.traces"))
        #expect(Self.outcome(streamed: true, badTraces) == Self.outcome(streamed: false, badTraces))
    }
}
