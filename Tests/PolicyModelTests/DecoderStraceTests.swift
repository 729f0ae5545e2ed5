import Foundation
import Testing
@testable import PolicyModel
import TestSupport

/// strace decodes the same arguments: run one program under `strace` twice, once decoded and once
/// with `-X raw`, and check that our decoders name every raw value as strace does.
@Suite(.serialized, .requires(Requirement.strace), .requires(Requirement.cc)) struct DecoderStraceTests {
    static let traced = ["openat", "ioctl", "fcntl", "lseek", "socket", "setsockopt", "getsockopt",
                         "mmap", "mprotect", "madvise", "access", "unlinkat", "newfstatat",
                         "mkdirat", "fchmodat", "prctl", "prlimit64", "kill", "futex"]

    @Test("every decoded argument of a traced program reads as strace reads it")
    func matchesStrace() throws {
        let source = try #require(Bundle.module.url(forResource: "decoder-probe", withExtension: "c",
                                                    subdirectory: "Fixtures"))
        let dir = TestScratch.root
            .appendingPathComponent("decoder-strace-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let exe = dir.appendingPathComponent("probe").path
        try runTool("/usr/bin/gcc", ["-o", exe, source.path])
        let trace = ["-qq", "-e", "trace=" + Self.traced.joined(separator: ","), "-e", "signal=none"]
        let decodedPath = dir.appendingPathComponent("decoded").path
        let rawPath = dir.appendingPathComponent("raw").path
        try runTool("/usr/bin/strace", trace + ["-o", decodedPath, exe])
        try runTool("/usr/bin/strace", trace + ["-X", "raw", "-o", rawPath, exe])
        let decoded = try String(contentsOfFile: decodedPath, encoding: .utf8).split(separator: "\n")
        let raw = try String(contentsOfFile: rawPath, encoding: .utf8).split(separator: "\n")
        #expect(decoded.count == raw.count)

        var compared = 0
        var seen = Set<String>()
        for (d, r) in zip(decoded, raw) {
            let (name, names) = try #require(straceCall(String(d)), "\(d)")
            let (rawName, numbers) = try #require(straceCall(String(r)), "\(r)")
            try #require(name == rawName)
            let values = numbers.map { (try? Constants.parse($0)) ?? 0 }
            for index in ArgumentDecoders.decodedArguments(of: name)
            where index < names.count && index < numbers.count {
                guard let decoder = ArgumentDecoders.decoder(syscall: name, argument: index,
                                                             arguments: values) else { continue }
                let value = try Constants.parse(numbers[index])
                let ours = try #require(ArgumentDecoders.describe(syscall: name, argument: index,
                                                                  value: value, arguments: values))
                let theirs = names[index]
                // The same names, in any order; strace writes futex's combined names
                // (FUTEX_WAKE_PRIVATE) where we write FUTEX_WAKE|FUTEX_PRIVATE_FLAG.
                if name != "futex" {
                    #expect(Set(ours.split(separator: "|")) == Set(theirs.split(separator: "|")),
                            "\(d): argument \(index) is \(ours) for us")
                }
                let width = SyscallTable.shared.definition(named: name)?.arguments[index].width ?? decoder.width
                #expect(try decoder.parse(theirs) & width.mask == value & width.mask,
                        "\(d): \(theirs) parsed by \(decoder.name)")
                compared += 1
                seen.insert(decoder.name)
            }
        }
        #expect(compared >= 60)
        for name in ["open_flags", "dirfd", "ioctl_request", "fcntl_cmd", "socket_domain", "socket_type",
                     "ip_protocol", "netlink_protocol", "socket_level", "sockopt_socket", "sockopt_tcp",
                     "mmap_prot", "mmap_flags", "madvise_advice", "access_mode", "at_flags", "file_mode",
                     "prctl_option", "capability", "signal", "rlimit_resource", "seek_whence",
                     "futex_op", "fd_flags"] {
            #expect(seen.contains(name), "no call decoded with \(name)")
        }
    }
}

/// `name(a, b, {c, d}, "e, f") = 0` → ("name", ["a", "b", "{c, d}", "\"e, f\""]).
func straceCall(_ line: String) -> (String, [String])? {
    guard let open = line.firstIndex(of: "(") else { return nil }
    let name = String(line[..<open])
    var args: [String] = []
    var current = ""
    var depth = 0
    var inString = false
    var escaped = false
    for ch in line[line.index(after: open)...] {
        if inString {
            current.append(ch)
            if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { inString = false }
            continue
        }
        switch ch {
        case "\"":
            inString = true
            current.append(ch)
        case "(", "{", "[":
            depth += 1
            current.append(ch)
        case ")" where depth == 0:
            if !current.isEmpty { args.append(current.trimmingCharacters(in: .whitespaces)) }
            return (name, args)
        case ")", "}", "]":
            depth -= 1
            current.append(ch)
        case "," where depth == 0:
            args.append(current.trimmingCharacters(in: .whitespaces))
            current = ""
        default:
            current.append(ch)
        }
    }
    return nil
}
