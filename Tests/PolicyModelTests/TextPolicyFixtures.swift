@testable import PolicyModel

/// A small vocabulary with kernel signatures and header values, so that the text policy tests
/// do not depend on how complete the generated tables are.
enum TextPolicyFixtures {
    static func arg(_ name: String, _ cType: String, _ width: ArgWidth) -> SyscallArgument {
        SyscallArgument(name: name, cType: cType, width: width, isPointer: cType.hasSuffix("*"),
                        isPath: name == "filename")
    }

    static let table = SyscallTable(definitions: [
        SyscallDefinition(name: "read", numbers: [.x86_64: 0, .i386: 3, .aarch64: 63], arguments: [
            arg("fd", "unsigned int", .bits32), arg("buf", "char __user *", .bits64), arg("count", "size_t", .bits64)]),
        SyscallDefinition(name: "write", numbers: [.x86_64: 1, .i386: 4, .aarch64: 64], arguments: [
            arg("fd", "unsigned int", .bits32), arg("buf", "const char __user *", .bits64), arg("count", "size_t", .bits64)]),
        SyscallDefinition(name: "openat", numbers: [.x86_64: 257, .i386: 295, .aarch64: 56], arguments: [
            arg("dfd", "int", .bits32), arg("filename", "const char __user *", .bits64),
            arg("flags", "int", .bits32), arg("mode", "umode_t", .bits32)]),
        SyscallDefinition(name: "mmap", numbers: [.x86_64: 9, .aarch64: 222], arguments: [
            arg("addr", "unsigned long", .bits64), arg("len", "unsigned long", .bits64), arg("prot", "unsigned long", .bits64),
            arg("flags", "unsigned long", .bits64), arg("fd", "unsigned long", .bits64), arg("off", "unsigned long", .bits64)]),
        SyscallDefinition(name: "kill", numbers: [.x86_64: 62, .i386: 37, .aarch64: 129], arguments: [
            arg("pid", "pid_t", .bits32), arg("sig", "int", .bits32)]),
        SyscallDefinition(name: "socket", numbers: [.x86_64: 41, .i386: 359, .aarch64: 198], arguments: [
            arg("family", "int", .bits32), arg("type", "int", .bits32), arg("protocol", "int", .bits32)]),
        SyscallDefinition(name: "ioctl", numbers: [.x86_64: 16, .i386: 54, .aarch64: 29], arguments: [
            arg("fd", "unsigned int", .bits32), arg("cmd", "unsigned int", .bits32), arg("arg", "unsigned long", .bits64)]),
        SyscallDefinition(name: "lseek", numbers: [.x86_64: 8, .i386: 19, .aarch64: 62], arguments: [
            arg("fd", "unsigned int", .bits32), arg("offset", "off_t", .bits64), arg("whence", "unsigned int", .bits32)]),
        SyscallDefinition(name: "prctl", numbers: [.x86_64: 157, .i386: 172, .aarch64: 167], arguments: [
            arg("option", "int", .bits32), arg("arg2", "unsigned long", .bits64), arg("arg3", "unsigned long", .bits64),
            arg("arg4", "unsigned long", .bits64), arg("arg5", "unsigned long", .bits64)]),
        SyscallDefinition(name: "setsockopt", numbers: [.x86_64: 54, .i386: 366, .aarch64: 208], arguments: [
            arg("fd", "int", .bits32), arg("level", "int", .bits32), arg("optname", "int", .bits32),
            arg("optval", "char __user *", .bits64), arg("optlen", "int", .bits32)]),
        SyscallDefinition(name: "getpid", numbers: [.x86_64: 39, .i386: 20, .aarch64: 172], arguments: []),
        SyscallDefinition(name: "exit_group", numbers: [.x86_64: 231, .i386: 252, .aarch64: 94], arguments: [
            arg("error_code", "int", .bits32)]),
    ], otherArchitectureNames: ["arm_fadvise64_64"])

