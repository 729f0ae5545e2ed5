import Testing
@testable import PolicyModel
import TestSupport

@Suite struct DecideTests {
    @Test("most restrictive action wins among matching rules")
    func mostRestrictive() {
        let p = Policy(defaultAction: .errno(1), architectures: [.x86_64], rules: [
            Rule(syscall: "write", action: .allow),
            Rule(syscall: "write", action: .errno(5), conditions: [Condition(index: 0, op: .eq, value: 2, width: .bits32)]),
        ])
        #expect(p.decide(SeccompData(nr: sysno("write", .x86_64), arch: .x86_64, args: [1])) == .allow)
        #expect(p.decide(SeccompData(nr: sysno("write", .x86_64), arch: .x86_64, args: [2])) == .errno(5))
        #expect(p.decide(SeccompData(nr: sysno("read", .x86_64), arch: .x86_64)) == .errno(1))
    }
}

@Suite struct MaskedEqualityTests {
    @Test("masked equality compares valueTwo cut to the mask, as libseccomp and runc do")
    func valueTwoCutToMask() {
        let c = Condition(index: 0, op: .maskedEq, value: 0x0F, valueTwo: 0x11, width: .bits32)
        #expect(c.holds(for: 0x01, on: .x86_64))
        #expect(c.holds(for: 0xF1, on: .x86_64))
        #expect(!c.holds(for: 0x11 ^ 0x01, on: .x86_64))
    }
}
