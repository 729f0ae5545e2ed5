/// Dangerous allowances and pitfalls of a policy, and its exposure score (`lint`).
///
/// Questions about argument values ("is clone allowed with CLONE_NEWUSER?") are answered exactly
/// on the paths of the compiled filter (`FilterPaths`), as `diff` does.
public struct PolicyLint: Sendable {
    public struct Warning: Hashable, Sendable {
        public var check: LintCheck
        /// The syscall concerned, when there is one.
        public var syscall: String?
        /// The architectures where it applies (empty: the policy as a whole).
        public var arches: [Arch]
        /// What was found, in a sentence.
        public var detail: String
        /// A call showing it, when there is one.
        public var witness: SeccompData?
    }

    /// Warnings, most serious first, then in catalog order.
    public let warnings: [Warning]
    /// The badness of each exposure item (by `ExposureItem.name`).
    public let badness: [String: Double]
    /// 0 (tight) to 10 (open), from `ExposureTable`.
    public var exposure: Double { ExposureTable.score(badness) }

    public init(policy: Policy, table: SyscallTable = .shared) throws {
        let program = try BPFCompiler.compile(policy, table: table)
        let q = Query(policy: policy, paths: try FilterPaths.explore([program]), table: table)
        var found: [Warning] = []
        var bad: [String: Double] = [:]
        func warn(_ check: LintCheck, _ syscall: String?, _ arch: Arch?, _ detail: String, _ witness: SeccompData? = nil) {
            if let i = found.firstIndex(where: { $0.check == check && $0.syscall == syscall && $0.detail == detail }) {
                if let arch { found[i].arches.append(arch) }
                return
            }
            found.append(Warning(check: check, syscall: syscall, arches: arch.map { [$0] } ?? [], detail: detail, witness: witness))
        }
        let arches = policy.architectures.sorted()

        if policy.defaultAction.letsCallRun {
            bad["default-allow"] = 1
            warn(LintCatalog.defaultAllows, nil, nil, "the default action is \(policy.defaultAction)")
        }
        if policy.badArchAction.letsCallRun {
            bad["bad-arch-allows"] = 1
            warn(LintCatalog.foreignArch, nil, nil,
                 "calls of architectures the policy does not list get \(policy.badArchAction)")
        }
        for arch in arches where arch == .x32 || arch != Arch.host {
            if try q.allowsAnything(on: arch) {
                bad["foreign-arch"] = 1
                warn(LintCatalog.foreignArch, nil, arch, "\(arch.rawValue) is listed and some of its calls are allowed")
            }
        }
        if let host = arches.contains(.host) ? Arch.host : arches.first {
            let names = table.definitions(for: host).map(\.name)
            var allowed = 0
            for name in names where try q.allowedCall(name, on: host) != nil { allowed += 1 }
            bad["breadth"] = names.isEmpty ? 0 : Double(allowed) / Double(names.count)
        }

        for (name, _, reason) in LintCatalog.dangerousSyscalls {
            for arch in arches {
                guard let witness = try q.allowedCall(name, on: arch) else { continue }
                if q.constantAction(name, on: arch)?.letsCallRun == true {
                    bad[name] = 1
                    warn(LintCatalog.dangerousSyscall, name, arch, "\(name) is allowed whatever its arguments: it \(reason)", witness)
                } else {
                    bad[name] = max(bad[name] ?? 0, 0.5)
                }
            }
        }
        for arch in arches {
            for flag in LintCatalog.namespaceFlags {
                guard let bit = Constants.value(named: flag),
                      let w = try q.allowedCall("clone", on: arch, where: [(0, .anyBitSet, UInt32(truncatingIfNeeded: bit))]) else { continue }
                bad["clone-namespaces"] = 1
                warn(LintCatalog.cloneNamespaces, "clone", arch, "clone is allowed with namespace flags (\(flag) among them)", w)
                break
            }
            if let w = try q.allowedCall("clone3", on: arch) {
                bad["clone-namespaces"] = 1
                warn(LintCatalog.cloneNamespaces, "clone3", arch, "clone3 is allowed, with whatever flags its struct holds", w)
            }
            let tiocsti = UInt32(truncatingIfNeeded: Constants.value(named: "TIOCSTI") ?? 0x5412)
            if let w = try q.allowedCall("ioctl", on: arch, where: [(1, .equal, tiocsti)]) {
                bad["ioctl-tiocsti"] = 1
                warn(LintCatalog.ioctlTIOCSTI, "ioctl", arch, "ioctl is allowed with request TIOCSTI", w)
            }
            if let w = try q.allowedCall("io_uring_setup", on: arch) {
                bad["io-uring"] = 1
                warn(LintCatalog.ioUring, "io_uring_setup", arch, "io_uring_setup is allowed", w)
            }
            let enosys = UInt16(Constants.value(named: "ENOSYS") ?? 38)
            for action in try q.actions("clone3", on: arch) where !action.letsCallRun && action != .errno(enosys) {
                warn(LintCatalog.clone3Refused, "clone3", arch, "clone3 gets \(action)")
            }
            if [.killProcess, .killThread].contains(policy.defaultAction), try q.allowedCall("exit_group", on: arch) == nil {
                warn(LintCatalog.killWithoutExitGroup, "exit_group", arch,
                     "the default is \(policy.defaultAction) and exit_group is not allowed")
            }
            // The kernel's cache covers native and compat numbers, not x32's.
            if arch != .x32 {
                for name in policy.syscallNames where table.number(of: name, arch: arch) != nil {
                    let constant = q.constantAction(name, on: arch)
                    if constant == .log {
                        warn(LintCatalog.uncacheable, name, arch, "\(name) is logged: the kernel never caches log")
                    } else if constant == nil, try q.actions(name, on: arch) == [.allow] {
                        warn(LintCatalog.uncacheable, name, arch,
                             "\(name)'s argument rules allow every call anyway, but make each call run the filter")
                    }
                }
            }
        }
        if case .errno(let e) = policy.defaultAction, e != UInt16(Constants.value(named: "ENOSYS") ?? 38) {
            let name = ValueDecoders.named("errno")?.describe(UInt64(e)) ?? String(e)
            warn(LintCatalog.errnoDefault, nil, nil, "the default action is errno \(name)")
        }
        let order = LintCatalog.all
        warnings = found.enumerated().sorted { l, r in
            if l.element.check.level != r.element.check.level { return l.element.check.level > r.element.check.level }
            let li = order.firstIndex(of: l.element.check)!, ri = order.firstIndex(of: r.element.check)!
            return li != ri ? li < ri : l.offset < r.offset
        }.map(\.element)
        badness = bad
    }

