import Testing
@testable import PolicyModel

/// How the writers take a big policy's rules: grouped by syscall in linear time, and compared
/// pairwise (OCI) only across different actions.
@Suite struct WriterGroupingTests {
    @Test("rules are grouped by syscall in first-seen order, each group in the rules' order; groups sort by name")
    func groupsBySyscall() {
        let names = ["write", "read", "write", "write", "close", "read", "write"]
        let rules = names.enumerated().map { i, name in
            Rule(syscall: name, action: .allow, conditions: [Condition(index: 0, op: .eq, value: UInt64(i))])
        }
        let groups = RulesBySyscall(rules)
        #expect(groups.names == ["write", "read", "close"])
        #expect(Array(groups.indices(of: 0)) == [0, 2, 3, 6])
        #expect(Array(groups.indices(of: 1)) == [1, 5])
        #expect(Array(groups.indices(of: 2)) == [4])
        #expect(groups.sortedByName().map { groups.names[$0] } == ["close", "read", "write"])
        #expect(RulesBySyscall([]).names.isEmpty)
    }

    @Test("the first overlapping pair with different actions is reported, past runs of one action")
    func firstOverlapAfterRuns() throws {
        let a = Rule(syscall: "read", action: .allow, conditions: [Condition(index: 0, op: .lt, value: 2)])
        let b = Rule(syscall: "read", action: .allow, conditions: [Condition(index: 0, op: .eq, value: 5)])
        let c = Rule(syscall: "read", action: .log, conditions: [Condition(index: 0, op: .eq, value: 9)])
        let d = Rule(syscall: "read", action: .log, conditions: [Condition(index: 0, op: .ge, value: 5)])
        let e = Rule(syscall: "read", action: .log, conditions: [Condition(index: 0, op: .eq, value: 1)])
        // Pairs in order: (a, c), (a, d), (a, e) meets; (b, d) meets too but comes later.
        let policy = Policy(defaultAction: .errno(1), architectures: [.x86_64], rules: [a, b, c, d, e])
        #expect { try OCIRuntimeRules.rules(for: policy) } throws: { error in
            "\(error)".hasPrefix("\(OCIRuntimeRules.text(a)) and \(OCIRuntimeRules.text(e)) can match the same call")
        }
        // Without `e`, `b` and `d` are the pair (`a` steps over `b`, of its own action).
        let shorter = Policy(defaultAction: .errno(1), architectures: [.x86_64], rules: [a, b, c, d])
        #expect { try OCIRuntimeRules.rules(for: shorter) } throws: { error in
            "\(error)".hasPrefix("\(OCIRuntimeRules.text(b)) and \(OCIRuntimeRules.text(d)) can match the same call")
        }
    }

    @Test("200k rules of one syscall and one action are written for OCI without stepping through pairs (the quadratic walk took many minutes)",
          .timeLimit(.minutes(5)))
    func oneActionManyRules() throws {
        let count = 200_000
        let rules = (0..<count).map { i in
            Rule(syscall: "read", action: .allow, conditions: [Condition(index: 0, op: .eq, value: UInt64(i))])
        }
        let policy = Policy(defaultAction: .errno(1), architectures: [.x86_64], rules: rules + [rules[5]])
        let kept = try OCIRuntimeRules.rules(for: policy)
        #expect(kept == rules)  // the repeat of rules[5] is dropped, the order kept
    }
}