    static let openFlags = ValueDecoder(name: "open_flags", isFlags: true, constants: [
        ("O_WRONLY", 0o1), ("O_RDWR", 0o2), ("O_CREAT", 0o100), ("O_EXCL", 0o200), ("O_TRUNC", 0o1000),
        ("O_APPEND", 0o2000), ("O_NONBLOCK", 0o4000), ("O_DIRECTORY", 0o200000), ("O_CLOEXEC", 0o2000000),
        ("O_RDONLY", 0)])
    static let atDirfd = ValueDecoder(name: "at_dirfd", isFlags: false, constants: [("AT_FDCWD", 0xFFFF_FFFF_FFFF_FF9C)])
    static let mmapProt = ValueDecoder(name: "mmap_prot", isFlags: true, constants: [
        ("PROT_READ", 1), ("PROT_WRITE", 2), ("PROT_EXEC", 4), ("PROT_NONE", 0)])
    static let socketFamily = ValueDecoder(name: "socket_domain", isFlags: false, constants: [
        ("AF_UNIX", 1), ("AF_INET", 2), ("AF_INET6", 10), ("AF_NETLINK", 16)])
    static let socketType = ValueDecoder(name: "socket_type", isFlags: true, constants: [
        ("SOCK_STREAM", 1), ("SOCK_DGRAM", 2), ("SOCK_NONBLOCK", 0o4000), ("SOCK_CLOEXEC", 0o2000000)])
    static let ioctlRequest = ValueDecoder(name: "ioctl_request", isFlags: false, constants: [
        ("TCGETS", 0x5401), ("TCSETS", 0x5402), ("TIOCSTI", 0x5412), ("FIONREAD", 0x541B), ("FIOCLEX", 0x5451)])
    static let signals = ValueDecoder(name: "signal", isFlags: false, constants: [
        ("SIGHUP", 1), ("SIGINT", 2), ("SIGKILL", 9), ("SIGTERM", 15)])
    static let whence = ValueDecoder(name: "lseek_whence", isFlags: false, constants: [
        ("SEEK_SET", 0), ("SEEK_CUR", 1), ("SEEK_END", 2)])
    static let sockoptLevel = ValueDecoder(name: "sockopt_level", isFlags: false, constants: [
        ("SOL_IP", 0), ("SOL_SOCKET", 1), ("SOL_TCP", 6)])
    static let socketOptions = ValueDecoder(name: "socket_option", isFlags: false, constants: [
        ("SO_DEBUG", 1), ("SO_REUSEADDR", 2), ("SO_KEEPALIVE", 9)])
    static let tcpOptions = ValueDecoder(name: "tcp_option", isFlags: false, constants: [
        ("TCP_NODELAY", 1), ("TCP_MAXSEG", 2), ("TCP_KEEPIDLE", 4)])
    static let errnos = ValueDecoder(name: "errno", isFlags: false, constants: [
        ("EPERM", 1), ("ENOENT", 2), ("EACCES", 13), ("EINVAL", 22), ("ENOSYS", 38)])

    static let decoders: [String: [Int: ValueDecoder]] = [
        "openat": [0: atDirfd, 2: openFlags],
        "mmap": [2: mmapProt],
        "socket": [0: socketFamily, 1: socketType],
        "ioctl": [1: ioctlRequest],
        "kill": [1: signals],
        "lseek": [2: whence],
        "setsockopt": [1: sockoptLevel, 2: socketOptions],
    ]

    /// setsockopt's option names depend on its level, as in the real table.
    static func decoder(_ syscall: String, _ index: Int, _ known: [Int: UInt64]) -> ValueDecoder? {
        guard syscall == "setsockopt", index == 2, let level = known[1] else { return decoders[syscall]?[index] }
        switch level {
        case 1: return socketOptions
        case 6: return tcpOptions
        default: return nil
        }
    }
    static let groups: [String: [String]] = [
        "@basic-io": ["read", "write", "lseek"],
        "@network-io": ["socket"],
        "@process": ["kill", "exit_group", "getpid"],
    ]
    /// Constants not tied to an argument here (the tables have far more).
    static let constants: [String: UInt64] = {
        var all: [String: UInt64] = ["MAP_SHARED": 1, "MAP_PRIVATE": 2, "MAP_ANONYMOUS": 0x20, "BIG": 0x1_0000_0000]
        for d in [openFlags, atDirfd, mmapProt, socketFamily, socketType, ioctlRequest, signals, whence, errnos,
                  sockoptLevel, socketOptions, tcpOptions] {
            for c in d.constants { all[c.name] = c.value }
        }
        return all
    }()

    static let vocabulary = TextPolicyVocabulary(
        table: table,
        decoder: { decoder($0, $1, $2) },
        constant: { constants[$0] },
        constantNames: { constants.keys.sorted() },
        groupMembers: { groups[$0] },
        groupNames: { groups.keys.sorted() },
        errnoDecoder: errnos)

    static func parse(_ text: String, file: String = "test.policy") throws -> ParsedTextPolicy {
        try TextPolicy.parse(text, file: file, vocabulary: vocabulary)
    }

    /// The message of the error `text` raises, as `file:line:column: message`.
    static func error(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