    /// The most serious level among the warnings, nil when there is none.
    public var highestLevel: LintLevel? { warnings.map(\.check.level).max() }
}

/// Exact questions about what a compiled policy does with one syscall.
private struct Query {
    let policy: Policy
    let paths: [FilterPath]
    let table: SyscallTable

    func constantAction(_ name: String, on arch: Arch) -> Action? {
        BPFCompiler.constantAction(of: name, in: policy, on: arch)
    }

    /// The calls of `name` on `arch`, or nil when the syscall does not exist there.
    func region(_ name: String, on arch: Arch) -> CallRegion? {
        guard let nr = table.number(of: name, arch: arch) else { return nil }
        var r = CallRegion()
        r.pin(word: CallRegion.archWord, to: arch.auditArch)
        r.pin(word: CallRegion.nrWord, to: UInt32(bitPattern: nr))
        return r
    }

    /// The paths `name` on `arch` can take, within `extra` tests on low argument words, with a call for each.
    func reachable(_ name: String, on arch: Arch, where extra: [(Int, WordConstraint.Test, UInt32)] = [])
        throws -> [(action: Action, witness: SeccompData)] {
        guard var base = region(name, on: arch) else { return [] }
        for (index, test, k) in extra { base.add(word: CallRegion.argLowWord(index), test, mask: .max, k, holds: true) }
        var out: [(action: Action, witness: SeccompData)] = []
        for p in paths where PolicyDiff.mayMeet(p.region.words[CallRegion.nrWord], base.words[CallRegion.nrWord])
            && PolicyDiff.mayMeet(p.region.words[CallRegion.archWord], base.words[CallRegion.archWord]) {
            if let w = try PolicyDiff.witness(p.region.intersection(base)) { out.append((p.action, w)) }
        }
        return out
    }

    /// A call of `name` on `arch` the policy lets run (within `extra`), or nil when there is none.
    func allowedCall(_ name: String, on arch: Arch, where extra: [(Int, WordConstraint.Test, UInt32)] = []) throws -> SeccompData? {
        if extra.isEmpty, let a = constantAction(name, on: arch) {
            guard a.letsCallRun, let nr = table.number(of: name, arch: arch) else { return nil }
            return SeccompData(nr: nr, arch: arch)
        }
        return try reachable(name, on: arch, where: extra).first { $0.action.letsCallRun }?.witness
    }

    /// Every action a call of `name` on `arch` can get.
    func actions(_ name: String, on arch: Arch) throws -> Set<Action> {
        guard table.number(of: name, arch: arch) != nil else { return [] }
        if let a = constantAction(name, on: arch) { return [a] }
        return Set(try reachable(name, on: arch).map(\.action))
    }

    /// Whether any call of `arch` is let run.
    func allowsAnything(on arch: Arch) throws -> Bool {
        if policy.defaultAction.letsCallRun { return true }
        for name in policy.syscallNames where try allowedCall(name, on: arch) != nil { return true }
        return false
    }
}
