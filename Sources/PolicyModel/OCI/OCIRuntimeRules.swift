/// Turns a policy's rules into rules an OCI runtime enforces with the same decisions.
///
/// runc and crun give the rules to libseccomp, which differs from `Policy.decide` where rules of
/// one syscall overlap: an unconditional rule wins over conditional ones whatever their actions,
/// rules with the default action are dropped (runc), identical tests with different actions are
/// refused, and overlapping conditional rules are not resolved by restrictiveness. So, per syscall:
/// 1. rules that never decide a call (a stronger rule has the same tests, or an unconditional
///    rule is at least as strong) are dropped;
/// 2. an unconditional rule beside stronger conditional ones is narrowed to the calls none of
///    those match (possible when each has one test, not a masked one, on its own argument);
/// 3. rules with the default action are dropped, which is exact unless they overlap a weaker rule;
/// 4. the remaining rules with different actions must be disjoint.
/// Anything else is an `OCIWriteError` naming the rules.
enum OCIRuntimeRules {
    static func rules(for policy: Policy) throws -> [Rule] {
        // A repeat of a rule gives the same answer: the first such rule is the first in the policy.
        for rule in policy.rules where rule.onlyCondition == nil {
            let indices = rule.conditions.map(\.index)
            if Set(indices).count != indices.count {
                throw OCIWriteError(message: "the rule \(text(rule)) tests one argument twice: "
                    + "OCI runtimes (runc) apply such tests as alternatives, not all together")
            }
        }
        // Per syscall, in the order of the names, its rules without repeats (the first of each).
        let bySyscall = RulesBySyscall(policy.rules)
        var result: [Rule] = []
        result.reserveCapacity(policy.rules.count)
        for g in bySyscall.sortedByName() {
            let indices = bySyscall.indices(of: g)
            var seen = Set<Rule>(minimumCapacity: indices.count)
            var unique: [Rule] = []
            unique.reserveCapacity(indices.count)
            for i in indices {
                let rule = policy.rules[Int(i)]
                if seen.insert(rule).inserted { unique.append(rule) }
            }
            seen = []
            result += try rules(of: unique, defaultAction: policy.defaultAction)
        }
        return result
    }

    /// The most pairs of one syscall's rules compared for overlaps (quadratic in its rules): a
    /// syscall with more is refused rather than written after minutes.
    static let maxComparisons = 2_000_000

