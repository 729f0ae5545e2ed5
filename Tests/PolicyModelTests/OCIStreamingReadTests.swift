import Testing
@testable import PolicyModel
import TestSupport

/// `OCIProfile.read` decodes and converts each `syscalls` entry while the file is parsed. It must
/// give what decoding the whole tree first gives: the same policy and warnings in the same
/// order, or the same first error, whatever the order of the members and where the faults are.
@Suite struct OCIStreamingReadTests {
    static let table = SyscallTable(definitions: [
        SyscallDefinition(name: "read", numbers: [.x86_64: 0], arguments: [
            SyscallArgument(name: "fd", cType: "unsigned int", width: .bits32, isPointer: false, isPath: false),
        ]),
        SyscallDefinition(name: "write", numbers: [.x86_64: 1], arguments: [
            SyscallArgument(name: "fd", cType: "unsigned int", width: .bits32, isPointer: false, isPath: false),
        ]),
        SyscallDefinition(name: "mmap", numbers: [.x86_64: 9], arguments: []),
    ], otherArchitectureNames: ["arm_fadvise64_64"])

    static let target = OCITarget(arch: .x86_64, capabilities: ["CAP_SYS_ADMIN"], kernel: KernelVersion(kernel: 6, major: 18))

    /// The outcome as text: the error, or the policy's rules and the warnings.
    static func outcome(_ body: () throws -> OCIImport) -> String {
        do {
            let r = try body()
            return "\(r.policy)\n" + r.warnings.map(\.description).joined(separator: "\n")
        } catch {
            return "error: \(error)"
        }
    }

    /// The streaming reader.
    static func streamed(_ text: String, lenient: Bool) -> String {
        outcome {
            try OCIProfile.read(Array(text.utf8), source: "p.json", target: target,
                                options: .init(lenient: lenient), table: table)
        }
    }

    /// The reference: the whole file parsed to a tree, decoded, resolved, converted.
    static func whole(_ text: String, lenient: Bool) -> String {
        outcome {
            let root: JSONNode
            do {
                root = try JSONParser.parse(Array(text.utf8))
            } catch let e as JSONSyntaxError {
                throw OCIProfileError(source: "p.json", position: e.position, field: "", message: e.message)
            }
            var decoder = OCIDecoder(source: "p.json")
            return try decoder.profile(root).resolved(for: target).policy(lenient: lenient, table: table)
        }
    }

