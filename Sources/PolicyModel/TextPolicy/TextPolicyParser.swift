/// Reads a text policy and the files it includes into one `Policy`.
struct TextPolicyParser {
    /// How deep `@include`s may nest (the main file is depth 0).
    static let maxIncludeDepth = 8

    let vocabulary: TextPolicyVocabulary
    let readFile: ((String) throws -> String)?

    private var defaultAction: (Action, TextPolicyLocation)?
    private var badArchAction: (Action, TextPolicyLocation)?
    private var architectures: [Arch] = []
    private var flags: [FilterFlag] = []
    private var rules: [Rule] = []
    private var warnings: [TextPolicyDiagnostic] = []
    /// Syscalls named by a rule (not through a group), where: checked against `@arch` at the end.
    /// Only the first rule of each name is kept (the check says each name once): a policy may
    /// have a million rules and a few hundred names.
    private var namedSyscalls: [(name: String, location: TextPolicyLocation)] = []
    private var named = Set<String>()
    /// The files being read, outermost first (normalized names).
    private var includeStack: [String] = []

    init(vocabulary: TextPolicyVocabulary, readFile: ((String) throws -> String)?) {
        self.vocabulary = vocabulary
        self.readFile = readFile
    }

    mutating func parse(_ text: String, file: String) throws -> ParsedTextPolicy {
        try parseFile(text, file: file)
        guard let (defaultAction, _) = defaultAction else {
            throw TextPolicyLocation(file: file, line: 1, column: 1)
                .error("no '@default ACTION' line: a policy must say what happens to calls no rule matches (e.g. @default errno EPERM)")
        }
        let policy = Policy(defaultAction: defaultAction,
                            architectures: architectures.isEmpty ? [.host] : architectures,
                            badArchAction: badArchAction?.0 ?? .killProcess,
                            rules: rules, flags: flags)
        checkArchitectures(of: namedSyscalls, in: policy)
        return ParsedTextPolicy(policy: policy, warnings: warnings)
    }

    /// A rule for a syscall that has no number on one of the policy's architectures is in no filter
    /// of that architecture: say so, naming the call and the architectures. A warning, not an
    /// error: policies written for several architectures (and the writer's output) name such calls.
    /// Group members are not checked: groups list the calls of every architecture.
    private mutating func checkArchitectures(of named: [(name: String, location: TextPolicyLocation)],
                                             in policy: Policy) {
        let table = vocabulary.table
        var seen = Set<String>()
        for (name, location) in named where seen.insert(name).inserted {
            let lacking = table.architectures(lacking: name, among: policy.architectures)
            guard !lacking.isEmpty else { continue }
            let listed = lacking.map(\.rawValue).joined(separator: ", ")
            let applies = policy.architectures.filter { !lacking.contains($0) }.map(\.rawValue)
            if applies.isEmpty {
                let having = Arch.allCases.filter { table.number(of: name, arch: $0) != nil }.map(\.rawValue)
                let elsewhere = having.isEmpty ? "only architectures this tool does not cover have it"
                    : "only \(having.joined(separator: ", ")) \(having.count == 1 ? "has" : "have") it"
                warnings.append(location.error("'\(name)' has no syscall number on \(listed), the policy's architectures: "
                                                + "the rule is in no filter (\(elsewhere))"))
            } else {
                warnings.append(location.error("'\(name)' has no syscall number on \(listed): the rule applies on "
                                                + applies.joined(separator: ", ") + " only"))
            }
        }
    }

    private mutating func parseFile(_ text: String, file: String) throws {
        includeStack.append(TextPolicyPaths.normalize(file))
        defer { includeStack.removeLast() }
        for (n, line) in Self.lines(of: text).enumerated() {
            let location = TextPolicyLocation(file: file, line: n + 1, column: 1)
            var lineParser = TextPolicyLineParser(lexer: TextPolicyLexer(line: line, location: location),
                                                  line: line, vocabulary: vocabulary)
            var stream = TextPolicyRuleStream(vocabulary: vocabulary, location: location)
            lineParser.alternativeSink = { stream.add($0, $1) }
            guard let statement = try lineParser.statement() else { continue }
            try apply(statement, at: location, streamed: stream)
        }
    }

