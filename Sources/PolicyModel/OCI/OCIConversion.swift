/// What reading a profile gave: the policy, and what was dropped or changed on the way.
public struct OCIImport: Hashable, Sendable {
    public var policy: Policy
    public var warnings: [OCIWarning]
}

extension OCIResolvedProfile {
    /// The policy a runtime would enforce for this profile.
    ///
    /// - Each name of each entry becomes one rule with the entry's action and argument tests;
    ///   widths come from the syscall table (32-bit C types compare their low half only).
    /// - An entry with two tests on the same argument becomes one rule per test, as runc does
    ///   (libseccomp cannot AND two tests on one argument).
    /// - An entry whose action equals the default action is dropped, as runc does.
    /// - Names that exist only on architectures the table does not cover are dropped silently,
    ///   as docker does; any other unknown name is an error naming the closest known names, or,
    ///   when `lenient`, a warning.
    /// - Architectures other than x86_64, x32, i386 and aarch64 are dropped with a warning.
    /// - Calls from an architecture the filter does not list get kill-thread, libseccomp's default.
    /// - Rules of one syscall with different actions that can match the same call are kept
    ///   (the most restrictive wins) with a warning: libseccomp may decide such calls otherwise.
    public func policy(lenient: Bool = false, table: SyscallTable = .shared) throws -> OCIImport {
        var warnings = self.warnings
        var arches: [Arch] = []
        for name in architectureNames {
            if let arch = Arch(name: name) {
                if !arches.contains(arch) { arches.append(arch) }
            } else {
                warnings.append(OCIWarning(source: source, position: nil, field: "architectures",
                                           message: "\(name) dropped: policies cover SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_X86 and SCMP_ARCH_AARCH64 only"))
            }
        }
        arches.sort()

        var rules: [Rule] = []
        var seen = Set<Rule>()
        var origin: [Rule: OCILocated<String>] = [:]
        for entry in syscalls {
            let action = entry.action.value.action(data: entry.errnoRet)
            if action == defaultAction { continue }
            let indices = entry.args.map(\.index)
            let conditionSets: [[OCIRawArg]]
            if Set(indices).count != indices.count {
                warnings.append(OCIWarning(source: source, position: entry.position, field: "\(entry.field).args",
                                           message: "several tests on one argument: each test is a separate alternative, as runc applies them"))
                conditionSets = entry.args.map { [$0] }
            } else {
                conditionSets = [entry.args]
            }
            for name in entry.names {
                guard let definition = table.definition(named: name.value) else {
                    if table.otherArchitectureNames.contains(name.value) { continue }
                    let near = table.closestNames(to: name.value)
                    let hint = near.isEmpty ? "" : "; did you mean " + near.map { "\"\($0)\"" }.joined(separator: ", ") + "?"
                    if lenient {
                        warnings.append(OCIWarning(source: source, position: name.position, field: name.field,
                                                   message: "unknown syscall \"\(name.value)\" skipped\(hint)"))
                        continue
                    }
                    throw OCIProfileError(source: source, position: name.position, field: name.field,
                                          message: "unknown syscall \"\(name.value)\"\(hint)")
                }
                for args in conditionSets {
                    let conditions = args.map { arg in
                        Condition(index: arg.index, op: arg.op, value: arg.value, valueTwo: arg.valueTwo,
                                  width: arg.index < definition.arguments.count ? definition.arguments[arg.index].width : .bits64)
                    }
                    let rule = Rule(syscall: definition.name, action: action, conditions: conditions)
                    if seen.insert(rule).inserted {
                        rules.append(rule)
                        origin[rule] = name
                    }
                }
            }
        }
        warnings += overlapWarnings(rules, origin: origin)
        let policy = Policy(defaultAction: defaultAction, architectures: arches, badArchAction: .killThread,
                            rules: rules, flags: flags)
        return OCIImport(policy: policy, warnings: warnings)
    }

    /// The most pairs of rules compared for overlaps in one profile: the comparison is quadratic
    /// in the rules of one syscall, and a file of 150k rules must still be read in moments.
    static let overlapComparisons = 2_000_000

    /// Overlapping rules with different actions: this policy takes the most restrictive,
    /// libseccomp (so runc and crun) may not. Said once per syscall, at the later rule; when
    /// the pairs are too many to compare, that is said instead.
    private func overlapWarnings(_ rules: [Rule], origin: [Rule: OCILocated<String>]) -> [OCIWarning] {
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
                    if a.action != b.action, a.mayOverlap(with: b), let at = origin[b] {
                        warnings.append(OCIWarning(source: source, position: at.position, field: at.field, message:
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
