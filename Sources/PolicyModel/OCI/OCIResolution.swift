/// A profile with Docker's conditional parts decided for one target: the architectures the
/// filter covers and the entries that apply.
public struct OCIResolvedProfile: Hashable, Sendable {
    public var source: String
    public var target: OCITarget
    public var defaultAction: Action
    /// The `SCMP_ARCH_*` names the runtime would add to the filter, the target's own first.
    public var architectureNames: [String]
    /// The entries whose `includes` all hold and none of whose `excludes` hold, in file order.
    public var syscalls: [OCIRawSyscall]
    public var flags: [FilterFlag]
    public var warnings: [OCIWarning]
}

extension OCIRawProfile {
    /// Resolves the profile for `target` with Docker's semantics: `archMap` contributes the entry
    /// for the target's architecture and its sub-architectures; an entry applies when every
    /// `includes` condition holds (all listed capabilities held, the target's architecture listed,
    /// the kernel at least `minKernel`) and no `excludes` condition holds (any listed capability
    /// held, the architecture listed, the kernel at least `minKernel`).
    public func resolved(for target: OCITarget) -> OCIResolvedProfile {
        var names: [String] = [target.arch.ociName]
        if !architectures.isEmpty {
            names += architectures.map(\.value)
        } else if let entry = archMap.first(where: { $0.architecture == target.arch.ociName }) {
            names += [entry.architecture] + entry.subArchitectures
        }
        var unique: [String] = []
        for n in names where !unique.contains(n) { unique.append(n) }

        let applying = syscalls.filter { $0.applies(to: target) }
        var warnings = self.warnings
        if listenerPath != nil || listenerMetadata != nil {
            warnings.append(OCIWarning(source: source, position: nil, field: listenerPath != nil ? "listenerPath" : "listenerMetadata",
                                       message: "kept out of the policy: the seccomp agent belongs to the runtime's configuration, give it again when exporting"))
        }
        return OCIResolvedProfile(
            source: source, target: target,
            defaultAction: defaultAction.value.action(data: defaultErrnoRet),
            architectureNames: unique, syscalls: applying, flags: flags, warnings: warnings)
    }

    /// Every condition of `includes` holds for `target` (an empty filter holds).
    static func includes(_ f: OCIRawFilter, _ target: OCITarget) -> Bool {
        if !f.arches.isEmpty, !f.arches.contains(target.nativeName) { return false }
        if !f.caps.allSatisfy({ target.capabilities.contains($0) }) { return false }
        if let k = f.minKernel, target.kernel < k.value { return false }
        return true
    }

    /// Some condition of `excludes` holds for `target` (an empty filter never excludes).
    static func excludes(_ f: OCIRawFilter, _ target: OCITarget) -> Bool {
        if f.arches.contains(target.nativeName) { return true }
        if f.caps.contains(where: { target.capabilities.contains($0) }) { return true }
        if let k = f.minKernel, target.kernel >= k.value { return true }
        return false
    }
}

extension OCIRawSyscall {
    /// Whether the entry is part of the filter for `target`: every `includes` condition holds
    /// and no `excludes` condition does.
    func applies(to target: OCITarget) -> Bool {
        !OCIRawProfile.excludes(excludes, target) && OCIRawProfile.includes(includes, target)
    }
}
