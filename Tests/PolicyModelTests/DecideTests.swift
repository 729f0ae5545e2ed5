import Testing
@testable import PolicyModel

@Suite struct DecideTests {
    @Test("most restrictive action wins among matching rules")
    func mostRestrictive() {
        let p = Policy(defaultAction: .errno(1), architectures: [.x86_64], rules: [
            Rule(syscall: "write", action: .allow),
            Rule(syscall: "write", action: .errno(5), conditions: [Condition(index: 0, op: .eq, value: 2, width: .bits32)]),
        ])
        #expect(p.decide(SeccompData(nr: 1, arch: .x86_64, args: [1])) == .allow)
        #expect(p.decide(SeccompData(nr: 1, arch: .x86_64, args: [2])) == .errno(5))
        #expect(p.decide(SeccompData(nr: 0, arch: .x86_64)) == .errno(1))
    }
}
