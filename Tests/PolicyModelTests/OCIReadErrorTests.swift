import Testing
@testable import PolicyModel

/// Every kind of bad profile gives one error naming the file, line, column, field and what was expected.
@Suite struct OCIReadErrorTests {
    /// A small table so these tests do not depend on the generated one.
    static let table = SyscallTable(definitions: [
        SyscallDefinition(name: "read", numbers: [.x86_64: 0], arguments: [
            SyscallArgument(name: "fd", cType: "unsigned int", width: .bits32, isPointer: false, isPath: false),
        ]),
        SyscallDefinition(name: "write", numbers: [.x86_64: 1], arguments: [
            SyscallArgument(name: "fd", cType: "unsigned int", width: .bits32, isPointer: false, isPath: false),
        ]),
        SyscallDefinition(name: "readv", numbers: [.x86_64: 19], arguments: []),
        SyscallDefinition(name: "mmap", numbers: [.x86_64: 9], arguments: [
            SyscallArgument(name: "addr", cType: "unsigned long", width: .bits64, isPointer: false, isPath: false),
        ]),
        SyscallDefinition(name: "mprotect", numbers: [.x86_64: 10], arguments: [
            SyscallArgument(name: "start", cType: "unsigned long", width: .bits64, isPointer: false, isPath: false),
            SyscallArgument(name: "len", cType: "size_t", width: .bits64, isPointer: false, isPath: false),
            SyscallArgument(name: "prot", cType: "unsigned long", width: .bits64, isPointer: false, isPath: false),
        ]),
    ], otherArchitectureNames: ["arm_fadvise64_64"])

    static let target = OCITarget(arch: .x86_64, kernel: KernelVersion(kernel: 6, major: 18))

    private func read(_ text: String, lenient: Bool = false) throws -> OCIImport {
        try OCIProfile.read(Array(text.utf8), source: "p.json", target: Self.target,
                            options: .init(lenient: lenient), table: Self.table)
    }

    private func error(_ text: String) throws -> OCIProfileError {
        try #require(throws: OCIProfileError.self) { try read(text) }
    }

    private func profile(_ syscall: String) -> String {
        """
        {
          "defaultAction": "SCMP_ACT_ERRNO",
          "syscalls": [
            {"names": ["read"], "action": "SCMP_ACT_ALLOW"},
            \(syscall)
          ]
        }
        """
    }

    @Test("malformed JSON: file:line:column: what was expected")
    func malformed() throws {
        let e = try error("{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\"\n  \"syscalls\": []\n}")
        #expect(e.description == "p.json:3:3: expected ',' or '}' after an object member but found '\"'")
    }

    @Test("an empty file")
    func empty() throws {
        #expect(try error("").description == "p.json:1:1: the file is empty: expected a JSON value")
    }

