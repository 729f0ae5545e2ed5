/// The rules of a text policy, made line by line as the lines are parsed: a rule line naming one
/// syscall gives its alternatives one at a time (a line of hundreds of thousands of them is never
/// held as syntax), a group's rule line all of them once it is read. The first error of a line's
/// rules is kept, not thrown, and making rules stops there: a syntax error anywhere in the line is
/// the one reported, as when a whole line is parsed before its rules are made.
struct TextPolicyRuleStream {
    private(set) var resolver: TextPolicyResolver
    private(set) var rules: [Rule] = []
    /// The first error in the rules of the line at hand.
    private(set) var failure: Error?
    private var syscall: TextPolicySyscallNames.Entry?
    private var action = Action.allow

    init(vocabulary: TextPolicyVocabulary) {
        resolver = TextPolicyResolver(vocabulary: vocabulary, location: TextPolicyLocation(file: "", line: 0, column: 1))
    }

    var warnings: [TextPolicyDiagnostic] { resolver.warnings }

    /// Makes room for `count` more rules at once: a big file's rules array then never doubles
    /// (which held the old and the new array, up to three times the rules, at once).
    mutating func reserve(_ count: Int) {
        rules.reserveCapacity(rules.count + count)
    }

    /// Starts a line: its errors and warnings are at `location` (in its columns).
    mutating func startLine(at location: TextPolicyLocation) {
        resolver.location = location
        failure = nil
        syscall = nil
    }

    /// Starts a rule line naming `syscall`, whose rules have `action`.
    mutating func begin(syscall: TextPolicySyscallNames.Entry, action: Action) {
        self.syscall = syscall
        self.action = action
    }

    /// Starts a rule line that can give no rule: `failure` is its first error.
    mutating func begin(failure: Error) {
        self.failure = failure
    }

    /// The rule of a line without conditions.
    mutating func addUnconditional() {
        guard failure == nil, let syscall else { return }
        rules.append(Rule(syscall: syscall.name, action: action))
    }

    /// The rule of one alternative of the line.
    mutating func add(_ alternative: AlternativeSyntax) {
        guard failure == nil, let syscall else { return }
        do {
            rules.append(try resolver.rule(for: syscall, inGroup: nil, action: action, alternative))
        } catch {
            failure = error
        }
    }

    /// The rules of a group's rule line for `syscall`, one of its members: one per alternative,
    /// or one without conditions.
    mutating func addRules(of syscall: TextPolicySyscallNames.Entry, inGroup group: String, action: Action,
                           alternatives: [AlternativeSyntax]) throws {
        if alternatives.isEmpty {
            rules.append(Rule(syscall: syscall.name, action: action))
            return
        }
        for alternative in alternatives {
            rules.append(try resolver.rule(for: syscall, inGroup: group, action: action, alternative))
        }
    }

    /// Hands out the rules and warnings made so far.
    mutating func take() -> (rules: [Rule], warnings: [TextPolicyDiagnostic]) {
        defer {
            rules = []
            resolver.warnings = []
        }
        return (rules, resolver.warnings)
    }
}
