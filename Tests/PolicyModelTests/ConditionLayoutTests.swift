import Testing
@testable import PolicyModel

/// A policy read from a large file holds millions of conditions and rules: their size is what a
/// 32 MiB text policy costs in memory (issue 20).
@Suite struct ConditionLayoutTests {
    @Test func conditionAndRuleAreCompact() {
        #expect(MemoryLayout<CompareOp>.size == 1)
        #expect(MemoryLayout<ArgWidth>.size == 1)
        #expect(MemoryLayout<Condition>.stride == 24)
        #expect(MemoryLayout<Rule>.stride == 32)
    }

    @Test func indexReadsAndWritesAsBefore() {
        var c = Condition(index: 5, op: .maskedEq, value: 0xF0, valueTwo: 0x10, width: .bits32)
        #expect(c.index == 5)
        c.index = 2
        #expect(c.index == 2 && c.op == .maskedEq && c.value == 0xF0 && c.valueTwo == 0x10 && c.width == .bits32)
        #expect(c == Condition(index: 2, op: .maskedEq, value: 0xF0, valueTwo: 0x10, width: .bits32))
        #expect(c != Condition(index: 3, op: .maskedEq, value: 0xF0, valueTwo: 0x10, width: .bits32))
        #expect(c.description == "arg2 & 0xf0 == 0x10")
    }
}
