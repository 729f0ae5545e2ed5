/// The names a text policy may use: syscalls and their arguments, constants, groups and errno
/// names. `standard` is the package's own tables; tests may build a smaller one.
public struct TextPolicyVocabulary: Sendable {
    public var table: SyscallTable
    /// The decoder for argument `index` of a syscall, given the values other arguments are known
    /// to have in the same rule (`level == SOL_TCP` names setsockopt's `optname` with `TCP_*`);
    /// nil when its values have no names.
    public var decoder: @Sendable (_ syscall: String, _ index: Int, _ known: [Int: UInt64]) -> ValueDecoder?
    /// The value of a constant known to no particular argument (`Constants.value(named:)`).
    public var constant: @Sendable (String) -> UInt64?
    /// Every constant name, for "did you mean".
    public var constantNames: @Sendable () -> [String]
    /// The members of a group such as `@basic-io`, nil for an unknown group.
    public var groupMembers: @Sendable (String) -> [String]?
    /// Every group name with its `@`, for "did you mean".
    public var groupNames: @Sendable () -> [String]
    /// Names errno values (`EPERM` is 1), when such a decoder exists.
    public var errnoDecoder: ValueDecoder?

    public init(table: SyscallTable,
                decoder: @escaping @Sendable (String, Int, [Int: UInt64]) -> ValueDecoder?,
                constant: @escaping @Sendable (String) -> UInt64?,
                constantNames: @escaping @Sendable () -> [String],
                groupMembers: @escaping @Sendable (String) -> [String]?,
                groupNames: @escaping @Sendable () -> [String],
                errnoDecoder: ValueDecoder?) {
        self.table = table
        self.decoder = decoder
        self.constant = constant
        self.constantNames = constantNames
        self.groupMembers = groupMembers
        self.groupNames = groupNames
        self.errnoDecoder = errnoDecoder
    }

    /// The package's tables: `SyscallTable.shared`, `ArgumentDecoders`, `Constants`, `SyscallGroups`.
    public static let standard = TextPolicyVocabulary(
        table: .shared,
        decoder: { ArgumentDecoders.decoder(syscall: $0, argument: $1, known: $2) },
        constant: { name in
            Constants.value(named: name) ?? ValueDecoders.all.lazy.compactMap(\.field).first { $0.maskName == name }?.mask
        },
        constantNames: { Constants.allNames },
        groupMembers: { SyscallGroups.members(of: $0) },
        groupNames: { SyscallGroups.all.keys.sorted() },
        errnoDecoder: ValueDecoders.named("errno"))

    /// The decoder for argument `index` of `syscall` when nothing is known of the others.
    func decoder(_ syscall: String, _ index: Int) -> ValueDecoder? { decoder(syscall, index, [:]) }

    /// The value of an errno name such as `EPERM`.
    func errnoValue(named name: String) -> UInt64? {
        errnoDecoder?.value(named: name) ?? constant(name)
    }
}
