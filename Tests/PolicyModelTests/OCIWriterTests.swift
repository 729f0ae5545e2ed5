import Foundation
import Testing
@testable import PolicyModel
import TestSupport

@Suite struct OCIWriterTests {
    static let table = OCIReadErrorTests.table
    static let target = OCIReadErrorTests.target

    static let sample = Policy(
        defaultAction: .errno(38), architectures: [.x86_64], badArchAction: .killThread,
        rules: [
            Rule(syscall: "write", action: .allow),
            Rule(syscall: "read", action: .allow),
            Rule(syscall: "readv", action: .trace(300)),
            Rule(syscall: "mprotect", action: .killProcess, conditions: [
                Condition(index: 2, op: .maskedEq, value: 0xF0, valueTwo: 0x20, width: .bits64),
            ]),
            Rule(syscall: "mmap", action: .errno(13), conditions: [
                Condition(index: 2, op: .maskedEq, value: 0xF0, valueTwo: 0x10, width: .bits64),
            ]),
            Rule(syscall: "mprotect", action: .errno(13), conditions: [
                Condition(index: 2, op: .maskedEq, value: 0xF0, valueTwo: 0x10, width: .bits64),
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
                "SCMP_ARCH_X86_64"
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
                    "readv"
                  ],
                  "action": "SCMP_ACT_TRACE",
                  "errnoRet": 300
                },
                {
                  "names": [
                    "mmap",
                    "mprotect"
                  ],
                  "action": "SCMP_ACT_ERRNO",
                  "errnoRet": 13,
                  "args": [
                    {
                      "index": 2,
                      "value": 240,
                      "valueTwo": 16,
                      "op": "SCMP_CMP_MASKED_EQ"
                    }
                  ]
                },
                {
                  "names": [
                    "mprotect"
                  ],
                  "action": "SCMP_ACT_KILL_PROCESS",
                  "args": [
                    {
                      "index": 2,
                      "value": 240,
                      "valueTwo": 32,
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
        #expect(back.policy.architectures == [.x86_64])
        #expect(back.policy.flags.sorted { $0.bit < $1.bit } == [.log, .specAllow])
        #expect(Set(back.policy.rules) == Set(Self.sample.rules))
    }

    @Test("random policies keep every decision through write and read")
    func randomRoundTrip() throws {
        var rng = SplitMix64(seed: 42)
        let names = Self.table.definitions.map(\.name)
        let actions: [Action] = [.allow, .log, .trace(2), .userNotif, .errno(1), .errno(4095), .trap, .killThread, .killProcess]
        var accepted = 0, refused = 0
        defer {
            // Both kinds occur: policies written (possibly rewritten) and policies refused.
            #expect(accepted > 50)
            #expect(refused > 10)
        }
        for _ in 0..<300 {
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
            let written: [UInt8]
            do {
                written = try OCIWriter.encode(policy, options: .init(listenerPath: "/run/agent.sock"))
            } catch is OCIWriteError {
                refused += 1
                continue
            }
            accepted += 1
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
        #expect(e1.message == "the rule 'read: arg0 >= 0x3 && arg0 <= 0x9 → allow' tests one argument twice: OCI runtimes (runc) apply such tests as alternatives, not all together")

        #expect(throws: OCIWriteError.self) { try OCIWriter.encode(Policy(defaultAction: .userNotif)) }
        let notify = Policy(defaultAction: .allow, rules: [Rule(syscall: "read", action: .userNotif)])
        let e2 = try #require(throws: OCIWriteError.self) { try OCIWriter.encode(notify) }
        #expect(e2.message.hasPrefix("a rule notifies (SCMP_ACT_NOTIFY) but no listener path is given"))
        #expect(throws: Never.self) { try OCIWriter.encode(notify, options: .init(listenerPath: "/run/a.sock")) }
        let notifyWrite = Policy(defaultAction: .allow, rules: [Rule(syscall: "write", action: .userNotif)])
        #expect(throws: OCIWriteError.self) { try OCIWriter.encode(notifyWrite, options: .init(listenerPath: "/run/a.sock")) }

        // A default-action rule narrowing a weaker conditional rule cannot be kept.
        let narrowing = Policy(defaultAction: .errno(1), rules: [
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 1, op: .eq, value: 0)]),
            Rule(syscall: "write", action: .errno(1), conditions: [Condition(index: 0, op: .eq, value: 2)]),
        ])
        let e3 = try #require(throws: OCIWriteError.self) { try OCIWriter.encode(narrowing) }
        #expect(e3.message == "'write: arg0 == 0x2 → errno 1' has the default action, which OCI runtimes (runc) drop, and it narrows the less restrictive 'write: arg1 == 0x0 → allow'")
        // Overlapping conditional rules with different actions are refused ...
        let overlapping = Policy(defaultAction: .killProcess, rules: [
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .ge, value: 2)]),
            Rule(syscall: "write", action: .log, conditions: [Condition(index: 0, op: .le, value: 5)]),
        ])
        #expect(throws: OCIWriteError.self) { try OCIWriter.encode(overlapping) }
        // ... disjoint ones are written.
        let disjoint = Policy(defaultAction: .killProcess, rules: [
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .ge, value: 6)]),
            Rule(syscall: "write", action: .log, conditions: [Condition(index: 0, op: .le, value: 5)]),
        ])
        #expect(throws: Never.self) { try OCIWriter.encode(disjoint) }
        // A weaker rule with the same tests as a stronger one never decides a call: left out.
        let repeated = Policy(defaultAction: .killProcess, architectures: [.x86_64], rules: [
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .ge, value: 6)]),
            Rule(syscall: "write", action: .log, conditions: [Condition(index: 0, op: .ge, value: 6)]),
        ])
        #expect(try OCIRuntimeRules.rules(for: repeated) == [repeated.rules[1]])
        // An unconditional rule beside a stronger masked test cannot be turned around.
        let masked = Policy(defaultAction: .killProcess, rules: [
            Rule(syscall: "write", action: .allow),
            Rule(syscall: "write", action: .errno(5), conditions: [Condition(index: 2, op: .maskedEq, value: 1, valueTwo: 1)]),
        ])
        #expect(throws: OCIWriteError.self) { try OCIWriter.encode(masked) }

        // A rule with the default action and nothing weaker beside it is simply left out.
        let harmless = Policy(defaultAction: .errno(1), architectures: [.x86_64], rules: [Rule(syscall: "write", action: .errno(1))])
        #expect(try OCIWriter.text(harmless).contains("\"syscalls\": []"))
    }

    @Test("an unconditional rule beside stronger single tests is narrowed to the calls they leave")
    func narrowsUnconditional() throws {
        let policy = Policy(defaultAction: .errno(1), architectures: [.x86_64], rules: [
            Rule(syscall: "write", action: .allow),
            Rule(syscall: "write", action: .errno(1), conditions: [Condition(index: 0, op: .eq, value: 2, width: .bits32)]),
            Rule(syscall: "write", action: .killProcess, conditions: [Condition(index: 1, op: .lt, value: 4096)]),
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 2, op: .eq, value: 0)]),  // unreachable
        ])
        let rules = try OCIRuntimeRules.rules(for: policy)
        #expect(Set(rules) == [
            Rule(syscall: "write", action: .allow, conditions: [
                Condition(index: 0, op: .ne, value: 2, width: .bits32), Condition(index: 1, op: .ge, value: 4096),
            ]),
            Rule(syscall: "write", action: .killProcess, conditions: [Condition(index: 1, op: .lt, value: 4096)]),
        ])
        // Written for libseccomp, `fd != 2` (32 bits) takes 32 masked tests and `buf >= 4096` beside
        // another range test of write 53: too many rules.
        #expect(throws: OCIWriteError.self) { try OCIWriter.encode(policy) }
        var narrow = policy
        narrow.rules.removeLast(2)  // allowed when fd != 2 (32 masked tests), else errno 1
        let back = try OCIProfile.read(try OCIWriter.encode(narrow), source: "n.json", target: Self.target, table: Self.table).policy
        for args: [UInt64] in [[1, 5000, 0], [2, 5000, 0], [0x1_0000_0001, 5000, 0], [1, 5, 0], [2, 5, 0]] {
            let data = SeccompData(nr: 1, arch: .x86_64, args: args)
            #expect(back.decide(data, table: Self.table) == narrow.decide(data, table: Self.table), "\(args)")
        }
    }

    @Test("overlap of two tests on one argument is decided exactly", arguments: [
        (CompareOp.eq, 5, 0, CompareOp.ne, 5, 0, false),
        (.eq, 5, 0, .eq, 6, 0, false),
        (.lt, 5, 0, .ge, 5, 0, false),
        (.le, 5, 0, .ge, 5, 0, true),
        (.gt, 0xFFFF_FFFF, 0, .eq, 0, 0, false),
        (.maskedEq, 0xF0, 0x10, .maskedEq, 0x30, 0x20, false),
        (.maskedEq, 0xF0, 0x10, .maskedEq, 0x0F, 0x01, true),
        (.maskedEq, 0xF0, 0x10, .lt, 0x10, 0, false),
        (.maskedEq, 0xF0, 0x10, .le, 0x10, 0, true),
        (.maskedEq, 0x0F, 0x01, .gt, 0xFFFF_FFF1, 0, false),
        (.maskedEq, 0x0F, 0x01, .gt, 0xFFFF_FFF0, 0, true),
        (.maskedEq, 0x0F, 0x11, .eq, 0x11, 0, true),  // valueTwo is cut to the mask (libseccomp): 0x11 & 0xF == 0x1
    ] as [(CompareOp, UInt64, UInt64, CompareOp, UInt64, UInt64, Bool)])
    func overlapOneArgument(op1: CompareOp, v1: UInt64, w1: UInt64, op2: CompareOp, v2: UInt64, w2: UInt64, overlaps: Bool) {
        let a = Rule(syscall: "read", action: .allow, conditions: [Condition(index: 0, op: op1, value: v1, valueTwo: w1, width: .bits32)])
        let b = Rule(syscall: "read", action: .log, conditions: [Condition(index: 0, op: op2, value: v2, valueTwo: w2, width: .bits32)])
        #expect(a.mayOverlap(with: b) == overlaps)
        // Brute force over the low byte and the top of the 32-bit range agrees where it finds a witness.
        let candidates = Array(UInt64(0)...0x1FF) + Array(UInt64(0xFFFF_FF00)...0xFFFF_FFFF)
        let witness = candidates.contains { v in a.conditions[0].holds(for: v, on: .x86_64) && b.conditions[0].holds(for: v, on: .x86_64) }
        #expect(witness == overlaps)
    }

    @Test("many rules of one syscall are written in linear time until the pairs to compare run out, then refused")
    func manyRulesOfOneSyscall() throws {
        func policy(_ count: Int) -> Policy {
            Policy(defaultAction: .allow, architectures: [.x86_64], rules: (0..<count).map { i in
                Rule(syscall: "read", action: .errno(UInt16(1 + i % 100)), conditions: [Condition(index: 0, op: .eq, value: UInt64(i))])
            })
        }
        let fits = policy(1500)  // about 1.1M pairs with different actions
        let back = try OCIProfile.read(try OCIWriter.encode(fits), source: "f.json", target: Self.target, table: Self.table).policy
        for fd: UInt64 in [0, 7, 1499, 1500] {
            let data = SeccompData(nr: 0, arch: .x86_64, args: [fd])
            #expect(back.decide(data, table: Self.table) == fits.decide(data, table: Self.table), "fd \(fd)")
        }
        // 2100 rules: about 2.2M pairs, over OCIRuntimeRules.maxComparisons.
        #expect(OCIRuntimeRules.maxComparisons == 2_000_000)
        #expect { try OCIWriter.encode(policy(2100)) } throws: { error in
            "\(error)".contains("read has 2100 rules with different actions, too many to check")
        }
    }

    @Test("one-test rules (the quick path) overlap exactly when the same tests beside an always-true one do", arguments: 0..<500)
    func quickOverlapAgrees(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed))
        func test() -> Condition {
            let op = CompareOp.allCases[Int(rng.next() % UInt64(CompareOp.allCases.count))]
            let edges: [UInt64] = [0, 1, 5, 6, 0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0005, .max]
            let value = rng.next() % 2 == 0 ? edges[Int(rng.next() % UInt64(edges.count))] : rng.next() % 8
            return Condition(index: Int(rng.next() % 2), op: op, value: value, valueTwo: rng.next() % 8,
                             width: rng.next() % 2 == 0 ? .bits32 : .bits64)
        }
        let x = test(), y = test()
        let always = Condition(index: 5, op: .ge, value: 0)
        let quick = Rule(syscall: "read", action: .allow, conditions: [x])
            .mayOverlap(with: Rule(syscall: "read", action: .log, conditions: [y]))
        let general = Rule(syscall: "read", action: .allow, conditions: [x, always])
            .mayOverlap(with: Rule(syscall: "read", action: .log, conditions: [y, always]))
        #expect(quick == general, "\(x) vs \(y)")
    }

    @Test("the smallest value with fixed bits at or above a bound", arguments: 0..<2000)
    func smallestMatch(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed))
        let mask = rng.next() & 0xFF, bits = rng.next() & mask, low = rng.next() & 0x3FF
        let brute = (low...0x3FF).first { $0 & mask == bits }
        let found = ArgumentSet.smallestMatch(atLeast: low, mask: mask, bits: bits)
        if let brute { #expect(found == brute) } else { #expect(found.map { $0 > 0x3FF } ?? true) }
    }

    @Test("strings are escaped")
    func escaping() {
        #expect(OCIWriter.quote("a\"b\\c\n\u{01}é") == "\"a\\\"b\\\\c\\n\\u0001é\"")
        let opts = OCIWriter.Options(listenerPath: "/run/agent \"1\".sock", listenerMetadata: "x")
        let text = try? OCIWriter.text(Policy(defaultAction: .allow, architectures: [.x86_64]), options: opts)
        #expect(text?.contains("\"listenerPath\": \"/run/agent \\\"1\\\".sock\",\n  \"listenerMetadata\": \"x\"") == true)
    }
}