    /// The lines of `text`, one at a time (no array of them): split at line feeds and CR LF
    /// pairs, then one more carriage return dropped from the end of a line.
    static func lines(of text: String) -> some Sequence<Substring> {
        var rest = text[...]
        var done = false
        return AnySequence {
            AnyIterator { () -> Substring? in
                guard !done else { return nil }
                var line: Substring
                if let lf = rest.utf8.firstIndex(of: UInt8(ascii: "\n")) {
                    line = rest[..<lf]
                    rest = rest[rest.utf8.index(after: lf)...]
                    if line.utf8.last == UInt8(ascii: "\r") { line = line.dropLast() }
                } else {
                    line = rest
                    done = true
                }
                if line.utf8.last == UInt8(ascii: "\r") { line = line.dropLast() }
                return line
            }
        }
    }

    /// `streamed` holds the rules of a rule line whose alternatives were resolved as they were read.
    private mutating func apply(_ statement: StatementSyntax, at location: TextPolicyLocation,
                                streamed: TextPolicyRuleStream) throws {
        func at(_ column: Int) -> TextPolicyLocation {
            var l = location
            l.column = column
            return l
        }
        switch statement {
        case .defaultAction(let a):
            if let (_, first) = defaultAction {
                throw at(1).error("a second @default (the first is at \(first.file):\(first.line))")
            }
            defaultAction = (a, at(1))
        case .badArchAction(let a):
            if let (_, first) = badArchAction {
                throw at(1).error("a second @badarch (the first is at \(first.file):\(first.line))")
            }
            badArchAction = (a, at(1))
        case .architectures(let words):
            for w in words {
                guard let arch = Arch(name: w.text) else {
                    throw at(w.column).error("unknown architecture '\(w.text)': expected x86_64, x32, i386 or aarch64"
                                             + didYouMean(closestMatches(to: w.text, in: Arch.allCases.map(\.rawValue))))
                }
                if !architectures.contains(arch) { architectures.append(arch) }
            }
        case .flags(let words):
            for w in words {
                guard let flag = FilterFlag.allCases.first(where: { $0.textName == w.text || $0.rawValue == w.text }) else {
                    let names = FilterFlag.allCases.map(\.textName)
                    throw at(w.column).error("unknown filter flag '\(w.text)': expected \(names.joined(separator: ", "))"
                                             + didYouMean(closestMatches(to: w.text, in: names)))
                }
                if !flags.contains(flag) { flags.append(flag) }
            }
        case .include(let name, let column):
            try include(name, from: at(column))
        case .rule(let syntax):
            if !syntax.isGroup, named.insert(syntax.target.text).inserted {
                namedSyscalls.append((syntax.target.text, at(syntax.target.column)))
            }
            if syntax.alternativesStreamed {
                if let failure = streamed.failure { throw failure }
                if rules.isEmpty { rules = streamed.rules } else { rules += streamed.rules }  // no copy for the first
                warnings += streamed.resolver.warnings
                return
            }
            var resolver = TextPolicyResolver(vocabulary: vocabulary, location: location)
            rules += try resolver.rules(for: syntax)
            warnings += resolver.warnings
        }
    }

    private mutating func include(_ name: String, from location: TextPolicyLocation) throws {
        guard let readFile else {
            throw location.error("@include is not available here (the policy was not read from a file)")
        }
        let path = TextPolicyPaths.resolve(name, relativeTo: location.file)
        if let start = includeStack.firstIndex(of: path) {
            let chain = (includeStack[start...] + [path]).joined(separator: " -> ")
            throw location.error("@include cycle: \(chain)")
        }
        guard includeStack.count <= Self.maxIncludeDepth else {
            throw location.error("@include nested more than \(Self.maxIncludeDepth) deep: \((includeStack + [path]).joined(separator: " -> "))")
        }
        let text: String
        do {
            text = try readFile(path)
        } catch {
            throw location.error("cannot read included file '\(path)': \(error)")
        }
        try parseFile(text, file: path)
    }
}

extension FilterFlag {
    /// The name in the text policy language: `tsync`, `spec-allow`, ...
    var textName: String {
        String(rawValue.dropFirst("SECCOMP_FILTER_FLAG_".count).lowercased().map { $0 == "_" ? "-" : $0 })
    }
}
