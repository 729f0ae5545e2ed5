import Testing
@testable import PolicyModel

@Suite struct TextPolicyParserTests {
    typealias F = TextPolicyFixtures

    @Test("DESIGN.md's example reads as the rules it describes")
    func designExample() throws {
        let p = try F.parse("""
            # default and architectures
            @default errno EPERM
            @arch x86_64
            read: allow
            write: fd == 1 || fd == 2
            socket: family == AF_INET || family == AF_INET6
            mmap: prot & PROT_EXEC == 0
            kill: errno EPERM
            """).policy
        #expect(p.defaultAction == .errno(1))
        #expect(p.architectures == [.x86_64])
        #expect(p.badArchAction == .killProcess)
        #expect(p.rules == [
            Rule(syscall: "read", action: .allow),
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 1, width: .bits32)]),
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 2, width: .bits32)]),
            Rule(syscall: "socket", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 2, width: .bits32)]),
            Rule(syscall: "socket", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 10, width: .bits32)]),
            Rule(syscall: "mmap", action: .allow, conditions: [Condition(index: 2, op: .maskedEq, value: 4, valueTwo: 0, width: .bits64)]),
            Rule(syscall: "kill", action: .errno(1)),
        ])
    }

    @Test("&& binds tighter than ||: a && b || c && d is two rules of two conditions")
    func precedence() throws {
        let p = try F.parse("@default kill\nlseek: fd == 3 && whence == SEEK_SET || fd == 4 && offset != 0\n").policy
        #expect(p.rules == [
            Rule(syscall: "lseek", action: .allow, conditions: [
                Condition(index: 0, op: .eq, value: 3, width: .bits32), Condition(index: 2, op: .eq, value: 0, width: .bits32)]),
            Rule(syscall: "lseek", action: .allow, conditions: [
                Condition(index: 0, op: .eq, value: 4, width: .bits32), Condition(index: 1, op: .ne, value: 0, width: .bits64)]),
        ])
    }

    @Test("every comparison operator maps to its CompareOp")
    func operators() throws {
        let ops: [(String, CompareOp)] = [("==", .eq), ("!=", .ne), ("<", .lt), ("<=", .le), (">", .gt), (">=", .ge)]
        for (symbol, op) in ops {
            let p = try F.parse("@default kill\nread: count \(symbol) 7").policy
            #expect(p.rules == [Rule(syscall: "read", action: .allow, conditions: [Condition(index: 2, op: op, value: 7)])])
        }
    }

    @Test("numbers in decimal, hex and octal; negative numbers at the argument's width; | joins terms")
    func values() throws {
        func value(_ text: String, _ target: String = "openat: mode") throws -> UInt64 {
            try #require(F.parse("@default kill\n\(target) == \(text)").policy.rules.first?.conditions.first).value
        }
        #expect(try value("420") == 420)
        #expect(try value("0x1a4") == 420)
        #expect(try value("0644") == 0o644)
        #expect(try value("0") == 0)
        #expect(try value("-100", "openat: dfd") == 0xFFFF_FF9C)
        #expect(try value("-1", "lseek: offset") == UInt64.max)
        #expect(try value("-2147483648", "kill: pid") == 0x8000_0000)
        #expect(try value("O_RDWR|O_CLOEXEC", "openat: flags") == 0o2000002)
        #expect(try value("O_CLOEXEC|0x4|1", "openat: flags") == 0o2000005)
        #expect(try value("0xffffffff", "openat: flags") == 0xFFFF_FFFF)
        #expect(try value("0x100000000", "read: count") == 0x1_0000_0000)
    }

    @Test("a constant is the argument decoder's first, then any constant; AT_FDCWD fits a 32-bit int")
    func constants() throws {
        let p = try F.parse("@default kill\nopenat: dfd == AT_FDCWD && flags & O_CLOEXEC == O_CLOEXEC\nmmap: flags == MAP_PRIVATE|MAP_ANONYMOUS").policy
        #expect(p.rules == [
            Rule(syscall: "openat", action: .allow, conditions: [
                Condition(index: 0, op: .eq, value: 0xFFFF_FF9C, width: .bits32),
                Condition(index: 2, op: .maskedEq, value: 0o2000000, valueTwo: 0o2000000, width: .bits32)]),
            Rule(syscall: "mmap", action: .allow, conditions: [Condition(index: 3, op: .eq, value: 0x22)]),
        ])
        // AT_FDCWD matches both the sign-extended and the zero-extended register.
        let at = try #require(p.rules.first?.conditions.first)
        #expect(at.holds(for: 0xFFFF_FFFF_FFFF_FF9C, on: .x86_64))
        #expect(at.holds(for: 0xFFFF_FF9C, on: .x86_64))
    }

    @Test("arg0...arg5 work like names, and argN means position N even where an argument is called arg2")
    func positionalArguments() throws {
        let p = try F.parse("@default kill\nwrite: arg0 == 1 && arg2 > 10\nprctl: arg2 == 5").policy
        #expect(p.rules == [
            Rule(syscall: "write", action: .allow, conditions: [
                Condition(index: 0, op: .eq, value: 1, width: .bits32), Condition(index: 2, op: .gt, value: 10)]),
            Rule(syscall: "prctl", action: .allow, conditions: [Condition(index: 2, op: .eq, value: 5)]),
        ])
    }

    @Test("every action and its conditional form 'ACTION if ...'")
    func actions() throws {
        let cases: [(String, Action)] = [
            ("allow", .allow), ("errno EPERM", .errno(1)), ("errno 38", .errno(38)), ("kill", .killProcess),
            ("kill-process", .killProcess), ("kill-thread", .killThread), ("trap", .trap), ("log", .log),
            ("trace 7", .trace(7)), ("notify", .userNotif),
        ]
        for (text, action) in cases {
            let p = try F.parse("@default \(text)\n@badarch \(text)\ngetpid: \(text)\nioctl: \(text) if cmd == TIOCSTI").policy
            #expect(p.defaultAction == action)
            #expect(p.badArchAction == action)
            #expect(p.rules == [
                Rule(syscall: "getpid", action: action),
                Rule(syscall: "ioctl", action: action, conditions: [Condition(index: 1, op: .eq, value: 0x5412, width: .bits32)]),
            ])
        }
    }

    @Test("@arch accepts several names and aliases; @flags takes short and SECCOMP_ names")
    func directives() throws {
        let p = try F.parse("@default allow\n@arch x86_64 x32\n@arch amd64 i386 # again\n@flags tsync SECCOMP_FILTER_FLAG_SPEC_ALLOW").policy
        #expect(p.architectures == [.x86_64, .x32, .i386])
        #expect(p.flags == [.tsync, .specAllow])
        #expect(p.rules.isEmpty)
    }

    @Test("no @arch means the host's architecture")
    func defaultArch() throws {
        #expect(try F.parse("@default allow").policy.architectures == [.host])
    }

    @Test("a group expands to one rule per member, resolving arguments per member")
    func groups() throws {
        let p = try F.parse("@default kill\n@basic-io: fd == 0 || arg0 == 1\n@process: errno EPERM").policy
        let io = ["read", "write", "lseek"].flatMap { s in
            [Rule(syscall: s, action: .allow, conditions: [Condition(index: 0, op: .eq, value: 0, width: .bits32)]),
             Rule(syscall: s, action: .allow, conditions: [Condition(index: 0, op: .eq, value: 1, width: .bits32)])]
        }
        #expect(p.rules == io + ["kill", "exit_group", "getpid"].map { Rule(syscall: $0, action: .errno(1)) })
    }

    @Test("comments, blank lines, CRLF and white space are ignored")
    func layout() throws {
        let p = try F.parse("\r\n   # nothing\r\n@default   allow # trailing\r\n\tread:allow\r\nwrite:fd==1&&count<=0x10||fd==2\n").policy
        #expect(p.rules.count == 3)
        #expect(p.rules[1].conditions == [Condition(index: 0, op: .eq, value: 1, width: .bits32), Condition(index: 2, op: .le, value: 16)])
    }

    @Test("< > <= >= on a signed argument warn that comparisons are unsigned; other comparisons do not")
    func signedWarning() throws {
        let r = try F.parse("@default kill\nkill: pid > 0 && sig == 9\nread: count > 0\nlseek: offset <= 100\nkill: pid != 0")
        #expect(r.warnings.map(\.description) == [
            "test.policy:2:11: 'pid' is a signed pid_t but '>' compares unsigned: negative values count as large numbers",
            "test.policy:4:15: 'offset' is a signed off_t but '<=' compares unsigned: negative values count as large numbers",
        ])
        #expect(r.policy.rules.count == 4)
    }

    @Test("a syscall only other architectures have is accepted, compared on 64 bits")
    func otherArchitectureName() throws {
        let p = try F.parse("@default kill\narm_fadvise64_64: arg1 == 1").policy
        #expect(p.rules == [Rule(syscall: "arm_fadvise64_64", action: .allow, conditions: [Condition(index: 1, op: .eq, value: 1)])])
    }

    @Test("an argument beyond the syscall's own gets a warning and is compared on 64 bits")
    func extraArgument() throws {
        let r = try F.parse("@default kill\nread: arg5 == 1")
        #expect(r.policy.rules == [Rule(syscall: "read", action: .allow, conditions: [Condition(index: 5, op: .eq, value: 1)])])
        #expect(r.warnings.map(\.description) == ["test.policy:2:7: 'read' takes 3 arguments; 'arg5' is not one of them and is compared on 64 bits"])
    }

    @Test("a rule's == conditions pick the decoder of other arguments: setsockopt's optname by its level")
    func dependentDecoder() throws {
        let text = """
            @default kill
            @arch x86_64

            setsockopt: level == SOL_TCP && optname == TCP_NODELAY || level == SOL_SOCKET && optname == SO_DEBUG || optname == SO_KEEPALIVE || level == SOL_IP && optname == 1

            """
        let p = try F.parse(text).policy
        #expect(p.rules.map { $0.conditions.map(\.value) } == [[6, 1], [1, 1], [9], [0, 1]])
        #expect(TextPolicy.format(p, vocabulary: F.vocabulary) == text)
        // TCP_KEEPIDLE is known under SOL_TCP only: elsewhere it is found among all constants.
        #expect(try F.parse("@default kill\nsetsockopt: optname == TCP_KEEPIDLE").policy.rules.first?.conditions.first?.value == 4)
        // Written back without a level, 1 is named by the default decoder.
        let q = Policy(defaultAction: .killProcess, architectures: [.x86_64], rules: [
            Rule(syscall: "setsockopt", action: .allow, conditions: [Condition(index: 2, op: .eq, value: 1, width: .bits32)])])
        #expect(TextPolicy.format(q, vocabulary: F.vocabulary).hasSuffix("setsockopt: optname == SO_DEBUG\n"))
    }
}
