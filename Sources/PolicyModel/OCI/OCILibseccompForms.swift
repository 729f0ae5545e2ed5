/// The argument tests an OCI profile may hold so that libseccomp 2.5.4 (runc, crun, podman,
/// docker) decides every call as `Policy.decide` does.
///
/// libseccomp compares all 64 bits of an argument on 64-bit architectures, while a 32-bit C type
/// is compared on its low half only here (the upper half of the register is not reliable, so
/// `ioctl(fd, TIOCSTI | 1 << 32, ...)` must not escape a rule on `TIOCSTI`); and its merging of
/// several rules' range comparisons (`<`, `<=`, `>`, `>=`) on one argument is wrong (`arg0 <= 2 ||
/// arg0 <= 0x7fffffffffffffff` let `0xfffffffe` through). So each test is written as tests
/// libseccomp compiles exactly:
/// - `==`, `!=` and `&` on 64-bit arguments as they are;
/// - on 32-bit arguments, `==` and `&` as a masked test within the low 32 bits, `!=` as one
///   masked test per bit (the value differs in some bit);
/// - ranges as masked tests on the prefix of the constant (`arg < 0b101` is `arg & ~0b11 == 0`
///   or `arg & ~0 == 0b100`), within the argument's width.
/// A rule becomes one rule per combination of its tests' alternatives; more than
/// `maxAlternatives` is an error. Masked tests are also exact on i386, where libseccomp compares
/// the low halves of masks and values.
enum OCILibseccompForms {
    /// The most rules one rule of the policy may become.
    static let maxAlternatives = 256

    /// What decides how a test is written: whether the argument is compared on 32 bits
    /// everywhere, and whether native range comparisons are safe.
    struct Context {
        /// Every listed architecture is 32-bit (all arguments are compared on their low half).
        var all32: Bool
        /// A 32-bit and a 64-bit architecture are listed: one test must mean both.
        var mixed: Bool
        /// The syscall has several rules: libseccomp merges their range comparisons wrongly.
        var severalRules: Bool

        init(_ policy: Policy, severalRules: Bool) {
            all32 = policy.architectures.allSatisfy(\.is32Bit)
            mixed = !all32 && policy.architectures.contains(where: \.is32Bit)
            self.severalRules = severalRules
        }
    }

    /// Tests that hold together exactly when `c` holds, for each way it can hold (OR); nil when
    /// libseccomp cannot state `c` on every listed architecture at once.
    static func alternatives(_ c: Condition, _ context: Context) -> [Condition]? {
        let width: ArgWidth = context.all32 ? .bits32 : c.width
        let w = width.mask
        let bits = width == .bits32 ? 32 : 64
        let v = c.value & w
        func masked(_ mask: UInt64, _ value: UInt64) -> Condition {
            Condition(index: c.index, op: .maskedEq, value: mask, valueTwo: value, width: c.width)
        }
        /// `arg < v` within the width: for each bit `i` set in `v`, the bits above agree and bit `i` is clear.
        func below(_ v: UInt64) -> [Condition] {
            (0..<bits).reversed().filter { v >> UInt64($0) & 1 == 1 }.map { i in
                let high = w & ~((1 << UInt64(i)) - 1)
                return masked(high, v & high & ~(1 << UInt64(i)))
            }
        }
        /// `arg > v` within the width: for each bit `i` clear in `v`, the bits above agree and bit `i` is set.
        func above(_ v: UInt64) -> [Condition] {
            (0..<bits).reversed().filter { v >> UInt64($0) & 1 == 0 }.map { i in
                let high = w & ~((1 << UInt64(i)) - 1)
                return masked(high, (v & high) | 1 << UInt64(i))
            }
        }
        if width == .bits64 {
            // libseccomp compares 64-bit arguments exactly (the low halves on 32-bit architectures)
            // but for range tests of several rules of one syscall.
            if c.op == .maskedEq { return [masked(c.value, c.valueTwo & c.value)] }
            if [.eq, .ne].contains(c.op) || !context.severalRules { return [Condition(index: c.index, op: c.op, value: c.value, width: c.width)] }
            // Prefix tests on the upper half alone would hold whatever the argument on i386 and x32.
            if context.mixed { return nil }
        }
        switch c.op {
        case .eq: return [masked(w, v)]
        case .maskedEq: return [masked(c.value & w, c.valueTwo & c.value & w)]
        case .ne: return below(v) + above(v)
        case .lt: return below(v)
        case .le: return below(v) + [masked(w, v)]
        case .gt: return above(v)
        case .ge: return above(v) + [masked(w, v)]
        }
    }