    @Test("a huge file is refused with the limit")
    func huge() throws {
        let bytes = [UInt8](repeating: 0x20, count: 4096)
        let e = try #require(throws: OCIProfileError.self) {
            try OCIProfile.read(bytes, source: "big.json", target: Self.target,
                                options: .init(limits: .init(maxBytes: 1024)), table: Self.table)
        }
        #expect(e.description == "big.json: the file is 4096 bytes, more than the limit of 1 KiB")
    }

    @Test("wrong types name the field path", arguments: [
        ("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": \"1\", \"op\": \"SCMP_CMP_EQ\"}]}",
         "p.json:5:84: syscalls[1].args[0].value: expected an unsigned integer, found a string"),
        ("{\"names\": \"read\", \"action\": \"SCMP_ACT_ALLOW\"}",
         "p.json:5:15: syscalls[1].names: expected an array, found a string"),
        ("{\"names\": [\"read\", 7], \"action\": \"SCMP_ACT_ALLOW\"}",
         "p.json:5:24: syscalls[1].names[1]: expected a string, found a number"),
        ("{\"names\": [\"read\"], \"action\": 1}",
         "p.json:5:35: syscalls[1].action: expected a string, found a number"),
        ("[\"read\"]",
         "p.json:5:5: syscalls[1]: expected an object (a syscall entry), found an array"),
        ("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": \"CAP_SYS_ADMIN\"}}",
         "p.json:5:74: syscalls[1].includes.caps: expected an array, found a string"),
        ("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": \"four\"}}",
         "p.json:5:79: syscalls[1].includes.minKernel: expected a kernel version such as \"4.8\", found \"four\""),
        ("{\"names\": [\"read\"]}",
         "p.json:5:5: syscalls[1].action: expected an action such as \"SCMP_ACT_ALLOW\", but the key is missing"),
        ("{\"names\": [\"\"], \"action\": \"SCMP_ACT_ALLOW\"}",
         "p.json:5:16: syscalls[1].names[0]: expected a syscall name, found an empty string"),
        ("{\"name\": \"read\", \"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\"}",
         "p.json:5:14: syscalls[1].name: expected either 'name' or 'names', not both (as docker requires)"),
    ])
    func wrongTypes(entry: String, expected: String) throws {
        #expect(try error(profile(entry)).description == expected)
    }

    @Test("the profile must be an object with a default action")
    func topLevel() throws {
        #expect(try error("[]").description == "p.json:1:1: expected a JSON object (a seccomp profile), found an array")
        #expect(try error("{\"syscalls\": []}").description
                == "p.json:1:1: defaultAction: expected a default action such as \"SCMP_ACT_ERRNO\", but the key is missing")
        #expect(try error("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86_65\"]}").description
                .hasPrefix("p.json:1:55: architectures[0]: unknown architecture \"SCMP_ARCH_X86_65\"; expected a name such as \"SCMP_ARCH_X86_64\""))
        #expect(try error("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"flags\": [\"SECCOMP_FILTER_FLAG_FOO\"]}").description
                .hasPrefix("p.json:1:47: flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_FOO\"; expected one of SECCOMP_FILTER_FLAG_TSYNC"))
        #expect(try error("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86\"], \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\"}]}")
                .message == "expected either 'architectures' or 'archMap', not both (as docker requires)")
    }

    @Test("an unknown action or operator is quoted")
    func unknownActionOrOp() throws {
        let a = try error(profile("{\"names\": [\"write\"], \"action\": \"SCMP_ACT_DENY\"}"))
        #expect(a.description.hasPrefix("p.json:5:36: syscalls[1].action: unknown action \"SCMP_ACT_DENY\"; expected one of SCMP_ACT_KILL, "))
        let d = try error("{\"defaultAction\": \"allow\"}")
        #expect(d.description.hasPrefix("p.json:1:19: defaultAction: unknown action \"allow\""))
        let o = try error(profile("{\"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQUAL\"}]}"))
        #expect(o.description == "p.json:5:94: syscalls[1].args[0].op: unknown operator \"SCMP_CMP_EQUAL\"; expected one of "
                + CompareOp.allCases.map(\.rawValue).joined(separator: ", "))
    }

    @Test("an argument index above 5 is refused")
    func indexAbove5() throws {
        let e = try error(profile("{\"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}"))
        #expect(e.description == "p.json:5:73: syscalls[1].args[0].index: expected an argument index 0...5 (a syscall has six arguments), found 6")
    }

    @Test("errno out of 0...4095 is refused; trace data may use 16 bits")
    func errnoRange() throws {
        let e = try error(profile("{\"names\": [\"write\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 4096}"))
        #expect(e.description == "p.json:5:66: syscalls[1].errnoRet: expected an errno value 0...4095, found 4096")
        let d = try error("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 70000}")
        #expect(d.description == "p.json:1:56: defaultErrnoRet: expected an errno value 0...4095, found 70000")
        let t = try error(profile("{\"names\": [\"write\"], \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 65536}"))
        #expect(t.message == "expected trace data 0...65535, found 65536")
        let ok = try read(profile("{\"names\": [\"write\"], \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 65535}"))
        #expect(ok.policy.rules(for: "write").map(\.action) == [.trace(65535)])
        let zero = try read(profile("{\"names\": [\"write\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 0}"))
        #expect(zero.policy.rules(for: "write").map(\.action) == [.errno(0)])
    }

    @Test("negative numbers, fractions and values above UInt64 are refused")
    func numbers() throws {
        func arg(_ v: String) -> String {
            profile("{\"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": \(v), \"op\": \"SCMP_CMP_EQ\"}]}")
        }
        #expect(try error(arg("-1")).description == "p.json:5:85: syscalls[1].args[0].value: expected an unsigned integer, found the negative number -1")
        #expect(try error(arg("1.5")).message == "expected an unsigned integer, found 1.5")
        #expect(try error(arg("1e3")).message == "expected an unsigned integer, found 1e3")
        #expect(try error(arg("18446744073709551616")).message
                == "expected an unsigned integer no larger than 18446744073709551615, found 18446744073709551616")
        let max = try read(arg("18446744073709551615"))
        #expect(max.policy.rules(for: "write").first?.conditions.first?.value == UInt64.max)
        #expect(try error(profile("{\"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": -1, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}"))
                .message == "expected an unsigned integer, found the negative number -1")
    }

    @Test("an unknown syscall name is an error naming where it is and the closest names")
    func unknownName() throws {
        let e = try error(profile("{\"names\": [\"write\", \"raed\"], \"action\": \"SCMP_ACT_ALLOW\"}"))
        #expect(e.description == "p.json:5:25: syscalls[1].names[1]: unknown syscall \"raed\"; did you mean \"read\", \"readv\"?")
        let far = try error(profile("{\"name\": \"frobnicate\", \"action\": \"SCMP_ACT_ALLOW\"}"))
        #expect(far.description == "p.json:5:14: syscalls[1].name: unknown syscall \"frobnicate\"")
    }

    @Test("lenient reading skips unknown names with a warning; other-architecture names drop silently")
    func lenient() throws {
        let text = profile("{\"names\": [\"write\", \"raed\", \"arm_fadvise64_64\"], \"action\": \"SCMP_ACT_ALLOW\"}")
        let result = try read(text, lenient: true)
        #expect(result.policy.syscallNames == ["read", "write"])
        #expect(result.warnings.map(\.description) == [
            "p.json:5:25: syscalls[1].names[1]: unknown syscall \"raed\" skipped; did you mean \"read\", \"readv\"?",
        ])
        // Without lenient, the other-architecture name alone is no error.
        let strict = try read(profile("{\"names\": [\"arm_fadvise64_64\"], \"action\": \"SCMP_ACT_ALLOW\"}"))
        #expect(strict.policy.syscallNames == ["read"])
        #expect(strict.warnings.isEmpty)
    }

    @Test("unknown keys and meaningless errnoRet are read, ignored and reported")
    func warnings() throws {
        let result = try read(profile("{\"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\", \"errnoRet\": 5, \"arg\": []}"))
        #expect(result.warnings.map(\.description) == [
            "p.json:5:69: syscalls[1].arg: unknown key ignored (did you mean \"args\"?)",
            "p.json:5:66: syscalls[1].errnoRet: ignored: SCMP_ACT_ALLOW takes no errno (runc ignores it too)",
        ])
        #expect(result.policy.rules(for: "write").map(\.action) == [.allow])
    }
}
