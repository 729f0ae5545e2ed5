import Foundation
import Testing
import TestSupport

/// Hostile input files given to the built tool: each is refused with one clear error (or read,
/// when it is merely large), never a crash, a hang, a raw control character on the terminal or
/// a half-written output. Time limits are kept by benchmarks/hostile-inputs, not here: these
/// sizes would take minutes each if a reader were quadratic again.
@Suite(.serialized) struct HostileInputTests {
    typealias S = EnforceTestSupport

    static func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = try TestScratch.directory("hostile-input").appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func file(_ name: String, _ text: String) throws -> String { try file(name, Array(text.utf8)) }

    /// `export FILE --format text -o OUT` under a deadline.
    static func export(_ path: String, to output: String = "/dev/null") throws -> ProcessOutput {
        try ProcessRunner.run(["/usr/bin/timeout", "-s", "KILL", "120", try SeccompTUIBinary.path(), "export", path, "--format", "text", "-o", output])
    }

    @Test("JSON nested 100k levels deep is refused at the nesting limit (policy and profile)")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let policy = try Self.export(try Self.file("deep.json", #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": "# + deep + "}"))
        #expect(policy.status == 1)
        #expect(policy.stderr.contains("nested more than 64 levels deep"), "\(policy.stderr)")
        let profile = try ProcessRunner.run([try SeccompTUIBinary.path(), "generate", try Self.file("deep-profile.json", deep), "-o", "/dev/null"])
        #expect(profile.status == 1)
        #expect(profile.stderr.contains("nested more than 64 levels deep"), "\(profile.stderr)")
    }

    @Test("a 150k-entry OCI file (20 MB) of one syscall's rules with different actions is read; the overlap check is cut short")
    func bigOCI() throws {
        var entries: [String] = []
        for i in 0..<150_000 {
            let action = i % 2 == 0 ? #""SCMP_ACT_ERRNO", "errnoRet": 1"# : #""SCMP_ACT_LOG""#
            entries.append(#"{"names": ["ioctl"], "action": "# + action
                           + #", "args": [{"index": 1, "value": \#(i), "op": "SCMP_CMP_EQ"}], "comment": "entry \#(i)"}"#)
        }
        let text = #"{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": ["#
            + entries.joined(separator: ", ") + "]}"
        #expect(text.utf8.count > 15 << 20)
        let out = try TestScratch.directory("hostile-oci").appendingPathComponent("out.policy").path
        let r = try Self.export(try Self.file("big.json", text), to: out)
        #expect(r.status == 0, "\(r.stderr.prefix(500))")
        #expect(r.stderr.contains("too many rules to check every pair"), "\(r.stderr.prefix(500))")
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.split(separator: "\n").filter { $0.hasPrefix("ioctl:") }.count > 0)
    }

    @Test("a text policy of 100k rules is read")
    func manyRules() throws {
        var text = "@default errno EPERM\n"
        for i in 0..<100_000 { text += "ioctl: cmd == \(i)\n" }
        let out = try TestScratch.directory("hostile-rules").appendingPathComponent("out.policy").path
        let r = try Self.export(try Self.file("rules.policy", text), to: out)
        #expect(r.status == 0, "\(r.stderr.prefix(500))")
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.components(separatedBy: " || ").count == 100_000)
    }

