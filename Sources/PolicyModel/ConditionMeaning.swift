/// A rule whose test cannot mean what it says: it could never match, or it would have to be cut
/// to fit an argument and so test something else.
public struct PolicyMeaningError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Condition {
    /// Whether `value` keeps its meaning on a 32-bit argument: it fits in 32 bits, or it is a
    /// negative number sign-extended from them (`-1`, `AT_FDCWD`), which the low half states exactly.
    static func fits32(_ value: UInt64) -> Bool {
        value <= 0xFFFF_FFFF || value >= 0xFFFF_FFFF_8000_0000
    }

    /// Why this test means something else on `arch` than it says, or nil: a masked test whose
    /// value has bits outside its mask (it can never match), or a constant with bits above a
    /// 32-bit argument (the argument is compared on its low half, so the constant would be cut).
    public func meaningProblem(on arch: Arch) -> String? {
        let w = width(on: arch)
        func cut(_ what: String, _ v: UInt64) -> String {
            let why = arch.is32Bit ? "arguments on \(arch.rawValue) are 32 bits wide" : "the argument is 32 bits wide (an int-sized C type)"
            return "the \(what) 0x\(String(v, radix: 16)) does not fit: \(why), so it would be cut to "
                + "0x\(String(v & 0xFFFF_FFFF, radix: 16)); "
                + (arch.is32Bit ? "write a separate policy for \(arch.rawValue) or a value below 2^32" : "use a value below 2^32")
        }
        // Messages are made only for a problem (this runs for every test of a policy).
        if w == .bits32 {
            if op == .maskedEq {
                if !Self.fits32(value) { return cut("mask", value) }
                if !Self.fits32(valueTwo) { return cut("value", valueTwo) }
            } else if !Self.fits32(value) {
                return cut("value", value)
            }
        }
        if op == .maskedEq {
            let outside = valueTwo & ~value & w.mask
            if outside != 0 {
                return "the value 0x\(String(valueTwo, radix: 16)) has bits outside the mask 0x\(String(value, radix: 16)) "
                    + "(0x\(String(outside, radix: 16))), so the test can never match"
            }
        }
        return nil
    }
}

extension Policy {
    /// Throws for the first rule with a test that means something else than it says on one of
    /// the policy's architectures (`Condition.meaningProblem`): such a test is an error, never
    /// silently cut or dropped.
    public func checkMeaning() throws(PolicyMeaningError) {
        let archs = architectures.sorted()
        func check(_ c: Condition, of rule: Rule) throws(PolicyMeaningError) {
            for arch in archs {
                if let problem = c.meaningProblem(on: arch) {
                    throw PolicyMeaningError("\(rule.syscall): \(c) on \(arch.rawValue): \(problem)")
                }
            }
        }
        for rule in rules {
            if let only = rule.onlyCondition {
                try check(only, of: rule)  // without making an array: most rules of a big policy
            } else {
                for c in rule.conditions { try check(c, of: rule) }
            }
        }
    }
}
