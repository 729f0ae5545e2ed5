/// One argument test as compiled for one architecture: the width is the one compared there and
/// the constants are already cut to it.
struct BPFCheck: Hashable {
    var index: Int
    var op: CompareOp
    var value: UInt64
    var valueTwo: UInt64
    var width: ArgWidth

    /// What a condition is on `arch`: a test, or a constant truth value (`arg < 0`, `arg & 0 == 0`).
    enum Normalized: Hashable {
        case always(Bool)
        case check(BPFCheck)
    }

    static func normalize(_ c: Condition, on arch: Arch) -> Normalized {
        let width = c.width(on: arch)
        let m = width.mask
        let v = c.value & m
        // Masked equality compares valueTwo cut to the mask, as `Condition.holds` (and libseccomp) does.
        let check = BPFCheck(index: c.index, op: c.op, value: v,
                             valueTwo: c.op == .maskedEq ? c.valueTwo & v : c.valueTwo & m, width: width)
        switch c.op {
        case .eq, .ne: return .check(check)
        case .lt: return v == 0 ? .always(false) : .check(check)
        case .le: return v == m ? .always(true) : .check(check)
        case .gt: return v == m ? .always(false) : .check(check)
        case .ge: return v == 0 ? .always(true) : .check(check)
        case .maskedEq:
            if v == 0 { return .always(true) }
            if v == m { return .check(BPFCheck(index: c.index, op: .eq, value: check.valueTwo, valueTwo: 0, width: width)) }
            return .check(check)
        }
    }
}

/// What the filter does for one syscall number on one architecture.
enum BPFOutcome: Hashable {
    /// The same action whatever the arguments.
    case constant(Action)
    /// Rules whose conditions decide: groups of alternatives (OR of ANDs) in the order they are
    /// tried, most restrictive action first; `otherwise` when none matches.
    case arguments(groups: [BPFRuleGroup], otherwise: Action)

    var constantAction: Action? {
        if case .constant(let a) = self { return a }
        return nil
    }
}

struct BPFRuleGroup: Hashable {
    var action: Action
    /// Each alternative is a conjunction of checks.
    var alternatives: [[BPFCheck]]
}

extension BPFOutcome {
    /// The outcome of `rules` (all for one syscall) on `arch`, exactly as `Policy.decide` rules:
    /// the most restrictive action among the matching rules, `defaultAction` when none matches.
    /// Constant conditions are folded, so that a syscall whose action cannot depend on its
    /// arguments gets a constant outcome (and the kernel can cache it).
    static func of(rules: [Rule], on arch: Arch, defaultAction: Action) -> BPFOutcome {
        var byAction: [Action: [[BPFCheck]]] = [:]
        var order: [Action] = []
        for rule in rules {
            var checks: [BPFCheck] = []
            var possible = true
            for c in rule.conditions {
                switch BPFCheck.normalize(c, on: arch) {
                case .always(true): continue
                case .always(false): possible = false
                case .check(let k): if !checks.contains(k) { checks.append(k) }
                }
            }
            guard possible else { continue }
            if byAction[rule.action] == nil { order.append(rule.action) }
            if !(byAction[rule.action]?.contains(checks) ?? false) { byAction[rule.action, default: []].append(checks) }
        }
        order.sort { $0.isMoreRestrictive(than: $1) }
        var groups: [BPFRuleGroup] = []
        var otherwise = defaultAction
        for action in order {
            let alternatives = byAction[action]!
            if alternatives.contains(where: \.isEmpty) || BPFOutcome.coverEveryValue(alternatives) {
                otherwise = action
                break
            }
            groups.append(BPFRuleGroup(action: action, alternatives: alternatives))
        }
        while let last = groups.last, last.action == otherwise { groups.removeLast() }
        return groups.isEmpty ? .constant(otherwise) : .arguments(groups: groups, otherwise: otherwise)
    }
}

extension BPFOutcome {
    /// Whether single-check alternatives on one argument together hold for every value of it
    /// (`arg0 < 5 || arg0 >= 5`, `fd != 3 || fd == 3`), so that the group matches whatever the
    /// arguments are. A sufficient test: alternatives with several checks or masks are not used.
    static func coverEveryValue(_ alternatives: [[BPFCheck]]) -> Bool {
        var intervals: [BPFCheckKey: [ClosedRange<UInt64>]] = [:]
        for alt in alternatives where alt.count == 1 {
            let c = alt[0]
            let m = c.width.mask
            let v = c.value
            let key = BPFCheckKey(index: c.index, width: c.width)
            switch c.op {
            case .eq: intervals[key, default: []].append(v...v)
            case .ne:
                if v > 0 { intervals[key, default: []].append(0...(v - 1)) }
                if v < m { intervals[key, default: []].append((v + 1)...m) }
            case .lt: if v > 0 { intervals[key, default: []].append(0...(v - 1)) }
            case .le: intervals[key, default: []].append(0...v)
            case .gt: if v < m { intervals[key, default: []].append((v + 1)...m) }
            case .ge: intervals[key, default: []].append(v...m)
            case .maskedEq: continue
            }
        }
        return intervals.contains { key, ranges in
            var reach: UInt64 = 0  // every value below `reach` is covered
            for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if r.lowerBound > reach { return false }
                if r.upperBound == key.width.mask { return true }
                reach = max(reach, r.upperBound + 1)
            }
            return false
        }
    }
}

struct BPFCheckKey: Hashable {
    var index: Int
    var width: ArgWidth
}

