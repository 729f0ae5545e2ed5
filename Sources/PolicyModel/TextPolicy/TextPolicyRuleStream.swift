/// The rules of one line naming one syscall, resolved alternative by alternative while the line
/// is parsed (`TextPolicyLineParser.alternativeSink`): a line of hundreds of thousands of
/// alternatives is never held as syntax. The first error is kept, not thrown, and resolving
/// stops there: a syntax error anywhere in the line is the one reported, as when a whole line is
/// parsed before its rules are resolved.
struct TextPolicyRuleStream {
    private(set) var resolver: TextPolicyResolver
    private(set) var rules: [Rule] = []
    private(set) var failure: Error?
    private var checkedTarget = false

    init(vocabulary: TextPolicyVocabulary, location: TextPolicyLocation) {
        resolver = TextPolicyResolver(vocabulary: vocabulary, location: location)
    }

    mutating func add(_ syntax: RuleSyntax, _ alternative: [ConditionSyntax]) {
        guard failure == nil else { return }
        do {
            if !checkedTarget {
                _ = try resolver.members(of: syntax)
                checkedTarget = true
            }
            rules.append(try resolver.rule(for: syntax, syscall: syntax.target.text, alternative: alternative))
        } catch {
            failure = error
        }
    }
}
