import Testing
@testable import PolicyModel

/// The vocabulary keeps its tables behind one shared reference: a changed copy must not change
/// the value it was copied from.
@Suite struct TextPolicyVocabularyTests {
    @Test func aChangedCopyLeavesTheOriginalAlone() {
        let original = TextPolicyVocabulary.standard
        var changed = original
        changed.constant = { $0 == "ONLY_HERE" ? 7 : nil }
        changed.groupMembers = { _ in nil }
        changed.errnoDecoder = nil
        #expect(changed.constant("ONLY_HERE") == 7)
        #expect(original.constant("ONLY_HERE") == nil)
        #expect(changed.groupMembers("@basic-io") == nil)
        #expect(original.groupMembers("@basic-io") != nil)
        #expect(changed.errnoDecoder == nil && original.errnoDecoder != nil)
        #expect(changed.errnoValue(named: "EPERM") == nil)
        #expect(original.errnoValue(named: "EPERM") == 1)
    }
}
