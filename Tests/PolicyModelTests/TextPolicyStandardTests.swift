import Foundation
import Testing
@testable import PolicyModel

/// The text policy language over the package's own tables: the generated syscall table, the
/// decoders from the system headers, and the syscall groups.
@Suite struct TextPolicyStandardTests {
    static func constant(_ name: String) throws -> UInt64 { try #require(Constants.value(named: name)) }
    static func index(_ syscall: String, _ argument: String) throws -> Int {
        try #require(SyscallTable.shared.definition(named: syscall)?.argumentIndex(named: argument))
    }
    static func error(_ text: String) -> String? {
        do {
            _ = try TextPolicy.parse(text, file: "p.policy")
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("DESIGN.md's example reads against the real tables, with widths from the C types")
    func designExample() throws {
        let p = try TextPolicy.parse("""
            # default and architectures
            @default errno EPERM
            @arch x86_64
            read: allow
            write: fd == 1 || fd == 2
            socket: domain == AF_INET || domain == AF_INET6
            mmap: prot & PROT_EXEC == 0
            ptrace: errno EPERM
            """).policy
        let eperm = UInt16(try Self.constant("EPERM"))
        #expect(p.defaultAction == .errno(eperm))
        #expect(p.rules == [
            Rule(syscall: "read", action: .allow),
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: try Self.index("write", "fd"), op: .eq, value: 1, width: .bits32)]),
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: try Self.index("write", "fd"), op: .eq, value: 2, width: .bits32)]),
            Rule(syscall: "socket", action: .allow, conditions: [Condition(index: 0, op: .eq, value: try Self.constant("AF_INET"), width: .bits32)]),
            Rule(syscall: "socket", action: .allow, conditions: [Condition(index: 0, op: .eq, value: try Self.constant("AF_INET6"), width: .bits32)]),
            Rule(syscall: "mmap", action: .allow, conditions: [
                Condition(index: try Self.index("mmap", "prot"), op: .maskedEq, value: try Self.constant("PROT_EXEC"), valueTwo: 0,
                          width: try #require(SyscallTable.shared.definition(named: "mmap")?.arguments[2].width))]),
            Rule(syscall: "ptrace", action: .errno(eperm)),
        ])
    }

    @Test("openat with AT_FDCWD and open flags is written back with the same names")
    func openatRoundTrip() throws {
        let line = "openat: dfd == AT_FDCWD && flags == O_RDWR|O_CLOEXEC"
        let p = try TextPolicy.parse("@default kill\n@arch x86_64\n" + line).policy
        let flags = try Self.constant("O_RDWR") | Self.constant("O_CLOEXEC")
        #expect(p.rules.first?.conditions.map(\.value) == [0xFFFF_FF9C, flags])
        #expect(TextPolicy.format(p) == "@default kill\n@arch x86_64\n\n\(line)\n")
    }

    @Test("errno names are read and written: errno EACCES")
    func errnoNames() throws {
        let text = "@default errno EACCES\n@arch x86_64\n\nptrace: errno ENOSYS\n"
        let p = try TextPolicy.parse(text).policy
        #expect(p.defaultAction == .errno(UInt16(try Self.constant("EACCES"))))
        #expect(TextPolicy.format(p) == text)
    }

    @Test("a group expands to exactly its members; '@default:' is the group, '@default kill' the directive")
    func groups() throws {
        let members = try #require(SyscallGroups.members(of: "@basic-io"))
        let p = try TextPolicy.parse("@default kill\n@basic-io: allow\n@default: log").policy
        let defaults = try #require(SyscallGroups.members(of: "@default"))
        #expect(p.defaultAction == .killProcess)
        #expect(p.rules == members.map { Rule(syscall: $0, action: .allow) } + defaults.map { Rule(syscall: $0, action: .log) })
        #expect(Self.error("@default kill\n@basic-oi: allow") == "p.policy:2:1: unknown syscall group '@basic-oi' (did you mean '@basic-io'?)")
    }

    @Test("misspelt syscall, argument and constant suggest the closest real names")
    func suggestions() {
        #expect(Self.error("@default kill\nopnat: allow")?.hasPrefix("p.policy:2:1: unknown syscall 'opnat' (did you mean 'openat'") == true)
        #expect(Self.error("@default kill\nopenat: flag == 0")?.contains("(did you mean 'flags'") == true)
        let e = Self.error("@default kill\nopenat: flags == O_CLOXEC")
        #expect(e?.hasPrefix("p.policy:2:18: unknown constant 'O_CLOXEC' for 'flags' of 'openat' (did you mean 'O_CLOEXEC'") == true, "\(e ?? "accepted")")
    }

    @Test("pid > 0 on kill warns that comparisons are unsigned")
    func signedWarning() throws {
        let r = try TextPolicy.parse("@default kill\nkill: pid > 0", file: "p.policy")
        #expect(r.warnings.map(\.description) == ["p.policy:2:11: 'pid' is a signed pid_t but '>' compares unsigned: negative values count as large numbers"])
    }

    @Test("setsockopt's optname is named after its level, fcntl's argument after its command")
    func dependentDecoders() throws {
        let text = """
            @default kill
            @arch x86_64

            fcntl: cmd == F_SETFD && arg == FD_CLOEXEC || cmd == F_SETFL && arg == O_RDONLY|O_NONBLOCK
            setsockopt: level == SOL_TCP && optname == TCP_NODELAY || level == SOL_SOCKET && optname == SO_REUSEADDR

            """
        let p = try TextPolicy.parse(text).policy
        let values = p.rules.map { $0.conditions.map(\.value) }
        #expect(values == [[try Self.constant("F_SETFD"), try Self.constant("FD_CLOEXEC")],
                           [try Self.constant("F_SETFL"), try Self.constant("O_NONBLOCK")],
                           [try Self.constant("SOL_TCP"), try Self.constant("TCP_NODELAY")],
                           [try Self.constant("SOL_SOCKET"), try Self.constant("SO_REUSEADDR")]])
        #expect(TextPolicy.format(p) == text)
    }

    @Test("every group reads as its members and is written back one line per member")
    func everyGroup() throws {
        for group in SyscallGroups.names {
            let members = try #require(SyscallGroups.members(of: group))
            let p = try TextPolicy.parse("@default kill\n@arch x86_64\n\(group): errno EPERM").policy
            #expect(p.rules.map(\.syscall) == members)
            let text = TextPolicy.format(p)
            #expect(try TextPolicy.parse(text).policy.rules.map(\.syscall) == members.sorted())
        }
    }

    @Test("a decoder's field mask has its header name: flags & O_ACCMODE == O_WRONLY")
    func fieldMask() throws {
        let p = try TextPolicy.parse("@default kill\n@arch x86_64\nopenat: flags & O_ACCMODE == O_WRONLY\nfcntl: arg & O_ACCMODE == 0").policy
        let accmode = try #require(ValueDecoders.named("open_flags")?.field?.mask)
        #expect(p.rules.map { $0.conditions.map(\.value) } == [[accmode], [accmode]])
        #expect(p.rules.map { $0.conditions.map(\.valueTwo) } == [[try Self.constant("O_WRONLY")], [0]])
        #expect(TextPolicy.format(p).hasSuffix("\nfcntl: arg & 0x3 == 0\nopenat: flags & O_ACCMODE == O_WRONLY\n"))
    }

    @Test("the examples in docs/policy-language.md read without errors and are canonical after one pass")
    func documentedExample() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/policy-language.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let blocks = text.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        let policies = blocks.filter { $0.contains("@default") }
        try #require(!policies.isEmpty)
        for block in policies {
            let p = try TextPolicy.parse(block, file: "policy-language.md").policy
            #expect(!p.rules.isEmpty)
            let canonical = TextPolicy.format(p)
            #expect(TextPolicy.format(try TextPolicy.parse(canonical).policy) == canonical)
        }
    }
}
