import Foundation
import Testing
@testable import PolicyModel
import TestSupport

/// Every constant of every decoder, as the system headers define it: one C file per decoder
/// (its own headers), compiled with gcc and run at test time.
private func headerValues() throws -> [String: [String: UInt64]] {
    let dir = TestScratch.root
        .appendingPathComponent("decoder-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var files: [String] = []
    var main = "#include <stdio.h>\n"
    var calls = ""
    for (i, d) in ValueDecoders.all.enumerated() {
        var c = "#define _GNU_SOURCE 1\n#include <stdio.h>\n"
        c += d.headers.map { "#include <\($0)>\n" }.joined()
        c += "void print_\(i)(void) {\n"
        var names = d.constantNames
        if let m = d.field?.maskName { names.append(m) }
        for n in names {
            c += "    printf(\"%s %lld %llu\\n\", \"\(n)\", (long long)(\(n)), (unsigned long long)(\(n)));\n"
        }
        c += "}\n"
        let path = dir.appendingPathComponent("d\(i).c").path
        try c.write(toFile: path, atomically: true, encoding: .utf8)
        files.append(path)
        main += "void print_\(i)(void);\n"
        calls += "    printf(\"@ \(d.name)\\n\"); print_\(i)();\n"
    }
    main += "int main(void) {\n\(calls)    return 0;\n}\n"
    let mainPath = dir.appendingPathComponent("main.c").path
    try main.write(toFile: mainPath, atomically: true, encoding: .utf8)
    let exe = dir.appendingPathComponent("values").path
    try runTool("/usr/bin/gcc", ["-w", "-o", exe, mainPath] + files)
    let out = try runTool(exe, [])
    var values: [String: [String: UInt64]] = [:]
    var current = ""
    for line in out.split(separator: "\n") {
        let parts = line.split(separator: " ").map(String.init)
        if parts[0] == "@" { current = parts[1]; continue }
        let signed = Int64(parts[1])!
        // A negative int is kept as its 32-bit two's complement (AT_FDCWD = 0xffffff9c).
        let value = signed < 0 && signed >= Int64(Int32.min)
            ? UInt64(UInt32(truncatingIfNeeded: signed)) : UInt64(parts[2])!
        values[current, default: [:]][parts[0]] = value
    }
    return values
}

/// Runs a tool to its end; its standard output, or an error with its standard error.
@discardableResult
func runTool(_ path: String, _ arguments: [String]) throws -> String {
    let r = try ProcessRunner.run([path] + arguments)
    guard r.status == 0 else { throw DecoderTestError.failed(path, r.stderr) }
    return r.stdout
}

enum DecoderTestError: Error { case failed(String, String) }

private func decoder(_ name: String) throws -> ValueDecoder {
    try #require(ValueDecoders.named(name), "no decoder \(name)")
}

@Suite struct DecoderTests {
    @Test("every generated constant equals the value the system headers give it")
    func everyConstantMatchesTheHeaders() throws {
        let headers = try headerValues()
        var compared = 0
        for d in ValueDecoders.all {
            let fromC = try #require(headers[d.name], "gcc printed nothing for \(d.name)")
            for c in d.allConstants {
                #expect(fromC[c.name] == c.value, "\(d.name): \(c.name)")
                compared += 1
            }
            if let field = d.field, let maskName = field.maskName {
                #expect(fromC[maskName].map { $0 & d.width.mask } == field.mask, "\(d.name): \(maskName)")
                compared += 1
            }
        }
        #expect(compared == ValueDecoders.all.reduce(0) { $0 + $1.allConstants.count + ($1.field?.maskName == nil ? 0 : 1) })
        #expect(compared > 1000)
    }

    @Test("the decoders the issue names exist")
    func decodersExist() throws {
        for name in ["open_flags", "file_mode", "dirfd", "at_flags", "mmap_prot", "mmap_flags",
                     "madvise_advice", "socket_domain", "socket_type", "ip_protocol", "socket_level",
                     "sockopt_socket", "sockopt_tcp", "sockopt_ip", "sockopt_ipv6", "fcntl_cmd",
                     "ioctl_request", "prctl_option", "arch_prctl_code", "clone_flags", "futex_op",
                     "signal", "rlimit_resource", "clock_id", "personality", "seek_whence",
                     "access_mode", "errno", "capability"] {
            _ = try decoder(name)
        }
    }

    @Test("open flags: the access mode and the flags, unknown bits in hex")
    func openFlags() throws {
        let d = try decoder("open_flags")
        #expect(d.describe(0x80002) == "O_RDWR|O_CLOEXEC")
        #expect(d.describe(0x80000) == "O_RDONLY|O_CLOEXEC")
        #expect(d.describe(0) == "O_RDONLY")
        #expect(d.describe(0x241) == "O_WRONLY|O_CREAT|O_TRUNC")
        #expect(d.describe(0x8000_0002) == "O_RDWR|0x80000000")
        #expect(d.describe(3) == "0x3")
        #expect(try d.parse("O_RDWR|O_CLOEXEC") == 0x80002)
        #expect(try d.parse(" O_WRONLY | O_CREAT|O_TRUNC ") == 0x241)
        #expect(try d.parse("O_NDELAY") == d.value(named: "O_NONBLOCK"))
        // O_SYNC covers O_DSYNC's bit and is named as one flag, not O_DSYNC plus a rest.
        let sync = try #require(d.value(named: "O_SYNC"))
        #expect(d.describe(sync) == "O_RDONLY|O_SYNC")
        let cloexec = try decoder("cloexec_flags")
        #expect(cloexec.describe(0x80000) == "O_CLOEXEC")
        #expect(cloexec.describe(0) == "0")
        #expect(Constants.value(named: "O_CLOEXEC") == 0x80000)
    }

    @Test("AT_FDCWD is named whether it arrives as 32 bits or sign-extended")
    func atFdcwd() throws {
        let d = try decoder("dirfd")
        #expect(d.describe(0xffff_ff9c) == "AT_FDCWD")
        #expect(d.describe(0xffff_ffff_ffff_ff9c) == "AT_FDCWD")
        #expect(d.describe(3) == "3")
        #expect(d.describe(0xffff_ffff) == "-1")
        #expect(d.value(named: "AT_FDCWD") == 0xffff_ff9c)
        #expect(try d.parse("-100") == 0xffff_ff9c)
        #expect(Constants.value(named: "AT_FDCWD") == 0xffff_ff9c)
        #expect(try Constants.parse("-100") == 0xffff_ffff_ffff_ff9c)
        #expect(try Constants.parse("-100", width: .bits32) == 0xffff_ff9c)
        let at = try decoder("at_flags")
        #expect(at.describe(0x1000) == "AT_EMPTY_PATH")
        #expect(at.describe(0x1100) == "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH")
        #expect(at.describe(0x200) == "AT_REMOVEDIR")
        #expect(try decoder("faccessat_flags").describe(0x200) == "AT_EACCESS")
    }

    @Test("file modes: type, set-id bits, permissions in octal")
    func fileModes() throws {
        let d = try decoder("file_mode")
        #expect(d.describe(0o644) == "0644")
        #expect(d.describe(0o100644) == "S_IFREG|0644")
        #expect(d.describe(0o4755) == "04755")
        #expect(try d.parse("S_ISUID|0755") == 0o4755)
        #expect(d.describe(0) == "0")
        #expect(try d.parse("0644") == 0o644)
        #expect(try d.parse("S_IFDIR|0755") == 0o40755)
        #expect(try d.parse("S_IRUSR|S_IWUSR") == 0o600)
    }

    @Test("sockets: domain, type with SOCK_CLOEXEC|SOCK_NONBLOCK, protocol by domain, options by level")
    func sockets() throws {
        #expect(ArgumentDecoders.describe(syscall: "socket", argument: 0, value: 2) == "AF_INET")
        #expect(ArgumentDecoders.describe(syscall: "socket", argument: 0, value: 10) == "AF_INET6")
        let type = try decoder("socket_type")
        #expect(type.describe(1) == "SOCK_STREAM")
        #expect(type.describe(0x80801) == "SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK")
        #expect(type.describe(0x80002) == "SOCK_DGRAM|SOCK_CLOEXEC")
        #expect(try type.parse("SOCK_STREAM|SOCK_CLOEXEC") == 0x80001)
        let tcp = try #require(Constants.value(named: "IPPROTO_TCP"))
        #expect(ArgumentDecoders.describe(syscall: "socket", argument: 2, value: tcp,
                                          arguments: [2, 1, tcp]) == "IPPROTO_TCP")
        let netlink = try #require(Constants.value(named: "AF_NETLINK"))
        #expect(ArgumentDecoders.describe(syscall: "socket", argument: 2, value: 0,
                                          arguments: [netlink, 3, 0]) == "NETLINK_ROUTE")
        #expect(ArgumentDecoders.decoder(syscall: "socket", argument: 2, arguments: [1, 1, 0]) == nil)
        #expect(ArgumentDecoders.decoders(syscall: "socket", argument: 2).map(\.name)
                == ["ip_protocol", "netlink_protocol"])
        let solSocket = try #require(Constants.value(named: "SOL_SOCKET"))
        let reuse = try #require(Constants.value(named: "SO_REUSEADDR"))
        let nodelay = try #require(Constants.value(named: "TCP_NODELAY"))
        #expect(ArgumentDecoders.describe(syscall: "setsockopt", argument: 1, value: solSocket) == "SOL_SOCKET")
        #expect(ArgumentDecoders.describe(syscall: "setsockopt", argument: 2, value: reuse,
                                          arguments: [3, solSocket, reuse]) == "SO_REUSEADDR")
        #expect(ArgumentDecoders.describe(syscall: "setsockopt", argument: 2, value: nodelay,
                                          arguments: [3, tcp, nodelay]) == "TCP_NODELAY")
        #expect(ArgumentDecoders.describe(syscall: "getsockopt", argument: 1, value: tcp) == "SOL_TCP")
        #expect(try decoder("socket_level").parse("IPPROTO_TCP") == tcp)
        // What a text policy rule knows: some arguments by index.
        #expect(ArgumentDecoders.decoder(syscall: "setsockopt", argument: 2, known: [1: tcp])?.name == "sockopt_tcp")
        #expect(ArgumentDecoders.decoder(syscall: "setsockopt", argument: 2, known: [:])?.name == "sockopt_socket")
        #expect(ArgumentDecoders.decoder(syscall: "setsockopt", argument: 1, known: [2: 1])?.name == "socket_level")
        #expect(ArgumentDecoders.decoder(syscall: "socket", argument: 2, known: [0: 1]) == nil)
    }

    @Test("ioctl requests: at least 60, TCGETS by value, unknown ones in hex")
    func ioctls() throws {
        let d = try decoder("ioctl_request")
        #expect(d.constants.count >= 60)
        #expect(d.describe(0x5401) == "TCGETS")
        #expect(ArgumentDecoders.describe(syscall: "ioctl", argument: 1, value: 0x5413) == "TIOCGWINSZ")
        #expect(d.describe(0x1234_5678) == "0x12345678")
        // Upper bits of a 32-bit argument do not hide the request.
        #expect(d.describe(0xdead_0000_0000_5401) == "TCGETS")
        for family in ["TCGETS", "TIOCGWINSZ", "FIONREAD", "FIONBIO", "FIOCLEX", "SIOCGIFFLAGS",
                       "SIOCGIFINDEX", "BLKGETSIZE64", "BLKSSZGET", "FS_IOC_GETFLAGS", "FICLONE",
                       "LOOP_CONFIGURE", "NS_GET_USERNS", "TUNSETIFF", "PERF_EVENT_IOC_ENABLE",
                       "SECCOMP_IOCTL_NOTIF_RECV"] {
            let v = try #require(d.value(named: family), "\(family)")
            #expect(d.describe(v) == family)
        }
    }

    @Test("clone flags with the exit signal in the low byte; futex operations with their bits")
    func cloneAndFutex() throws {
        let clone = try decoder("clone_flags")
        let fork = try clone.parse("CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD")
        #expect(fork == 0x0120_0011)
        #expect(clone.describe(fork) == "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD")
        #expect(clone.describe(0x2_0000_0000) == "CLONE_INTO_CGROUP")
        #expect(clone.width == .bits64)
        let futex = try decoder("futex_op")
        #expect(futex.describe(0) == "FUTEX_WAIT")
        #expect(futex.describe(0x80) == "FUTEX_WAIT|FUTEX_PRIVATE_FLAG")
        #expect(futex.describe(0x189) == "FUTEX_WAIT_BITSET|FUTEX_PRIVATE_FLAG|FUTEX_CLOCK_REALTIME")
        #expect(try futex.parse("FUTEX_WAKE_PRIVATE") == 0x81)
        #expect(futex.describe(0x7e) == "0x7e")
    }

    @Test("signals, errno, capabilities, clocks, rlimits, whence, access modes, prctl, personality")
    func enumerations() throws {
        #expect(ArgumentDecoders.describe(syscall: "kill", argument: 1, value: 9) == "SIGKILL")
        #expect(ArgumentDecoders.describe(syscall: "kill", argument: 1, value: 40) == "40")
        #expect(try decoder("signal").parse("SIGIOT") == 6)
        #expect(try decoder("errno").describe(1) == "EPERM")
        #expect(try decoder("errno").parse("EWOULDBLOCK") == 11)
        #expect(try decoder("errno").describe(11) == "EAGAIN")
        #expect(try decoder("capability").describe(21) == "CAP_SYS_ADMIN")
        #expect(ArgumentDecoders.describe(syscall: "clock_gettime", argument: 0, value: 1) == "CLOCK_MONOTONIC")
        #expect(ArgumentDecoders.describe(syscall: "prlimit64", argument: 1, value: 7) == "RLIMIT_NOFILE")
        #expect(ArgumentDecoders.describe(syscall: "lseek", argument: 2, value: 2) == "SEEK_END")
        #expect(ArgumentDecoders.describe(syscall: "access", argument: 1, value: 0) == "F_OK")
        #expect(ArgumentDecoders.describe(syscall: "access", argument: 1, value: 6) == "R_OK|W_OK")
        let prSetName = try #require(Constants.value(named: "PR_SET_NAME"))
        #expect(ArgumentDecoders.describe(syscall: "prctl", argument: 0, value: prSetName) == "PR_SET_NAME")
        let capbset = try #require(Constants.value(named: "PR_CAPBSET_READ"))
        #expect(ArgumentDecoders.describe(syscall: "prctl", argument: 1, value: 21,
                                          arguments: [capbset, 21]) == "CAP_SYS_ADMIN")
        #expect(ArgumentDecoders.describe(syscall: "arch_prctl", argument: 0, value: 0x1002) == "ARCH_SET_FS")
        let per = try decoder("personality")
        #expect(per.describe(0) == "PER_LINUX")
        #expect(per.describe(0x0040000) == "PER_LINUX|ADDR_NO_RANDOMIZE")
        #expect(ArgumentDecoders.describe(syscall: "mmap", argument: 2, value: 0) == "PROT_NONE")
        #expect(ArgumentDecoders.describe(syscall: "mmap", argument: 2, value: 3) == "PROT_READ|PROT_WRITE")
        #expect(ArgumentDecoders.describe(syscall: "mmap", argument: 3, value: 0x22) == "MAP_PRIVATE|MAP_ANONYMOUS")
        #expect(ArgumentDecoders.describe(syscall: "madvise", argument: 2, value: 4) == "MADV_DONTNEED")
        #expect(ArgumentDecoders.describe(syscall: "fcntl", argument: 1, value: 2) == "F_SETFD")
        #expect(ArgumentDecoders.describe(syscall: "fcntl", argument: 2, value: 1, arguments: [3, 2, 1]) == "FD_CLOEXEC")
    }

    @Test("misspelt and malformed constants are refused with the closest names")
    func parseErrors() throws {
        let d = try decoder("open_flags")
        #expect(throws: ConstantError.unknownName("O_CLOEXC", decoder: "open_flags", suggestions: ["O_CLOEXEC"])) {
            try d.parse("O_RDWR|O_CLOEXC")
        }
        #expect(throws: ConstantError.empty) { try d.parse("O_RDWR|") }
        #expect(throws: ConstantError.badNumber("0x")) { try d.parse("0x") }
        #expect(throws: ConstantError.badNumber("09")) { try d.parse("09") }
        #expect(throws: ConstantError.badNumber("-2147483649")) { try d.parse("-2147483649") }
        // A name of another decoder is not a name of this one.
        #expect(throws: ConstantError.self) { try d.parse("AF_INET") }
        #expect(try Constants.parse("AF_INET") == 2)
        #expect(Constants.closestNames(to: "TCGEST").contains("TCGETS"))
        let message = ConstantError.unknownName("O_CLOEXC", decoder: "open_flags", suggestions: ["O_CLOEXEC"]).description
        #expect(message == "unknown constant 'O_CLOEXC' for open_flags; did you mean 'O_CLOEXEC'?")
    }

    @Test("describe then parse gives the value back, for random values of every decoder")
    func roundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        for d in ValueDecoders.all {
            var samples: [UInt64] = d.allConstants.map(\.value) + [0, 1, .max]
            for _ in 0..<50 { samples.append(UInt64.random(in: 0...UInt64.max, using: &rng) >> UInt64.random(in: 0...63, using: &rng)) }
            for v in samples {
                let text = d.describe(v)
                let back = try d.parse(text)
                #expect(back & d.width.mask == v & d.width.mask, "\(d.name): 0x\(String(v, radix: 16)) → \(text)")
            }
        }
    }

    @Test("no two names an enumeration describes with share a value; every name is one constant")
    func distinctNames() {
        var seen: [String: UInt64] = [:]
        for d in ValueDecoders.all {
            if d.kind == .enumeration {
                for c in d.constants {
                    #expect(d.describe(c.value) == c.name, "\(d.name): \(c.name) described as \(d.describe(c.value))")
                }
            }
            for c in d.allConstants {
                if let v = seen[c.name] { #expect(v == c.value, "\(c.name) has two values") }
                seen[c.name] = c.value
            }
        }
        #expect(Constants.allNames.count == seen.count)
    }

    @Test("the argument table names only decoders and constants that exist")
    func argumentTableReferences() throws {
        for (syscall, arguments) in argumentDecoderTable {
            for (index, choice) in arguments {
                #expect((0...5).contains(index), "\(syscall) argument \(index)")
                switch choice {
                case let .fixed(name):
                    #expect(ValueDecoders.named(name) != nil, "\(syscall): \(name)")
                case let .selected(by, cases, otherwise):
                    #expect(by != index && (0...5).contains(by))
                    if let otherwise { #expect(ValueDecoders.named(otherwise) != nil, "\(syscall): \(otherwise)") }
                    for (constant, name) in cases {
                        #expect(Constants.value(named: constant) != nil, "\(syscall): \(constant)")
                        #expect(ValueDecoders.named(name) != nil, "\(syscall): \(name)")
                    }
                }
            }
        }
    }
}