    @Test("entries before the default action: those with the default action are dropped with their unknown names")
    func defaultAfterEntries() throws {
        let text = """
            {"syscalls": [
               {"names": ["nosuch", "read"], "action": "SCMP_ACT_ALLOW"},
               {"names": ["write"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
                                                                        {"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]},
               {"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
                                                                       {"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}
             ],
             "defaultAction": "SCMP_ACT_ALLOW"}
            """
        let r = try OCIProfile.read(Array(text.utf8), source: "p.json", target: Self.target, table: Self.table)
        #expect(r.policy.rules.map(\.syscall) == ["write", "write"])
        #expect(r.warnings.count == 1)
        #expect(r.warnings.first?.field == "syscalls[1].args")
        #expect(Self.streamed(text, lenient: false) == Self.whole(text, lenient: false))

        // The first unknown name of an entry that is kept is the error; in lenient reading, only
        // the kept entries' unknown names are warned of.
        let unknown = """
            {"syscalls": [
               {"names": ["nosuch"], "action": "SCMP_ACT_ALLOW"},
               {"names": ["read", "nosuch2"], "action": "SCMP_ACT_ERRNO"},
               {"names": ["nosuch3"], "action": "SCMP_ACT_KILL"}
             ],
             "defaultAction": "SCMP_ACT_ALLOW"}
            """
        let e = try #require(throws: OCIProfileError.self) {
            try OCIProfile.read(Array(unknown.utf8), source: "p.json", target: Self.target, table: Self.table)
        }
        #expect(e.field == "syscalls[1].names[1]")
        let lenient = try OCIProfile.read(Array(unknown.utf8), source: "p.json", target: Self.target,
                                          options: .init(lenient: true), table: Self.table)
        #expect(lenient.warnings.map(\.field) == ["syscalls[1].names[1]", "syscalls[2].names[0]"])
        #expect(lenient.policy.rules.map(\.syscall) == ["read"])
    }

    @Test("an entry's fault is reported after the fields a whole decoding checks first, a syntax error before all")
    func errorOrder() {
        let badEntry = #"{"names": ["read"], "action": "SCMP_ACT_NOPE"}"#
        let unknownName = #"{"names": ["nosuch"], "action": "SCMP_ACT_ERRNO"}"#
        let cases: [(String, String)] = [
            (#"{"syscalls": [\#(badEntry)]}"#, "defaultAction"),
            (#"{"syscalls": [\#(badEntry)], "defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_NOPE"]}"#, "architectures[0]"),
            (#"{"syscalls": [\#(badEntry)], "defaultAction": "SCMP_ACT_ALLOW", "flags": ["NOPE"]}"#, "syscalls[0].action"),
            (#"{"syscalls": [\#(unknownName), \#(badEntry)], "defaultAction": "SCMP_ACT_ALLOW"}"#, "syscalls[1].action"),
            (#"{"syscalls": [\#(unknownName)], "defaultAction": "SCMP_ACT_ALLOW", "flags": ["NOPE"]}"#, "flags[0]"),
            (#"{"syscalls": [\#(badEntry)], "defaultAction": "SCMP_ACT_ALLOW",}"#, ""),
        ]
        for (text, field) in cases {
            let streamed = Self.streamed(text, lenient: false)
            #expect(streamed == Self.whole(text, lenient: false))
            #expect(streamed.hasPrefix("error: p.json:1:"), "\(streamed)")
            #expect(field.isEmpty ? !streamed.contains(": syscalls") : streamed.contains(": \(field): "), "\(streamed)")
        }
    }

    @Test("random profiles: the same outcome as decoding the whole tree")
    func randomProfiles() {
        var g = SplitMix64(seed: 20)
        func pick<T>(_ xs: [T]) -> T { xs[Int.random(in: 0..<xs.count, using: &g)] }
        let names = ["\"read\"", "\"write\"", "\"mmap\"", "\"nosuch\"", "\"arm_fadvise64_64\"", "7"]
        let actions = ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_LOG", "SCMP_ACT_NOPE"]
        let ops = ["SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_GT", "SCMP_CMP_NOPE"]
        func entry() -> String {
            var members = [#""names": [\#((0..<Int.random(in: 0...2, using: &g)).map { _ in pick(names) }.joined(separator: ", "))]"#]
            if Int.random(in: 0..<12, using: &g) > 0 { members.append(#""action": "\#(pick(actions))""#) }
            if Bool.random(using: &g) { members.append(#""errnoRet": \#(pick(["1", "38", "5000", "\"x\""]))"#) }
            if Bool.random(using: &g) {
                let args = (0..<Int.random(in: 0...3, using: &g)).map { _ in
                    #"{"index": \#(pick(["0", "0", "1", "6"])), "value": \#(Int.random(in: 0...3, using: &g)), "op": "\#(pick(ops))"}"#
                }
                members.append(#""args": [\#(args.joined(separator: ", "))]"#)
            }
            if Int.random(in: 0..<5, using: &g) == 0 {
                members.append(#""\#(pick(["includes", "excludes"]))": {"caps": ["\#(pick(["CAP_SYS_ADMIN", "CAP_BPF"]))"]}"#)
            }
            if Int.random(in: 0..<8, using: &g) == 0 { members.append(#""nmaes": 1"#) }
            return "{" + members.shuffled(using: &g).joined(separator: ", ") + "}"
        }
        for _ in 0..<400 {
            var top: [String] = []
            if Int.random(in: 0..<10, using: &g) > 0 { top.append(#""defaultAction": "\#(pick(actions.dropLast()))""#) }
            if Bool.random(using: &g) { top.append(#""defaultErrnoRet": \#(pick(["1", "38"]))"#) }
            if Int.random(in: 0..<4, using: &g) == 0 { top.append(#""architectures": [\#(pick(["\"SCMP_ARCH_X86\"", "\"SCMP_ARCH_PPC\"", "\"NOPE\""]))]"#) }
            if Int.random(in: 0..<4, using: &g) == 0 { top.append(#""flags": [\#(pick(["\"SECCOMP_FILTER_FLAG_LOG\"", "\"NOPE\""]))]"#) }
            if Int.random(in: 0..<6, using: &g) == 0 { top.append(#""listenerPath": "/run/agent""#) }
            if Int.random(in: 0..<6, using: &g) == 0 { top.append(#""defautlAction": 1"#) }
            let syscalls = Int.random(in: 0..<12, using: &g)
            top.append(#""syscalls": \#(syscalls == 0 ? pick(["null", "5", "{}"]) : "[" + (0..<syscalls).map { _ in entry() }.joined(separator: ",\n") + "]")"#)
            var text = "{" + top.shuffled(using: &g).joined(separator: ",\n") + "}"
            if Int.random(in: 0..<10, using: &g) == 0 { text.removeLast(Int.random(in: 1...text.count / 2, using: &g)) }
            for lenient in [false, true] {
                #expect(Self.streamed(text, lenient: lenient) == Self.whole(text, lenient: lenient), "\(text)")
            }
        }
    }
}
