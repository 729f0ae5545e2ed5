/// Readable conditions for a `CallRegion`: `domain == AF_NETLINK && type != SOCK_RAW`, with the
/// argument names and value names of the syscall table. Exact: every test the region holds is
/// written, none is dropped; a 64-bit value is written whole when one half is pinned, and as its
/// halves (`hi32(len)`, `lo32(len)`) otherwise.
struct RegionText {
    let table: SyscallTable

    /// The conditions on the arguments (and instruction pointer) of `syscall` on `arch`.
    func conditions(_ region: CallRegion, syscall: String?, arch: Arch?) -> [String] {
        let definition = syscall.flatMap { table.definition(named: $0) }
        var out: [String] = []
        for i in 0..<6 {
            let argument = definition.flatMap { i < $0.arguments.count ? $0.arguments[i] : nil }
            let name = argument?.name ?? "arg\(i)"
            let is32 = (arch?.is32Bit ?? false) || argument?.width == .bits32
            let describe: (UInt64) -> String = { v in
                if let syscall, let s = ArgumentDecoders.describe(syscall: syscall, argument: i, value: v),
                   s.contains(where: { $0.isLetter }) && !s.hasPrefix("0x") { return s }
                return RegionText.number(v)
            }
            // Masks are named by a flags decoder (`prot & PROT_EXEC != 0`), otherwise written in hex.
            let isFlags = syscall.flatMap { ArgumentDecoders.decoder(syscall: $0, argument: i)?.isFlags } ?? false
            let bits: (UInt32) -> String = { v in v != 0 && isFlags ? describe(UInt64(v)) : RegionText.mask(v) }
            out += value(name, low: region.words[CallRegion.argLowWord(i)], high: region.words[CallRegion.argHighWord(i)],
                         is32: is32, describe: describe, bits: bits)
        }
        out += value("instruction_pointer", low: region.words[2], high: region.words[3], is32: false,
                     describe: RegionText.number)
        return out
    }

    /// Conditions on `nr` and `arch` themselves (for calls no syscall name covers).
    func numberConditions(_ region: CallRegion, includeArch: Bool) -> [String] {
        var out: [String] = []
        if includeArch {
            let names = Dictionary(Attribution.audits.map { ($0, "AUDIT_ARCH_" + Arch.candidates(auditArch: $0)[0].rawValue.uppercased()) },
                                   uniquingKeysWith: { a, _ in a })
            out += word("arch", region.words[CallRegion.archWord]) { names[UInt32($0)] ?? RegionText.number($0) }
        }
        out += word("nr", region.words[CallRegion.nrWord], describe: RegionText.number)
        return out
    }

    /// Decimal below 4096, hex above.
    static func number(_ v: UInt64) -> String { v < 4096 ? String(v) : "0x" + String(v, radix: 16) }

    private func value(_ name: String, low: WordConstraint, high: WordConstraint, is32: Bool,
                       describe: @escaping (UInt64) -> String, bits: @escaping (UInt32) -> String = RegionText.mask) -> [String] {
        if high.isUnconstrained {
            // A 32-bit argument is its low half; a 64-bit one is named by half when only the low is tested.
            return is32 ? word(name, low, describe: describe, bits: bits) : word("lo32(\(name))", low, describe: RegionText.number)
        }
        if let h = high.pinnedValue, !is32 {
            let base = UInt64(h) << 32
            if low.isUnconstrained {
                return ["\(name) >= \(describe(base))", "\(name) <= \(describe(base | 0xFFFF_FFFF))"]
            }
            return word(name, low, offset: base, describe: describe, bits: bits)
        }
        if low.isUnconstrained, !is32, high.ones == 0, high.zeros == 0, high.exclusions.isEmpty, high.maskedRanges.isEmpty {
            var out: [String] = []
            if high.low > 0 { out.append("\(name) >= \(describe(UInt64(high.low) << 32))") }
            if high.high < .max { out.append("\(name) <= \(describe(UInt64(high.high) << 32 | 0xFFFF_FFFF))") }
            return out
        }
        let lowName = is32 ? name : "lo32(\(name))"
        return word("hi32(\(name))", high, describe: RegionText.number)
            + (is32 ? word(lowName, low, describe: describe, bits: bits) : word(lowName, low, describe: RegionText.number))
    }

    /// The tests on one word, values shifted by `offset` (a pinned high half) for whole-word tests.
    private func word(_ name: String, _ w: WordConstraint, offset: UInt64 = 0,
                      describe: (UInt64) -> String, bits: (UInt32) -> String = RegionText.mask) -> [String] {
        let w = w.simplified()
        if w.isUnconstrained { return [] }
        if let v = w.pinnedValue { return ["\(name) == \(describe(offset | UInt64(v)))"] }
        var out: [String] = []
        if w.low > 0 { out.append("\(name) >= \(describe(offset | UInt64(w.low)))") }
        if w.high < .max { out.append("\(name) <= \(describe(offset | UInt64(w.high)))") }
        let known = w.ones | w.zeros
        if known != 0 {
            out.append("\(name) & \(bits(known)) == \(bits(w.ones))")
        }
        for e in w.exclusions {
            out.append(e.mask == .max ? "\(name) != \(describe(offset | UInt64(e.value)))"
                                      : "\(name) & \(bits(e.mask)) != \(bits(e.value))")
        }
        for r in w.maskedRanges {
            if r.low > 0 { out.append("\(name) & \(bits(r.mask)) >= \(RegionText.mask(r.low))") }
            if r.high < r.mask { out.append("\(name) & \(bits(r.mask)) <= \(RegionText.mask(r.high))") }
        }
        return out
    }

    static func mask(_ v: UInt32) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }
}
