/// One argument of a system call, as the kernel declares it.
public struct SyscallArgument: Hashable, Sendable {
    public var name: String
    /// The C type from `include/linux/syscalls.h`, e.g. `unsigned int`, `const char __user *`.
    public var cType: String
    /// Width on 64-bit architectures: 32 for `int`-sized types, 64 for `long`, pointers, `size_t`.
    public var width: ArgWidth
    public var isPointer: Bool
    /// A pointer to a NUL-terminated path (`filename`, `pathname`, ...).
    public var isPath: Bool
    /// Other names of the argument: the man page's where it differs from the kernel's (`request`
    /// for ioctl's `cmd`). The text policy accepts them; writers use `name`.
    public var aliases: [String]

    public init(name: String, cType: String, width: ArgWidth, isPointer: Bool, isPath: Bool,
                aliases: [String] = []) {
        self.name = name
        self.cType = cType
        self.width = width
        self.isPointer = isPointer
        self.isPath = isPath
        self.aliases = aliases
    }

    /// A signed integer type (`int`, `long`, `pid_t`, `off_t`, ...): a value is shown with its sign.
    public var isSigned: Bool {
        !isPointer && SyscallArgument.signedTypes.contains(cType)
    }

    private static let signedTypes: Set<String> = [
        "int", "long", "pid_t", "clockid_t", "timer_t", "mqd_t", "key_t", "key_serial_t",
        "off_t", "loff_t", "__s32",
    ]

    /// `cmd (request)`: the name, with its aliases in parentheses when it has any.
    public var nameWithAliases: String {
        aliases.isEmpty ? name : "\(name) (\(aliases.joined(separator: ", ")))"
    }
}

/// One system call: its name, its number on each architecture that has it, and its arguments.
public struct SyscallDefinition: Hashable, Sendable {
    public var name: String
    public var numbers: [Arch: Int32]
    public var arguments: [SyscallArgument]

    public init(name: String, numbers: [Arch: Int32], arguments: [SyscallArgument]) {
        self.name = name
        self.numbers = numbers
        self.arguments = arguments
    }

    /// `name(type arg, ...)` as in the kernel's declarations.
    public var signature: String {
        let args = arguments.map { a in
            a.cType.hasSuffix("*") ? "\(a.cType)\(a.name)" : "\(a.cType) \(a.name)"
        }
        return "\(name)(\(args.joined(separator: ", ")))"
    }

    /// The index of the argument called `name` by the kernel or, failing that, by the man page.
    public func argumentIndex(named name: String) -> Int? {
        arguments.firstIndex { $0.name == name } ?? arguments.firstIndex { $0.aliases.contains(name) }
    }
}

/// The syscall table: the one source of truth for numbers, names and argument types.
/// Built from `Generated/SyscallTable+Generated.swift`, which `scripts/gen-syscall-table` writes,
/// read at first use by `SyscallTableText`.
public struct SyscallTable: Sendable {
    public static let shared = SyscallTable(
        definitions: SyscallTableText.definitions(generatedSyscallTable),
        otherArchitectureNames: Set(generatedOtherArchitectureNameList.split(whereSeparator: \.isWhitespace).map(String.init)))

    /// Every syscall, sorted by name.
    public let definitions: [SyscallDefinition]
    private let byName: [String: Int]
    private let byNumber: [Arch: [Int32: Int]]

    /// Names of syscalls that exist only on architectures this table does not cover (arm, s390x,
    /// mips, ...), as libseccomp knows them: profiles for many architectures name them.
    public let otherArchitectureNames: Set<String>

    public init(definitions: [SyscallDefinition], otherArchitectureNames: Set<String> = []) {
        self.otherArchitectureNames = otherArchitectureNames
        let sorted = definitions.sorted { $0.name < $1.name }
        self.definitions = sorted
        var names: [String: Int] = [:]
        var numbers: [Arch: [Int32: Int]] = [:]
        for (i, d) in sorted.enumerated() {
            names[d.name] = i
            for (arch, nr) in d.numbers { numbers[arch, default: [:]][nr] = i }
        }
        byName = names
        byNumber = numbers
    }

    public func definition(named name: String) -> SyscallDefinition? {
        byName[name].map { definitions[$0] }
    }

    public func definition(number: Int32, arch: Arch) -> SyscallDefinition? {
        byNumber[arch]?[number].map { definitions[$0] }
    }

    public func number(of name: String, arch: Arch) -> Int32? {
        definition(named: name)?.numbers[arch]
    }

    public func name(of number: Int32, arch: Arch) -> String? {
        definition(number: number, arch: arch)?.name
    }

    /// The architectures of `architectures` on which `name` has no number: a rule for it is
    /// compiled on the others only.
    public func architectures(lacking name: String, among architectures: [Arch]) -> [Arch] {
        architectures.filter { number(of: name, arch: $0) == nil }
    }

    /// The syscalls that exist on `arch`, sorted by number.
    public func definitions(for arch: Arch) -> [SyscallDefinition] {
        definitions.filter { $0.numbers[arch] != nil }.sorted { $0.numbers[arch]! < $1.numbers[arch]! }
    }

    /// The known names closest to `name` (edit distance), best first, for "did you mean".
    public func closestNames(to name: String, limit: Int = 3) -> [String] {
        closestMatches(to: name, in: definitions.map(\.name), limit: limit)
    }
}

/// The candidates nearest to `word` by edit distance (at most a third of its length, at least 2).
///
/// Bounded for untrusted input: a word longer than `maxSuggestedLength` gets no suggestion
/// (no name it could be near is that long), a candidate whose length alone puts it too far is
/// skipped, and each distance stops once it exceeds the bound, so the cost is at most
/// candidates × 64 × (2 × bound + 1) steps whatever the word.
public func closestMatches(to word: String, in candidates: [String], limit: Int = 3) -> [String] {
    guard word.utf8.count <= maxSuggestedLength else { return [] }
    let w = Array(word.lowercased())
    let maxDistance = max(2, w.count / 3)
    let scored = candidates.compactMap { c -> (String, Int)? in
        guard abs(c.count - w.count) <= maxDistance else { return nil }
        let d = editDistance(w, Array(c.lowercased()), bound: maxDistance)
        return d <= maxDistance ? (c, d) : nil
    }
    return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(limit).map(\.0)
}

/// The longest word `closestMatches` looks for neighbours of (bytes): syscall, constant, errno
/// and key names are all shorter.
let maxSuggestedLength = 64

/// Levenshtein distance with adjacent transpositions counted as one edit; once every entry of
/// a row exceeds `bound` the result is only known to be above it, and `bound + 1` is returned.
func editDistance(_ a: [Character], _ b: [Character], bound: Int = .max) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev2 = [Int](repeating: 0, count: b.count + 1)
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        var rowMinimum = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                cur[j] = min(cur[j], prev2[j - 2] + 1)
            }
            rowMinimum = min(rowMinimum, cur[j])
        }
        // A transposition reaches back two rows: stop only when both rows are past the bound.
        if rowMinimum > bound, prev.min()! > bound { return bound + 1 }
        (prev2, prev, cur) = (prev, cur, prev2)
    }
    return prev[b.count]
}
