/// Why a policy could not be compiled.
public struct BPFCompileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Compiles a `Policy` to a classic BPF seccomp program with exactly `Policy.decide`'s meaning.
///
/// Layout: `A = arch`, one `JEQ` per listed audit architecture (the host's first), the bad-arch
/// action otherwise. Each architecture block loads `nr` and dispatches through a search tree over
/// ranges of numbers with the same outcome (`BPFDispatchTree`); under `AUDIT_ARCH_X86_64` the
/// x32 numbers (from `0x40000000` up, but -1) are ranges of the same tree, with the bad-arch action unless the
/// policy lists x32. Argument rules are compiled only at the leaves of syscalls whose outcome
/// depends on them (`BPFArgumentCode`), so every other path loads nothing but `arch` and `nr`
/// and the kernel can cache the syscalls it allows.
public enum BPFCompiler {
    public static func compile(_ policy: Policy, table: SyscallTable = .shared,
                               weights: SyscallWeights = .uniform) throws -> [SockFilter] {
        // No architecture: every call, `execve` and `exit` included, would get the bad-arch action.
        // That is never what was meant (the file formats default to the host), so fail closed.
        guard !policy.architectures.isEmpty else {
            throw BPFCompileError("the policy lists no architecture, so every call would get the bad-architecture action "
                + "(\(policy.badArchAction)); list at least one (`@arch \(Arch.host.rawValue)`, "
                + "\"architectures\": [\"\(Arch.host.ociName)\"])")
        }
        // The kernel caps an errno at MAX_ERRNO, so a larger one would not return what the policy says.
        let actions = [("the default action", policy.defaultAction), ("the bad-architecture action", policy.badArchAction)]
            + policy.rules.map { ("the rule for \($0.syscall)", $0.action) }
        for (what, action) in actions {
            if case .errno(let e) = action, e > Action.maxErrno {
                throw BPFCompileError("\(what) returns errno \(e), above the kernel's largest errno \(Action.maxErrno) (MAX_ERRNO)")
            }
        }
        var b = BPFCodeBuilder()
        let audits = auditOrder(policy.architectures)
        var blocks: [BPFTarget] = []
        for audit in audits.reversed() {
            let tree = BPFDispatchTree(segments: segments(policy, audit: audit, table: table, weights: weights))
            let dispatch = tree.emit(into: &b)
            blocks.append(b.emitStatement(.loadWord(SeccompData.nrOffset), next: dispatch))
        }
        blocks.reverse()
        var next = BPFTarget.ret(policy.badArchAction.returnValue)
        for (audit, block) in zip(audits, blocks).reversed() {
            next = b.emitJump(BPF.jmp | BPF.jeq | BPF.k, audit, jt: block, jf: next)
        }
        _ = b.emitStatement(.loadWord(SeccompData.archOffset), next: next)
        let program = b.program
        guard program.count <= BPF.maxInstructions else {
            throw BPFCompileError("the compiled filter has \(program.count) instructions, more than the kernel's limit of "
                + "\(BPF.maxInstructions) (BPF_MAXINSNS); reduce the number of argument rules")
        }
        return program
    }

    /// The action `policy` takes for `syscall` on `arch` whatever the arguments, or nil when the
    /// arguments decide (constant conditions such as `arg < 0` are folded first). The compiler gives
    /// every syscall with a constant action a path that loads no argument.
    public static func constantAction(of syscall: String, in policy: Policy, on arch: Arch) -> Action? {
        BPFOutcome.of(rules: policy.rules(for: syscall, on: arch), on: arch, defaultAction: policy.defaultAction).constantAction
    }

    /// The audit values of the listed architectures, the host's first, then in `Arch` order.
    static func auditOrder(_ architectures: [Arch]) -> [UInt32] {
        var out: [UInt32] = []
        let host = Arch.host.auditArch
        if architectures.contains(where: { $0.auditArch == host }) { out.append(host) }
        for a in Arch.allCases where architectures.contains(a) && !out.contains(a.auditArch) {
            out.append(a.auditArch)
        }
        return out
    }

    /// The ranges of the unsigned number line `nr` can take under `audit`, each with the
    /// architecture whose table applies there (nil: not listed, the bad-arch action).
    static func regions(_ policy: Policy, audit: UInt32) -> [(ClosedRange<UInt32>, Arch?)] {
        let listed = { (a: Arch) in policy.architectures.contains(a) ? a : nil }
        if audit == Arch.x86_64.auditArch {
            // As `Policy.architecture(of:)`: x32's from 0x40000000 up, but -1 (a tracer's skip).
            return [(0...0x3FFF_FFFF, listed(.x86_64)), (0x4000_0000...0xFFFF_FFFE, listed(.x32)),
                    (0xFFFF_FFFF...0xFFFF_FFFF, listed(.x86_64) ?? listed(.x32))]
        }
        let arch = Arch.candidates(auditArch: audit).first { policy.architectures.contains($0) }
        return [(0...UInt32.max, arch)]
    }

    /// Every number's outcome under `audit`, as ranges, in order.
    static func segments(_ policy: Policy, audit: UInt32, table: SyscallTable,
                         weights: SyscallWeights) -> [BPFSegment] {
        var rulesByName: [String: [Rule]] = [:]
        for r in policy.rules { rulesByName[r.syscall, default: []].append(r) }
        var out: [BPFSegment] = []
        for (range, arch) in regions(policy, audit: audit) {
            guard let arch else {
                out.append(BPFSegment(low: range.lowerBound, high: range.upperBound,
                                      outcome: .constant(policy.badArchAction), weight: 0))
                continue
            }
            let numbered = table.definitions(for: arch)
                .map { (UInt32(bitPattern: $0.numbers[arch]!), $0.name) }
                .filter { range.contains($0.0) }
                .sorted { $0.0 < $1.0 }
            var cursor = range.lowerBound
            var atEnd = false
            for (nr, name) in numbered {
                if nr > cursor {
                    out.append(BPFSegment(low: cursor, high: nr - 1, outcome: .constant(policy.defaultAction), weight: 0))
                }
                var rules = rulesByName[name] ?? []
                if let mux = SyscallMultiplexer(name: name, arch: arch) { rules += mux.rules(in: policy) }
                let outcome = BPFOutcome.of(rules: rules, on: arch, defaultAction: policy.defaultAction)
                // Calls the kernel caches as allowed run no instruction at all: a token weight
                // keeps the tree defined without pulling them up.
                let cached = outcome == .constant(.allow) && arch != .x32
                var segment = BPFSegment(low: nr, high: nr, outcome: outcome,
                                         weight: weights.weight(of: name, on: arch) * (cached ? 1e-6 : 1))
                if case .arguments = outcome { segment.valueCounts = weights.valueCounts[arch]?[name] ?? [:] }
                out.append(segment)
                if nr == range.upperBound { atEnd = true } else { cursor = nr + 1 }
            }
            if !atEnd {
                out.append(BPFSegment(low: cursor, high: range.upperBound, outcome: .constant(policy.defaultAction), weight: 0))
            }
        }
        return out
    }
}
