import Foundation
import PolicyModel
import Testing
import TUI
import TestSupport

/// Every file-reading command goes through one bounded reader with clear errors.
@Suite struct InputFileTests {
    static func scratch() throws -> String {
        let dir = TestScratch.root.appendingPathComponent("input-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/loop1", withDestinationPath: "loop2")
        try FileManager.default.createSymbolicLink(atPath: dir + "/loop2", withDestinationPath: "loop1")
        try "@default errno EPERM\nread: allow\n".write(toFile: dir + "/ok.policy", atomically: false, encoding: .utf8)
        return dir
    }

    /// The command lines of every command that takes a file, reading FILE: profiles (check, open,
    /// generate), frequency files, BPF programs, policies; `ok.policy` is a good policy in `dir`.
    static func readers(_ dir: String) -> [(String, (String) -> [String])] {
        [
            ("check", { ["check", "--policy", dir + "/ok.policy", $0] }),
            ("open", { ["open", $0] }),
            ("generate", { ["generate", $0, "-o", dir + "/generated.json"] }),
            ("frequency", { ["export", dir + "/ok.policy", "--format", "bpf", "--frequency", $0] }),
            ("disasm", { ["disasm", $0] }),
            ("policy", { ["export", $0, "--format", "text"] }),
        ]
    }

    /// The error of `seccomp-tui ARGS`, or nil when it succeeds.
    static func error(_ arguments: [String]) throws -> String? {
        try EnforceTestSupport.failure(arguments)
    }

    @Test("a directory, a symlink loop and a missing file each get one error naming the file and why")
    func unreadable() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, command) in Self.readers(dir) {
            #expect(try Self.error(command(dir + "/sub")) == "\(dir)/sub: cannot read: is a directory, not a file", "\(name)")
            #expect(try Self.error(command(dir + "/loop1")) == "\(dir)/loop1: cannot read: too many levels of symbolic links", "\(name)")
            #expect(try Self.error(command(dir + "/none")) == "\(dir)/none: cannot read: no such file", "\(name)")
        }
    }

    @Test("an endless file (/dev/zero) is refused at the reader's limit instead of filling memory")
    func endless() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try Self.error(["export", dir + "/ok.policy", "--format", "bpf", "--frequency", "/dev/zero"])
                == "/dev/zero: the file is larger than the limit of 16 MiB")
        #expect(try Self.error(["disasm", "/dev/zero"]) == "/dev/zero: the kernel would refuse this filter: the file "
                + "holds more than 32768 bytes, the kernel's limit of 4096 instructions")
        #expect(try Self.error(["export", "/dev/zero", "--format", "text"]) == "/dev/zero: the file is larger than the limit of 32 MiB")
    }

    @Test("a truncated or too deeply nested profile is reported at its line and column")
    func profileSyntax() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var p = Profile()
        p.add([SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: sysno("read", .x86_64), args: [3, 4, 5, 0, 0, 0])])
        let text = String(decoding: p.encodeJSON(), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        try lines.prefix(5).joined(separator: "\n").write(toFile: dir + "/cut.json", atomically: false, encoding: .utf8)
        let cut = try #require(try Self.error(["check", "--policy", dir + "/ok.policy", dir + "/cut.json"]))
        #expect(cut.hasPrefix("\(dir)/cut.json:5:"))
        #expect(cut.contains("not a profile: ") && cut.contains("but the file ends"))
        try (String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
            .write(toFile: dir + "/deep.json", atomically: false, encoding: .utf8)
        #expect(throws: FileError(path: dir + "/deep.json:1:65", reason: "not a profile: arrays and objects are nested more than 64 levels deep")) {
            try ProfileIO.load(path: dir + "/deep.json")
        }
        #expect(try Self.error(["open", dir + "/deep.json"]) == "\(dir)/deep.json:1:65: not a profile: arrays and objects are nested more than 64 levels deep")
    }

    @Test("a policy too large for the kernel names the file in export and merge, and writes nothing")
    func tooLargeForBPF() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rules = (0..<3000).map { "fd == \($0)" }.joined(separator: " || ")
        try "@default kill\nread: \(rules)\n".write(toFile: dir + "/big.policy", atomically: false, encoding: .utf8)
        #expect(try Self.error(["export", dir + "/big.policy", "--format", "bpf"])?
            .hasPrefix("\(dir)/big.policy: cannot be compiled to BPF: the compiled filter has ") == true)
        #expect(try Self.error(["merge", dir + "/big.policy", "-o", dir + "/out.bpf"])?
            .hasPrefix("\(dir)/out.bpf: cannot be compiled to BPF: the compiled filter has ") == true)
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.bpf"))
    }

    @Test("merge of a profile with a file that is neither profile nor policy names that file and its fault")
    func mergeNamesTheBadInput() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var p = Profile()
        p.add([SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: sysno("read", .x86_64), args: [3, 4, 5, 0, 0, 0])])
        try Data(p.encodeJSON()).write(to: URL(fileURLWithPath: dir + "/p.json"))
        try Data().write(to: URL(fileURLWithPath: dir + "/empty.json"))
        #expect(try Self.error(["merge", dir + "/p.json", dir + "/empty.json", "-o", dir + "/out.json"]) == "\(dir)/empty.json:1:1: the file is empty: expected a JSON value")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.json"))
    }

    @Test("a bad --frequency line is reported as file:line with what was expected")
    func frequencyLine() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "read: 5\nwrite: -1\n".write(toFile: dir + "/f.freq", atomically: false, encoding: .utf8)
        #expect(try Self.error(["export", dir + "/ok.policy", "--format", "bpf", "--frequency", dir + "/f.freq"])
                == "\(dir)/f.freq:2: count `-1` is not a non-negative integer")
    }

    @Test("inspect and record -p refuse a pid of 0 or below with one clear message")
    func pidsAboveZero() throws {
        #expect(try Self.error(["inspect", "--", "-1"]) == "<pid> takes a process id above 0, not -1")
        #expect(try Self.error(["inspect", "0"]) == "<pid> takes a process id above 0, not 0")
        #expect(try Self.error(["record", "-p", "0"]) == "-p takes a process id above 0, not 0")
    }
}
