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
    /// The rules and their warnings, made as the lines are read.
    private var stream: TextPolicyRuleStream
    private let syscalls: TextPolicySyscallNames
    /// Syscalls named by a rule (not through a group), where: checked against `@arch` at the end.
    /// Only the first rule of each name is kept (the check says each name once): a policy may
    /// have a million rules and a few hundred names.
    private var namedSyscalls: [(name: String, location: TextPolicyLocation)] = []
    /// Whether each entry of `syscalls` is in `namedSyscalls`.
    private var named: [Bool]
    /// The files being read, outermost first (normalized names).
    private var includeStack: [String] = []

    init(vocabulary: TextPolicyVocabulary, readFile: ((String) throws -> String)?) {
        self.vocabulary = vocabulary
        self.readFile = readFile
        stream = TextPolicyRuleStream(vocabulary: vocabulary)
        syscalls = TextPolicySyscallNames(table: vocabulary.table)
        named = [Bool](repeating: false, count: syscalls.entries.count)
    }

    mutating func parse(_ text: String, file: String) throws -> ParsedTextPolicy {
        try parseFile(text, file: file)
        guard let (defaultAction, _) = defaultAction else {
            throw TextPolicyLocation(file: file, line: 1, column: 1)
                .error("no '@default ACTION' line: a policy must say what happens to calls no rule matches (e.g. @default errno EPERM)")
        }
        var (rules, warnings) = stream.take()
        let policy = Policy(defaultAction: defaultAction,
                            architectures: architectures.isEmpty ? [.host] : architectures,
                            badArchAction: badArchAction?.0 ?? .killProcess,
                            rules: rules, flags: flags)
        rules = []
        warnings += checkArchitectures(of: namedSyscalls, in: policy)
        return ParsedTextPolicy(policy: policy, warnings: warnings)
    }

    /// A rule for a syscall that has no number on one of the policy's architectures is in no filter
    /// of that architecture: say so, naming the call and the architectures. A warning, not an
    /// error: policies written for several architectures (and the writer's output) name such calls.
    /// Group members are not checked: groups list the calls of every architecture.
    private func checkArchitectures(of named: [(name: String, location: TextPolicyLocation)],
                                    in policy: Policy) -> [TextPolicyDiagnostic] {
        var warnings: [TextPolicyDiagnostic] = []
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
        return warnings
    }

    private mutating func parseFile(_ text: String, file: String) throws {
        includeStack.append(TextPolicyPaths.normalize(file))
        defer { includeStack.removeLast() }
        try TextPolicySource.with(text) { source in
            if includeStack.count == 1 { stream.reserve(Self.estimatedRules(in: source.bytes)) }
            var lineParser = TextPolicyLineParser(source: source, file: file, vocabulary: vocabulary, syscalls: syscalls)
            var start = 0
            var number = 1
            while true {
                let (line, next) = Self.line(startingAt: start, in: source)
                if let statement = try lineParser.statement(line: line, number: number, into: &stream) {
                    try apply(statement, at: TextPolicyLocation(file: file, line: number, column: 1))
                }
                guard let next else { return }
                start = next
                number += 1
            }
        }
    }

    /// About how many rules a file gives, for reserving them at once: one for each line with a
    /// ':' and one more for each `||` on it (a group line gives many; those grow the array as
    /// before), at most one for every 12 bytes (the shortest alternative, `|| arg0 == 0`, has 12),
    /// so a hostile file of colons or bars reserves no more than about 3x its size.
    static func estimatedRules(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var rules = 0
        var inLine = 0  // the rules of the line so far: 0 until its colon, then 1 + its `||`s
        var bars = 0  // the `||`s of the line so far
        var previous: UInt8 = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: ":"):
                inLine = 1
            case UInt8(ascii: "|") where previous == UInt8(ascii: "|"):
                bars += 1
                previous = 0  // "|||" is one `||` and a bar
                continue
            case UInt8(ascii: "\n"):
                if inLine > 0 { rules += inLine + bars }
                inLine = 0
                bars = 0
            default:
                break
            }
            previous = byte
        }
        if inLine > 0 { rules += inLine + bars }
        return min(rules, bytes.count / 12)
    }

    /// The text of the line starting at byte `start`, and where the next line starts (nil after
    /// the last). Lines end at line feeds; a carriage return before the line feed is dropped, then
    /// one more carriage return.
    static func line(startingAt start: Int, in source: TextPolicySource) -> (Range<Int>, next: Int?) {
        let bytes = source.bytes
        var end = start
        if let base = bytes.baseAddress {
            // Eight bytes at a time while none is a line feed (a zero byte after `^ 0x0A...`).
            while end + 8 <= bytes.count {
                let x = UnsafeRawPointer(base + end).loadUnaligned(as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
                if (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0 { break }
                end += 8
            }
        }
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        let next = end < bytes.count ? end + 1 : nil
        var textEnd = end
        for _ in 0..<(next == nil ? 1 : 2) where textEnd > start && bytes[textEnd - 1] == UInt8(ascii: "\r") {
            textEnd -= 1
        }
        return (start..<textEnd, next)
    }

    /// Applies a directive at `location`, and notes the syscall a rule line named (its rules
    /// were made as it was read).
    private mutating func apply(_ statement: StatementSyntax, at location: TextPolicyLocation) throws {
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
        case .rule(let syscall?, let column):
            if !named[syscall] {
                named[syscall] = true
                namedSyscalls.append((syscalls.entries[syscall].name, at(column)))
            }
        case .rule(nil, _):
            break
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