    /// `rule` as rules with only exact forms (see above); nil when it needs more than
    /// `maxAlternatives` or cannot be stated for every listed architecture.
    static func rules(_ rule: Rule, _ context: Context) -> [Rule]? {
        var combos: [[Condition]] = [[]]
        for c in rule.conditions {
            guard let alts = alternatives(c, context), combos.count * alts.count <= maxAlternatives else { return nil }
            combos = combos.flatMap { combo in alts.map { combo + [$0] } }
        }
        return combos.map { Rule(syscall: rule.syscall, action: rule.action, conditions: $0) }
    }
}

extension OCILibseccompForms {
    /// The policy with the tests that cannot decide anything folded: a test that holds whatever
    /// the argument on every listed architecture is dropped, a rule with a test that never holds
    /// is dropped (libseccomp would still compile it, and two such `prctl` rules made `runc init`
    /// spin).
    static func folded(_ policy: Policy) -> Policy {
        var p = policy
        p.rules = policy.rules.compactMap { rule in
            var kept: [Condition] = []
            for c in rule.conditions {
                let outcomes = Set(policy.architectures.map { arch -> Bool? in
                    if case .always(let b) = BPFCheck.normalize(c, on: arch) { return b }
                    return nil
                })
                if outcomes == [false] { return nil }
                if outcomes != [true] { kept.append(c) }
            }
            return Rule(syscall: rule.syscall, action: rule.action, conditions: kept)
        }
        return p
    }

    /// The explicit rules i386's multiplexers need beside what libseccomp adds itself, or an error
    /// when libseccomp would not decide the multiplexed calls as the policy does.
    ///
    /// libseccomp adds, for each rule of a socket or IPC call, a rule on `socketcall`/`ipc`
    /// testing the call number, but it keeps the rule's other argument tests, now applied to the
    /// multiplexer's own arguments; it compares `ipc`'s whole first argument (a version in its high
    /// half escapes); and it maps `sendto` and `recvfrom` only to `SYS_SENDTO` and `SYS_RECVFROM`.
    static func multiplexed(_ rules: [Rule], policy: Policy) throws -> [Rule] {
        guard policy.architectures.contains(.i386) else { return [] }
        var extra: [Rule] = []
        for mux in SyscallMultiplexer.allCases {
            let reached = mux.syscalls.filter { name in policy.rules.contains { $0.syscall == name } }
            guard !reached.isEmpty else { continue }
            if let own = policy.rules.first(where: { $0.syscall == mux.rawValue }) {
                throw OCIWriteError(message: "\(OCIRuntimeRules.text(own)) beside rules on \(reached.joined(separator: ", ")), which "
                    + "i386's \(mux.rawValue) reaches: libseccomp does not decide their meeting as this policy does (the most "
                    + "restrictive action); write rules for the calls, not for \(mux.rawValue), or leave i386 out")
            }
            for name in reached {
                let of = rules.filter { $0.syscall == name }
                if let conditional = of.first(where: { !$0.conditions.isEmpty }) {
                    throw OCIWriteError(message: "\(OCIRuntimeRules.text(conditional)) cannot be written for i386: libseccomp "
                        + "applies its argument tests to \(mux.rawValue)'s own arguments (the call's sit in memory); leave i386 "
                        + "out, or write \(name) without argument tests")
                }
                // Only rules with the default action, which runc drops: the default decides both forms.
                guard let action = of.first?.action else { continue }
                for call in mux.calls where call.syscall == name {
                    // libseccomp's own rule: `arg0 == number`, for the call's own name only.
                    let libseccompCovers = mux == .socketcall && !(call.number == 9 || call.number == 10)
                    if !libseccompCovers {
                        extra.append(Rule(syscall: mux.rawValue, action: action, conditions: [mux.selector(call.number)]))
                    }
                }
            }
        }
        return extra
    }
}
