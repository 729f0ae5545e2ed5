import Foundation
import Testing
@testable import PolicyModel

/// `PolicyLint`: each check fires on a policy that has the fault and not on the same policy fixed.
@Suite struct PolicyLintTests {
    /// A tight base policy: default ENOSYS, the host only, what every program needs.
    static func base(_ extra: [Rule] = [], defaultAction: Action = .errno(38), arches: [Arch] = [.x86_64]) -> Policy {
        let needed = ["read", "write", "exit", "exit_group", "rt_sigreturn", "restart_syscall", "brk", "mmap"]
        return Policy(defaultAction: defaultAction, architectures: arches,
                      rules: needed.map { Rule(syscall: $0, action: .allow) } + extra)
    }

    static func names(_ p: Policy) throws -> [String] { try PolicyLint(policy: p).warnings.map(\.check.name) }

    @Test("a tight policy has no warning and an exposure near 0")
    func tight() throws {
        let lint = try PolicyLint(policy: Self.base())
        #expect(lint.warnings.isEmpty, "\(lint.warnings)")
        #expect(lint.exposure < 0.5)
    }

    @Test("a default-allow policy on every architecture is close to 10, and every dangerous call is named")
    func open() throws {
        let lint = try PolicyLint(policy: Policy(defaultAction: .allow, architectures: Arch.allCases, badArchAction: .allow))
        #expect(lint.exposure >= 9.9)
        let dangerous = Set(lint.warnings.filter { $0.check == LintCatalog.dangerousSyscall }.compactMap(\.syscall))
        #expect(dangerous == Set(LintCatalog.dangerousSyscalls.map(\.name)))
        for name in ["default-allow", "foreign-arch", "clone-namespaces", "ioctl-tiocsti", "io-uring"] {
            #expect(lint.warnings.contains { $0.check.name == name }, "\(name)")
        }
    }

    @Test("dangerous syscalls: allowed without conditions warns; with conditions or refused does not")
    func dangerous() throws {
        for (name, _, _) in LintCatalog.dangerousSyscalls {
            let open = try PolicyLint(policy: Self.base([Rule(syscall: name, action: .allow)]))
            let w = try #require(open.warnings.first { $0.syscall == name })
            #expect(w.check == LintCatalog.dangerousSyscall && w.check.level == .high)
            #expect(open.badness[name] == 1)
            let limited = try PolicyLint(policy: Self.base([Rule(syscall: name, action: .allow,
                                                                 conditions: [Condition(index: 0, op: .eq, value: 8)])]))
            #expect(!limited.warnings.contains { $0.syscall == name })
            #expect(limited.badness[name] == 0.5)
            #expect(try Self.names(Self.base([Rule(syscall: name, action: .errno(1))])).isEmpty)
        }
    }

    @Test("clone: namespace flags allowed warns, Docker's mask does not; clone3 allowed warns")
    func clone() throws {
        let anyFlags = Self.base([Rule(syscall: "clone", action: .allow)])
        #expect(try Self.names(anyFlags) == ["clone-namespaces"])
        let docker = Self.base([Rule(syscall: "clone", action: .allow,
                                     conditions: [Condition(index: 0, op: .maskedEq, value: 0x7E02_0000, valueTwo: 0)])])
        #expect(try Self.names(docker).isEmpty)
        // Only CLONE_NEWUSER left open: found exactly.
        let leak = Self.base([Rule(syscall: "clone", action: .allow,
                                   conditions: [Condition(index: 0, op: .maskedEq, value: 0x6E02_0000, valueTwo: 0)])])
        let w = try #require(try PolicyLint(policy: leak).warnings.first)
        #expect(w.detail.contains("CLONE_NEWUSER"))
        #expect(w.witness.map { $0.args[0] & 0x1000_0000 != 0 } == true)
        #expect(try Self.names(Self.base([Rule(syscall: "clone3", action: .allow)])) == ["clone-namespaces"])
    }

    @Test("ioctl TIOCSTI: allowed warns; refused by a rule or absent from an allow list does not")
    func tiocsti() throws {
        #expect(try Self.names(Self.base([Rule(syscall: "ioctl", action: .allow)])) == ["ioctl-tiocsti"])
        let refused = Self.base([Rule(syscall: "ioctl", action: .allow),
                                 Rule(syscall: "ioctl", action: .errno(1), conditions: [Condition(index: 1, op: .eq, value: 0x5412, width: .bits32)])])
        #expect(try Self.names(refused).isEmpty)
        let listed = Self.base([Rule(syscall: "ioctl", action: .allow, conditions: [Condition(index: 1, op: .eq, value: 0x5401, width: .bits32)])])
        #expect(try Self.names(listed).isEmpty)
    }

    @Test("io_uring_setup allowed warns")
    func ioUring() throws {
        #expect(try Self.names(Self.base([Rule(syscall: "io_uring_setup", action: .allow)])) == ["io-uring"])
    }

    @Test("clone3 refused with EPERM (rule or default) warns; with ENOSYS it does not")
    func clone3() throws {
        #expect(try Self.names(Self.base([Rule(syscall: "clone3", action: .errno(1))])) == ["clone3-errno"])
        #expect(try Self.names(Self.base([Rule(syscall: "clone3", action: .errno(38))])).isEmpty)
        #expect(try Set(Self.names(Self.base(defaultAction: .errno(1)))) == ["clone3-errno", "errno-default"])
    }

    @Test("x32 or a foreign architecture allowed, or a bad-architecture action that allows, warns")
    func foreign() throws {
        #expect(try Self.names(Self.base(arches: [.x86_64, .x32])) == ["foreign-arch"])
        #expect(try Self.names(Self.base(arches: [.x86_64, .i386])) == ["foreign-arch"])
        var p = Self.base()
        p.badArchAction = .allow
        #expect(try Self.names(p) == ["foreign-arch"])
    }

    @Test("a kill default without exit_group warns; with it, it does not")
    func killDefault() throws {
        var p = Self.base(defaultAction: .killProcess)
        p.rules.append(Rule(syscall: "clone3", action: .errno(38)))
        #expect(try Self.names(p).isEmpty)
        p.rules.removeAll { $0.syscall == "exit_group" }
        #expect(try Self.names(p) == ["kill-without-exit-group"])
    }

    @Test("rules that always allow but load arguments, and log, are uncacheable; plain allow is not")
    func uncacheable() throws {
        let even = Condition(index: 0, op: .maskedEq, value: 1, valueTwo: 0, width: .bits32)
        let odd = Condition(index: 0, op: .maskedEq, value: 1, valueTwo: 1, width: .bits32)
        let p = Self.base([Rule(syscall: "close", action: .allow, conditions: [even]),
                           Rule(syscall: "close", action: .allow, conditions: [odd]),
                           Rule(syscall: "getpid", action: .log)])
        let w = try PolicyLint(policy: p).warnings
        #expect(w.map(\.check.name) == ["uncacheable", "uncacheable"])
        #expect(Set(w.compactMap(\.syscall)) == ["close", "getpid"])
        #expect(BPFCompiler.constantAction(of: "close", in: p, on: .x86_64) == nil, "the compiler does not see it")
    }

    @Test("the exposure table in docs/review.md is the one in the code")
    func documentedTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/review.md"), encoding: .utf8)
        #expect(doc.contains(ExposureTable.markdown()))
        for c in LintCatalog.all { #expect(doc.contains("`\(c.name)`"), "\(c.name) is documented") }
    }
}
