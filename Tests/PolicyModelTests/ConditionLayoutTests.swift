import Testing
@testable import PolicyModel

/// A policy read from a large file holds millions of conditions and rules: their size is what a
/// 32 MiB text policy costs in memory (issue 20).
@Suite struct ConditionLayoutTests {
    @Test func conditionAndRuleAreCompact() {
        #expect(MemoryLayout<CompareOp>.size == 1)
        #expect(MemoryLayout<ArgWidth>.size == 1)
        #expect(MemoryLayout<Condition>.stride == 24)
        // A one-condition rule keeps its condition inline, its action in the condition's padding:
        // 40 bytes and no array of its own (was 32 bytes plus a 64-byte heap block, then 48).
        #expect(MemoryLayout<Rule>.stride == 40)
    }

    @Test func ruleConditionsReadAndWriteAsAnArray() {
        let a = Condition(index: 0, op: .eq, value: 1)
        let b = Condition(index: 1, op: .gt, value: 2)
        var rule = Rule(syscall: "read", action: .allow, conditions: [a])
        #expect(rule.conditions == [a])
        rule.conditions.append(b)
        #expect(rule.conditions == [a, b])
        #expect(rule == Rule(syscall: "read", action: .allow, conditions: [a, b]))
        rule.conditions.removeLast()
        #expect(rule == Rule(syscall: "read", action: .allow, conditions: [a]))
        #expect(Set([rule, Rule(syscall: "read", action: .allow, conditions: [a])]).count == 1)
        rule.conditions = []
        #expect(rule.conditions.isEmpty && rule == Rule(syscall: "read", action: .allow))
        #expect(rule != Rule(syscall: "read", action: .allow, conditions: [a]))
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
