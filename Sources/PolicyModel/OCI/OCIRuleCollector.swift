/// Turns the entries of a profile into rules one entry at a time, as they are read, so that a
/// large file need not be held as entries first (`OCIProfile.read` streams them from the parser).
///
/// The default action may come after the entries in the file, so an entry is converted whatever
/// its action, and what depends on that action (an entry with the default action is dropped, and
/// with it its rules, warnings and errors) is decided in `finish`, when the default is known.
/// The rules are those of `OCIResolvedProfile.policy(lenient:table:)`.
struct OCIRuleCollector {
    let source: String
    let lenient: Bool
    let table: SyscallTable

    private var rules: [Rule] = []
    /// Where the name each rule came from is, for the overlap warnings (parallel to `rules`).
    private var origins: [(position: SourcePosition, path: OCIFieldPath)] = []
    private var seen = RuleTable()
    /// Warnings of entries, in file order, with their entry's action.
    private var notes: [(action: Action, warning: OCIWarning)] = []
    /// The first error of an entry with each action, and its entry's place in the file.
    private var errors: [Action: (entry: Int, error: OCIProfileError)] = [:]
    private var entries = 0

    init(source: String, lenient: Bool, table: SyscallTable) {
        self.source = source
        self.lenient = lenient
        self.table = table
    }

    /// Converts one entry (one that applies to the target).
    mutating func add(_ entry: OCIRawSyscall) {
        defer { entries += 1 }
        let action = entry.action.value.action(data: entry.errnoRet)
        // A whole-file conversion stops at the first error: later entries of that action cannot
        // change the outcome (the error is thrown, or the action is the default and dropped).
        guard errors[action] == nil else { return }
        // Indices are 0...5 (the decoder checks): one bit each.
        var indices: UInt8 = 0
        var repeated = false
        for arg in entry.args {
            repeated = repeated || indices & (1 << arg.index) != 0
            indices |= 1 << arg.index
        }
        if repeated {
            notes.append((action, OCIWarning(source: source, position: entry.position, field: "\(entry.field).args",
                                             message: "several tests on one argument: each test is a separate alternative, as runc applies them")))
        }
        for name in entry.names {
            guard let definition = table.definition(named: name.value) else {
                if table.otherArchitectureNames.contains(name.value) { continue }
                let near = table.closestNames(to: name.value)
                let hint = near.isEmpty ? "" : "; did you mean " + near.map { "\"\($0)\"" }.joined(separator: ", ") + "?"
                if lenient {
                    notes.append((action, OCIWarning(source: source, position: name.position, field: name.field,
                                                     message: "unknown syscall \"\(name.value)\" skipped\(hint)")))
                    continue
                }
                errors[action] = (entries, OCIProfileError(source: source, position: name.position, field: name.field,
                                                           message: "unknown syscall \"\(name.value)\"\(hint)"))
                return
            }
            func condition(_ arg: OCIRawArg) -> Condition {
                Condition(index: arg.index, op: arg.op, value: arg.value, valueTwo: arg.valueTwo,
                          width: arg.index < definition.arguments.count ? definition.arguments[arg.index].width : .bits64)
            }
            // All the tests together, or with a repeated argument each test alone (one rule
            // each, made without an array of one test apiece).
            if repeated {
                for arg in entry.args {
                    add(Rule(syscall: definition.name, action: action, conditions: [condition(arg)]), from: name)
                }
            } else {
                add(Rule(syscall: definition.name, action: action, conditions: entry.args.map(condition)), from: name)
            }
        }
    }

    /// Keeps `rule`, made from `name`, unless an earlier entry or name gave it.
    private mutating func add(_ rule: Rule, from name: OCILocated<String>) {
        if seen.insert(rule, into: rules) {
            rules.append(rule)
            origins.append((name.position, name.path))
        }
    }

