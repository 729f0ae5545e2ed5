import Foundation
import Testing
@testable import PolicyModel

@Suite struct OCIWriterTests {
    static let table = OCIReadErrorTests.table
    static let target = OCIReadErrorTests.target

    static let sample = Policy(
        defaultAction: .errno(38), architectures: [.i386, .x86_64], badArchAction: .killThread,
        rules: [
            Rule(syscall: "write", action: .allow),
            Rule(syscall: "read", action: .allow),
            Rule(syscall: "mmap", action: .trace(300)),
            Rule(syscall: "readv", action: .killProcess),
            Rule(syscall: "write", action: .errno(13), conditions: [
                Condition(index: 0, op: .maskedEq, value: 0xF0, valueTwo: 0x10, width: .bits32),
            ]),
            Rule(syscall: "read", action: .errno(13), conditions: [
                Condition(index: 0, op: .maskedEq, value: 0xF0, valueTwo: 0x10, width: .bits32),
            ]),
        ],
        flags: [.specAllow, .log])

    @Test("the writer's output is canonical: fixed key order, grouped and sorted names, errnoRet on errno and trace")
    func canonical() throws {
        let text = try OCIWriter.text(Self.sample)
        #expect(text == """
            {
              "defaultAction": "SCMP_ACT_ERRNO",
              "defaultErrnoRet": 38,
              "architectures": [
                "SCMP_ARCH_X86_64",
                "SCMP_ARCH_X86"
              ],
              "flags": [
                "SECCOMP_FILTER_FLAG_LOG",
                "SECCOMP_FILTER_FLAG_SPEC_ALLOW"
              ],
              "syscalls": [
                {
                  "names": [
                    "read",
                    "write"
                  ],
                  "action": "SCMP_ACT_ALLOW"
                },
                {
                  "names": [
                    "mmap"
                  ],
                  "action": "SCMP_ACT_TRACE",
                  "errnoRet": 300
                },
                {
                  "names": [
                    "readv"
                  ],
                  "action": "SCMP_ACT_KILL_PROCESS"
                },
                {
                  "names": [
                    "read",
                    "write"
                  ],
                  "action": "SCMP_ACT_ERRNO",
                  "errnoRet": 13,
                  "args": [
                    {
                      "index": 0,
                      "value": 240,
                      "valueTwo": 16,
                      "op": "SCMP_CMP_MASKED_EQ"
                    }
                  ]
                }
              ]
            }

            """)
        // Foundation reads it as JSON too.
        #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(text.utf8)) }
    }

    @Test("the same policy in any rule order gives the same bytes")
    func deterministic() throws {
        var rng = SplitMix64(seed: 7)
        let reference = try OCIWriter.encode(Self.sample)
        for _ in 0..<20 {
            var shuffled = Self.sample
            shuffled.rules.shuffle(using: &rng)
            shuffled.rules += shuffled.rules.prefix(2)  // duplicates collapse
            #expect(try OCIWriter.encode(shuffled) == reference)
        }
    }

    @Test("reading the written policy gives the same policy back")
    func readsBack() throws {
        let bytes = try OCIWriter.encode(Self.sample)
        let back = try OCIProfile.read(bytes, source: "w.json", target: Self.target, table: Self.table)
        #expect(back.warnings.isEmpty)
        #expect(back.policy.defaultAction == Self.sample.defaultAction)
        #expect(back.policy.architectures == [.x86_64, .i386])
        #expect(back.policy.flags.sorted { $0.bit < $1.bit } == [.log, .specAllow])
        #expect(Set(back.policy.rules) == Set(Self.sample.rules))
    }

    @Test("random policies keep every decision through write and read")
    func randomRoundTrip() throws {
        var rng = SplitMix64(seed: 42)
        let names = Self.table.definitions.map(\.name)
        let actions: [Action] = [.allow, .log, .trace(2), .userNotif, .errno(1), .errno(4095), .trap, .killThread, .killProcess]
        for _ in 0..<200 {
            let defaultAction = [Action.errno(1), .killProcess, .allow, .log].randomElement(using: &rng)!
            var rules: [Rule] = []
            for _ in 0..<Int.random(in: 0...8, using: &rng) {
                let name = names.randomElement(using: &rng)!
                // runc refuses notify on write; the writer does too (tested below).
                let action = actions.filter { $0 != defaultAction && !(name == "write" && $0 == .userNotif) }.randomElement(using: &rng)!
                let indices = Array(0...5).shuffled(using: &rng).prefix(Int.random(in: 0...3, using: &rng))
                let conditions = indices.map { i in
                    Condition(index: i, op: CompareOp.allCases.randomElement(using: &rng)!,
                              value: [0, 1, 7, 0xFFFF_FFFF, 0x1_0000_0000, .max].randomElement(using: &rng)!,
                              valueTwo: [0, 1, 7].randomElement(using: &rng)!, width: .bits64)
                }
                rules.append(Rule(syscall: name, action: action, conditions: conditions))
            }
            // Widths come from the table when read back; give the written policy the same.
            rules = rules.map { r in
                var r = r
                let def = Self.table.definition(named: r.syscall)!
                r.conditions = r.conditions.map { c in
                    var c = c
                    c.width = c.index < def.arguments.count ? def.arguments[c.index].width : .bits64
                    return c
                }
                return r
            }
            let policy = Policy(defaultAction: defaultAction, architectures: [.x86_64], badArchAction: .killThread, rules: rules)
            let written = try OCIWriter.encode(policy, options: .init(listenerPath: "/run/agent.sock"))
            let back = try OCIProfile.read(written, source: "r.json", target: Self.target, table: Self.table).policy
            for def in Self.table.definitions {
                for _ in 0..<20 {
                    let args = (0..<6).map { _ in [0, 1, 7, 8, 0xFFFF_FFFF, 0x1_0000_0007, .max, rng.next()].randomElement(using: &rng)! }
                    let data = SeccompData(nr: def.numbers[.x86_64]!, arch: .x86_64, args: args)
                    #expect(back.decide(data, table: Self.table) == policy.decide(data, table: Self.table))
                }
            }
        }
    }

    @Test("rules OCI runtimes would not enforce as meant are refused")
    func refusals() throws {
        let twice = Policy(defaultAction: .errno(1), rules: [
            Rule(syscall: "read", action: .allow, conditions: [
                Condition(index: 0, op: .ge, value: 3), Condition(index: 0, op: .le, value: 9),
            ]),
        ])
        let e1 = try #require(throws: OCIWriteError.self) { try OCIWriter.encode(twice) }
        #expect(e1.message == "the rule for read tests one argument twice (arg0 >= 0x3 && arg0 <= 0x9): OCI runtimes (runc) apply such tests as alternatives, not all together")

        #expect(throws: OCIWriteError.self) { try OCIWriter.encode(Policy(defaultAction: .userNotif)) }
        let notify = Policy(defaultAction: .allow, rules: [Rule(syscall: "read", action: .userNotif)])
        let e2 = try #require(throws: OCIWriteError.self) { try OCIWriter.encode(notify) }
        #expect(e2.message.hasPrefix("a rule notifies (SCMP_ACT_NOTIFY) but no listener path is given"))
        #expect(throws: Never.self) { try OCIWriter.encode(notify, options: .init(listenerPath: "/run/a.sock")) }
        let notifyWrite = Policy(defaultAction: .allow, rules: [Rule(syscall: "write", action: .userNotif)])
        #expect(throws: OCIWriteError.self) { try OCIWriter.encode(notifyWrite, options: .init(listenerPath: "/run/a.sock")) }

        let narrowing = Policy(defaultAction: .errno(1), rules: [
            Rule(syscall: "write", action: .allow),
            Rule(syscall: "write", action: .errno(1), conditions: [Condition(index: 0, op: .eq, value: 2)]),
        ])
        #expect(throws: OCIWriteError.self) { try OCIWriter.encode(narrowing) }

        // A rule with the default action and nothing weaker beside it is simply left out.
        let harmless = Policy(defaultAction: .errno(1), architectures: [.x86_64], rules: [Rule(syscall: "write", action: .errno(1))])
        #expect(try OCIWriter.text(harmless).contains("\"syscalls\": []"))
    }

    @Test("strings are escaped")
    func escaping() {
        #expect(OCIWriter.quote("a\"b\\c\n\u{01}é") == "\"a\\\"b\\\\c\\n\\u0001é\"")
        let opts = OCIWriter.Options(listenerPath: "/run/agent \"1\".sock", listenerMetadata: "x")
        let text = try? OCIWriter.text(Policy(defaultAction: .allow, architectures: [.x86_64]), options: opts)
        #expect(text?.contains("\"listenerPath\": \"/run/agent \\\"1\\\".sock\",\n  \"listenerMetadata\": \"x\"") == true)
    }
}

