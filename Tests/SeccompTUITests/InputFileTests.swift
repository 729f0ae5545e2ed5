import ArgumentParser
import Foundation
import PolicyModel
import Testing
@testable import seccomp_tui
import TestScratch

/// Every file-reading command goes through one bounded reader with clear errors.
@Suite struct InputFileTests {
    static func scratch() throws -> String {
        let dir = TestScratch.root.appendingPathComponent("input-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/loop1", withDestinationPath: "loop2")
        try FileManager.default.createSymbolicLink(atPath: dir + "/loop2", withDestinationPath: "loop1")
        return dir
    }

    /// The readers of every command that takes a file: profiles (check, export --profile, open,
    /// generate, merge), frequency files, BPF programs, policies.
    static let readers: [(String, @Sendable (String) throws -> Void)] = [
        ("check", { _ = try Check.loadProfiles([$0]) }),
        ("open", { _ = try Open.readProfile(path: $0) }),
        ("generate", { _ = try ProfileIO.load(path: $0) }),
        ("frequency", { _ = try Export.readFrequency($0) }),
        ("disasm", { _ = try Disasm.readProgram($0) }),
        ("policy", { _ = try PolicyIO.load(path: $0) }),
    ]

    static func error(_ read: (String) throws -> Void, _ path: String) -> String? {
        do { try read(path); return nil } catch { return "\(error)" }
    }

    @Test("a directory, a symlink loop and a missing file each get one error naming the file and why")
    func unreadable() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, read) in Self.readers {
            #expect(Self.error(read, dir + "/sub") == "\(dir)/sub: cannot read: is a directory, not a file", "\(name)")
            #expect(Self.error(read, dir + "/loop1") == "\(dir)/loop1: cannot read: too many levels of symbolic links", "\(name)")
            #expect(Self.error(read, dir + "/none") == "\(dir)/none: cannot read: no such file", "\(name)")
        }
    }

    @Test("an endless file (/dev/zero) is refused at the reader's limit instead of filling memory")
    func endless() {
        #expect(Self.error({ _ = try Export.readFrequency($0) }, "/dev/zero") == "/dev/zero: the file is larger than the limit of 16 MiB")
        #expect(Self.error({ _ = try Disasm.readProgram($0) }, "/dev/zero") == "/dev/zero: the kernel would refuse this filter: the file "
                + "holds more than 32768 bytes, the kernel's limit of 4096 instructions")
        #expect(Self.error({ _ = try PolicyIO.readPolicyFile(path: $0) }, "/dev/zero") == "/dev/zero: the file is larger than the limit of 32 MiB")
    }

    @Test("a truncated or too deeply nested profile is reported at its line and column")
    func profileSyntax() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var p = Profile()
        p.add([SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: 0, args: [3, 4, 5, 0, 0, 0])])
        let text = String(decoding: p.encodeJSON(), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        try lines.prefix(5).joined(separator: "\n").write(toFile: dir + "/cut.json", atomically: false, encoding: .utf8)
        let cut = try #require(Self.error({ _ = try Check.loadProfiles([$0]) }, dir + "/cut.json"))
        #expect(cut.hasPrefix("\(dir)/cut.json:5:"))
        #expect(cut.contains("not a profile: ") && cut.contains("but the file ends"))
        try (String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
            .write(toFile: dir + "/deep.json", atomically: false, encoding: .utf8)
        #expect(Self.error({ _ = try ProfileIO.load(path: $0) }, dir + "/deep.json")
                == "\(dir)/deep.json:1:65: not a profile: arrays and objects are nested more than 64 levels deep")
    }

    @Test("a policy too large for the kernel names the file in export and merge, and writes nothing")
    func tooLargeForBPF() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rules = (0..<3000).map { "fd == \($0)" }.joined(separator: " || ")
        try "@default kill\nread: \(rules)\n".write(toFile: dir + "/big.policy", atomically: false, encoding: .utf8)
        let export = try Export.parse([dir + "/big.policy", "--format", "bpf"])
        #expect(Self.error({ _ in _ = try export.convertedBytes() }, "")?
            .hasPrefix("\(dir)/big.policy: cannot be compiled to BPF: the compiled filter has ") == true)
        let merge = try Merge.parse([dir + "/big.policy", "-o", dir + "/out.bpf"])
        #expect(Self.error({ _ in try merge.run() }, "")?
            .hasPrefix("\(dir)/out.bpf: cannot be compiled to BPF: the compiled filter has ") == true)
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.bpf"))
    }

    @Test("merge of a profile with a file that is neither profile nor policy names that file and its fault")
    func mergeNamesTheBadInput() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var p = Profile()
        p.add([SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: 0, args: [3, 4, 5, 0, 0, 0])])
        try Data(p.encodeJSON()).write(to: URL(fileURLWithPath: dir + "/p.json"))
        try Data().write(to: URL(fileURLWithPath: dir + "/empty.json"))
        let merge = try Merge.parse([dir + "/p.json", dir + "/empty.json", "-o", dir + "/out.json"])
        #expect(Self.error({ _ in try merge.run() }, "") == "\(dir)/empty.json:1:1: the file is empty: expected a JSON value")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.json"))
    }

    @Test("a bad --frequency line is reported as file:line with what was expected")
    func frequencyLine() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "read: 5\nwrite: -1\n".write(toFile: dir + "/f.freq", atomically: false, encoding: .utf8)
        #expect(Self.error({ _ = try Export.readFrequency($0) }, dir + "/f.freq")
                == "\(dir)/f.freq:2: count `-1` is not a non-negative integer")
    }

    @Test("inspect and record -p refuse a pid of 0 or below with one clear message")
    func pidsAboveZero() {
        #expect(Inspect.message(for: Self.parseError { _ = try Inspect.parse(["--", "-1"]) })
                == "<pid> takes a process id above 0, not -1")
        #expect(Inspect.message(for: Self.parseError { _ = try Inspect.parse(["0"]) })
                == "<pid> takes a process id above 0, not 0")
        #expect(Record.message(for: Self.parseError { _ = try Record.parse(["-p", "0"]) })
                == "-p takes a process id above 0, not 0")
    }

    static func parseError(_ body: () throws -> Void) -> any Error {
        do { try body(); return ValidationError("no error") } catch { return error }
    }
}