    /// The rules and warnings once `defaultAction` is known: entries with that action dropped,
    /// as runc drops them. Throws the first error of the entries kept. `warnings` come first.
    consuming func finish(defaultAction: Action, warnings: [OCIWarning]) throws -> (rules: [Rule], warnings: [OCIWarning]) {
        if let first = errors.filter({ $0.key != defaultAction }).values.min(by: { $0.entry < $1.entry }) {
            throw first.error
        }
        seen = RuleTable()
        var warnings = warnings
        warnings += notes.lazy.filter { $0.action != defaultAction }.map(\.warning)
        notes = []
        if rules.contains(where: { $0.action == defaultAction }) {
            let keep = rules.indices.filter { rules[$0].action != defaultAction }
            rules = keep.map { rules[$0] }
            origins = keep.map { origins[$0] }
        }
        warnings += overlapWarnings()
        return (rules, warnings)
    }

    /// The most pairs of rules compared for overlaps in one profile: the comparison is quadratic
    /// in the rules of one syscall, and a file of 150k rules must still be read in moments.
    static let overlapComparisons = 2_000_000

    /// Overlapping rules with different actions: this policy takes the most restrictive,
    /// libseccomp (so runc and crun) may not. Said once per syscall, at the later rule; when
    /// the pairs are too many to compare, that is said instead.
    private func overlapWarnings() -> [OCIWarning] {
        var bySyscall: [String: [Int]] = [:]
        var order: [String] = []
        for (i, r) in rules.enumerated() {
            if bySyscall[r.syscall] == nil { order.append(r.syscall) }
            bySyscall[r.syscall, default: []].append(i)
        }
        var warnings: [OCIWarning] = []
        var budget = Self.overlapComparisons
        for syscall in order {
            let group = bySyscall[syscall]!
            guard Set(group.map { rules[$0].action }).count > 1 else { continue }
            search: for (k, i) in group.enumerated() {
                for j in group[(k + 1)...] {
                    budget -= 1
                    if budget < 0 {
                        warnings.append(OCIWarning(source: source, position: nil, field: "syscalls", message:
                            "too many rules to check every pair for overlapping rules with different actions "
                            + "(stopped at \(syscall)): runtimes using libseccomp may decide such calls differently"))
                        return warnings
                    }
                    let (a, b) = (rules[i], rules[j])
                    if a.action != b.action, a.mayOverlap(with: b) {
                        let at = origins[j]
                        warnings.append(OCIWarning(source: source, position: at.position, field: at.path.description, message:
                            "\(a.syscall) has rules with different actions that can match the same call (\(a.action), \(b.action)): "
                            + "this policy takes the most restrictive, runtimes using libseccomp may not"))
                        break search
                    }
                }
            }
        }
        return warnings
    }
}

/// The rules collected so far, found by hash: open addressing over indices into the collector's
/// `rules`, each rule's hash kept, so that growing the table never hashes a rule again (a
/// `Set<Rule>` hashed every name and condition anew at each doubling, more than the whole
/// reading cost) and takes a few bytes per rule. The hashes are Swift's seeded ones.
private struct RuleTable {
    /// Indices into `hashes` (and the collector's `rules`); -1 for an empty slot. A power of two.
    private var slots = [Int](repeating: -1, count: 64)
    /// The hash of each rule, parallel to the collector's `rules`.
    private var hashes: [Int] = []

    /// True when `rule` is not among `rules` (which this table indexes): it is then recorded as
    /// the next one, `rules[rules.count]`, which the caller appends.
    mutating func insert(_ rule: Rule, into rules: [Rule]) -> Bool {
        let hash = rule.hashValue
        if (hashes.count + 1) * 4 > slots.count * 3 { grow() }
        let mask = slots.count - 1
        var i = hash & mask
        while slots[i] >= 0 {
            let k = slots[i]
            if hashes[k] == hash && rules[k] == rule { return false }
            i = (i + 1) & mask
        }
        slots[i] = hashes.count
        hashes.append(hash)
        return true
    }

    private mutating func grow() {
        slots = [Int](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (k, hash) in hashes.enumerated() {
            var i = hash & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = k
        }
    }
}