    @Test("a syscall name of a megabyte is refused at once, the message cut short (text and OCI)")
    func hugeName() throws {
        let name = String(repeating: "a", count: 1 << 20)
        let text = try Self.export(try Self.file("name.policy", "@default errno EPERM\n\(name): allow\n"))
        #expect(text.status == 1)
        #expect(text.stderr.contains("unknown syscall 'aaaa"))
        #expect(text.stderr.contains("more characters)"), "\(text.stderr.prefix(400))")
        #expect(text.stderr.utf8.count < 2000)
        let oci = try Self.export(try Self.file("name.json", #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [""#
                                                + name + #""], "action": "SCMP_ACT_ERRNO"}]}"#))
        #expect(oci.status == 1)
        #expect(oci.stderr.contains("unknown syscall"))
        #expect(oci.stderr.utf8.count < 2000)
    }

    @Test("NUL bytes and escape sequences in a policy are shown escaped in the message, never raw")
    func controlCharacters() throws {
        let text = try Self.export(try Self.file("nul.policy", Array("@default errno EPERM\nre".utf8) + [0] + Array("ad\u{1B}[2J: allow\n".utf8)))
        #expect(text.status == 1)
        #expect(!text.stderr.utf8.contains(0) && !text.stderr.utf8.contains(0x1B), "\(text.stderr)")
        #expect(text.stderr.contains("nul.policy:2:"), "\(text.stderr)")
        let oci = try Self.export(try Self.file("nul.json", #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["re\u0000ad\u001b[2J"], "action": "SCMP_ACT_ERRNO"}]}"#))
        #expect(oci.status == 1)
        #expect(!oci.stderr.utf8.contains(0) && !oci.stderr.utf8.contains(0x1B), "\(oci.stderr)")
        #expect(oci.stderr.contains(#"re\u{0}ad\u{1b}[2J"#), "\(oci.stderr)")
    }

    /// An OCI entry whose name is `name`'s bytes.
    static func ociName(_ name: [UInt8]) -> [UInt8] {
        let head: [UInt8] = Array(#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [""#.utf8)
        let tail: [UInt8] = Array(#""], "action": "SCMP_ACT_ERRNO"}]}"#.utf8)
        return head + name + tail
    }

    static let badEncodings: [(String, [UInt8])] = [
        ("bad.json", ociName([0xC3, 0x28])),
        ("surrogate.json", ociName(Array(#"\ud800"#.utf8))),
        ("utf8-surrogate.json", ociName([0xED, 0xA0, 0x80])),
        ("bad.policy", Array("@default errno EPERM\nread: allow # ".utf8) + [0xFF, 0xFE, 0x0A]),
    ]

    @Test("bad UTF-8 and surrogates are refused with the line and column", arguments: badEncodings)
    func badEncoding(_ name: String, _ bytes: [UInt8]) throws {
        let r = try Self.export(try Self.file(name, bytes))
        #expect(r.status == 1)
        #expect(r.stderr.contains(name), "\(r.stderr)")
        #expect(r.stderr.contains("UTF-8") || r.stderr.contains("surrogate"), "\(r.stderr)")
    }

    @Test("an include cycle is refused, naming the chain")
    func includeCycle() throws {
        let dir = try TestScratch.directory("hostile-include")
        try "@default errno EPERM\n@include b.policy\n".write(to: dir.appendingPathComponent("a.policy"), atomically: true, encoding: .utf8)
        try "@include a.policy\n".write(to: dir.appendingPathComponent("b.policy"), atomically: true, encoding: .utf8)
        let r = try Self.export(dir.appendingPathComponent("a.policy").path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("@include cycle"), "\(r.stderr)")
    }

    @Test("a policy is read from a fifo, and written to one")
    func fifos() throws {
        let dir = try TestScratch.directory("hostile-fifo")
        let input = dir.appendingPathComponent("in.policy").path
        let output = dir.appendingPathComponent("out.policy").path
        try #require(mkfifo(input, 0o600) == 0 && mkfifo(output, 0o600) == 0)
        let writer = Thread {
            let fd = open(input, O_WRONLY)
            let text = Array("@default errno EPERM\nread: allow\n".utf8)
            _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        writer.start()
        let received = Locked<Data?>(nil)
        let reader = Thread {
            let fd = open(output, O_RDONLY)
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                data.append(contentsOf: buffer[0..<n])
            }
            close(fd)
            received.update { $0 = data }
        }
        reader.start()
        let r = try Self.export(input, to: output)
        #expect(r.status == 0, "\(r.stderr)")
        waitFor { received.value != nil }
        #expect(String(decoding: received.value ?? Data(), as: UTF8.self).contains("read: allow"))
    }

    @Test("a full disk and a read-only directory are errors that say so, and nothing is left behind")
    func unwritable() throws {
        let policy = try Self.file("ok.policy", "@default errno EPERM\nread: allow\n")
        let full = try Self.export(policy, to: "/dev/full")
        #expect(full.status == 1)
        #expect(full.stderr.contains("/dev/full: cannot write: no space left on device"), "\(full.stderr)")
        let dir = try TestScratch.directory("hostile-readonly")
        chmod(dir.path, 0o555)
        chmod(policy, 0o644)
        chmod(URL(fileURLWithPath: policy).deletingLastPathComponent().path, 0o755)
        let out = dir.appendingPathComponent("out.policy").path
        let r = try ProcessRunner.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           try SeccompTUIBinary.path(), "export", policy, "--format", "text", "-o", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot write: permission denied"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