    private static func rules(of input: [Rule], defaultAction: Action) throws -> [Rule] {
        // 1. Unreachable rules: a rule whose tests a more restrictive rule repeats exactly, and
        //    every rule not more restrictive than an unconditional one.
        var strongest = StrongestByTests()
        for r in input { strongest.keep(r) }
        var rules = input.filter { r in !strongest.action(for: r).isMoreRestrictive(than: r.action) }
        if let top = Action.mostRestrictive(rules.filter(isUnconditional).map(\.action)) {
            let unconditional = rules.first { isUnconditional($0) && $0.action == top }!
            rules = [unconditional] + rules.filter { !isUnconditional($0) && $0.action.isMoreRestrictive(than: top) }
        }
        // 2. An unconditional rule beside stronger conditional ones.
        if let u = rules.first(where: isUnconditional), rules.count > 1 {
            let stronger = Array(rules.dropFirst())
            let tests = stronger.compactMap { $0.conditions.count == 1 ? $0.conditions[0] : nil }
            guard tests.count == stronger.count, tests.allSatisfy({ $0.op != .maskedEq }),
                  Set(tests.map(\.index)).count == tests.count else {
                throw OCIWriteError(message: "\(text(u)) and the narrower, more restrictive "
                    + stronger.map(text).joined(separator: "; ")
                    + ": runc (libseccomp) lets an unconditional rule win over conditional ones, and these tests cannot be "
                    + "turned around into one rule (only single tests other than '&', on different arguments, can)")
            }
            rules = [Rule(syscall: u.syscall, action: u.action, conditions: tests.map(negated).sorted { $0.index < $1.index })]
                + stronger
        }
        // Steps 3 and 4 compare rules pairwise: refuse a syscall with more pairs than can be checked.
        var budget = maxComparisons
        func compare(_ a: Rule, _ b: Rule) throws -> Bool {
            budget -= 1
            if budget < 0 {
                throw OCIWriteError(message: "\(a.syscall) has \(input.count) rules with different actions, too many to check "
                    + "that no two can match the same call (runc (libseccomp) does not pick the more restrictive action); "
                    + "merge its rules into fewer, or give them one action")
            }
            return a.mayOverlap(with: b)
        }
        // 3. Rules with the default action.
        let defaults = rules.filter { $0.action == defaultAction }
        rules.removeAll { $0.action == defaultAction }
        if !defaults.isEmpty {
            let weakerRules = rules.filter { defaultAction.isMoreRestrictive(than: $0.action) }
            for d in defaults {
                if let weaker = try weakerRules.first(where: { try compare(d, $0) }) {
                    throw OCIWriteError(message: "\(text(d)) has the default action, which OCI runtimes (runc) drop, "
                        + "and it narrows the less restrictive \(text(weaker))")
                }
            }
        }
        // 4. Different actions must not meet. Pairs are taken in order, each rule with the later
        //    ones of another action; a run of rules with the rule's own action is stepped over at
        //    once (`runEnd`), so that rules with one action cost no pairs.
        guard rules.count > 1 else { return rules }
        var runEnd = [Int](repeating: rules.count, count: rules.count)
        for k in rules.indices.dropLast().reversed() {
            runEnd[k] = rules[k].action == rules[k + 1].action ? runEnd[k + 1] : k + 1
        }
        guard runEnd[0] < rules.count else { return rules }
        for i in rules.indices {
            var j = i + 1
            while j < rules.count {
                if rules[j].action == rules[i].action {
                    j = runEnd[j]
                    continue
                }
                if try compare(rules[i], rules[j]) {
                    throw OCIWriteError(message: "\(text(rules[i])) and \(text(rules[j])) can match the same call: "
                        + "runc (libseccomp) does not pick the more restrictive action; make their tests exclude each other")
                }
                j += 1
            }
        }
        return rules
    }

    /// Whether a rule has no tests (without making an array of a one-test rule's).
    private static func isUnconditional(_ r: Rule) -> Bool {
        r.onlyCondition == nil && r.conditions.isEmpty
    }

    /// The most restrictive action of the rules with each set of tests. A rule with one test
    /// is looked up by that test, without making a set: a set of tests with one element is
    /// the rule's only test (a rule testing one argument twice is refused before).
    private struct StrongestByTests {
        private var one: [Condition: Action] = [:]
        private var several: [Set<Condition>: Action] = [:]

        mutating func keep(_ r: Rule) {
            if let c = r.onlyCondition {
                if let known = one[c], !r.action.isMoreRestrictive(than: known) { return }
                one[c] = r.action
            } else {
                let tests = Set(r.conditions)
                if let known = several[tests], !r.action.isMoreRestrictive(than: known) { return }
                several[tests] = r.action
            }
        }

        func action(for r: Rule) -> Action {
            if let c = r.onlyCondition { return one[c]! }
            return several[Set(r.conditions)]!
        }
    }

    /// The test that holds exactly when `c` does not (on the same width).
    static func negated(_ c: Condition) -> Condition {
        let op: CompareOp
        switch c.op {
        case .eq: op = .ne
        case .ne: op = .eq
        case .lt: op = .ge
        case .ge: op = .lt
        case .le: op = .gt
        case .gt: op = .le
        case .maskedEq: op = .maskedEq  // never called: masked tests are refused above
        }
        return Condition(index: c.index, op: op, value: c.value, valueTwo: c.valueTwo, width: c.width)
    }

    /// `write: arg0 == 0x2 → errno 5`, for messages.
    static func text(_ r: Rule) -> String {
        let tests = r.conditions.isEmpty ? "" : " " + r.conditions.map(\.description).joined(separator: " && ")
        return "'\(r.syscall):\(tests) → \(r.action)'"
    }
}
