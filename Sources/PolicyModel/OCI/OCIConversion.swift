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
        var collector = OCIRuleCollector(source: source, lenient: lenient, table: table)
        for entry in syscalls { collector.add(entry) }
        return try policy(collected: collector)
    }

    /// The policy from entries already converted (`syscalls` is not read): `OCIProfile.read`
    /// converts each entry as the file is parsed.
    func policy(collected collector: consuming OCIRuleCollector) throws -> OCIImport {
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
        let (rules, allWarnings) = try collector.finish(defaultAction: defaultAction, warnings: warnings)
        let policy = Policy(defaultAction: defaultAction, architectures: arches, badArchAction: .killThread,
                            rules: rules, flags: flags)
        return OCIImport(policy: policy, warnings: allWarnings)
    }
}
