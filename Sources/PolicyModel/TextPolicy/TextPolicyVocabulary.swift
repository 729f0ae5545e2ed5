/// The names a text policy may use: syscalls and their arguments, constants, groups and errno
/// names. `standard` is the package's own tables; tests may build a smaller one.
public struct TextPolicyVocabulary: Sendable {
    /// The tables, held once: every line of a policy copies the vocabulary into its parser and
    /// resolver (a million times for a large file), and a copy is then one reference.
    private final class Storage: Sendable {
        let table: SyscallTable
        let decoder: @Sendable (String, Int, [Int: UInt64]) -> ValueDecoder?
        let constant: @Sendable (String) -> UInt64?
        let constantNames: @Sendable () -> [String]
        let groupMembers: @Sendable (String) -> [String]?
        let groupNames: @Sendable () -> [String]
        let errnoDecoder: ValueDecoder?

        init(table: SyscallTable, decoder: @escaping @Sendable (String, Int, [Int: UInt64]) -> ValueDecoder?,
             constant: @escaping @Sendable (String) -> UInt64?, constantNames: @escaping @Sendable () -> [String],
             groupMembers: @escaping @Sendable (String) -> [String]?, groupNames: @escaping @Sendable () -> [String],
             errnoDecoder: ValueDecoder?) {
            self.table = table
            self.decoder = decoder
            self.constant = constant
            self.constantNames = constantNames
            self.groupMembers = groupMembers
            self.groupNames = groupNames
            self.errnoDecoder = errnoDecoder
        }

        func with(table: SyscallTable? = nil,
                  decoder: (@Sendable (String, Int, [Int: UInt64]) -> ValueDecoder?)? = nil,
                  constant: (@Sendable (String) -> UInt64?)? = nil, constantNames: (@Sendable () -> [String])? = nil,
                  groupMembers: (@Sendable (String) -> [String]?)? = nil, groupNames: (@Sendable () -> [String])? = nil,
                  errnoDecoder: ValueDecoder?? = nil) -> Storage {
            Storage(table: table ?? self.table, decoder: decoder ?? self.decoder, constant: constant ?? self.constant,
                    constantNames: constantNames ?? self.constantNames, groupMembers: groupMembers ?? self.groupMembers,
                    groupNames: groupNames ?? self.groupNames, errnoDecoder: errnoDecoder ?? self.errnoDecoder)
        }
    }

    private var storage: Storage

    public var table: SyscallTable {
        get { storage.table }
        set { storage = storage.with(table: newValue) }
    }
    /// The decoder for argument `index` of a syscall, given the values other arguments are known
    /// to have in the same rule (`level == SOL_TCP` names setsockopt's `optname` with `TCP_*`);
    /// nil when its values have no names.
    public var decoder: @Sendable (_ syscall: String, _ index: Int, _ known: [Int: UInt64]) -> ValueDecoder? {
        get { storage.decoder }
        set { storage = storage.with(decoder: newValue) }
    }
    /// The value of a constant known to no particular argument (`Constants.value(named:)`).
    public var constant: @Sendable (String) -> UInt64? {
        get { storage.constant }
        set { storage = storage.with(constant: newValue) }
    }
    /// Every constant name, for "did you mean".
    public var constantNames: @Sendable () -> [String] {
        get { storage.constantNames }
        set { storage = storage.with(constantNames: newValue) }
    }
    /// The members of a group such as `@basic-io`, nil for an unknown group.
    public var groupMembers: @Sendable (String) -> [String]? {
        get { storage.groupMembers }
        set { storage = storage.with(groupMembers: newValue) }
    }
    /// Every group name with its `@`, for "did you mean".
    public var groupNames: @Sendable () -> [String] {
        get { storage.groupNames }
        set { storage = storage.with(groupNames: newValue) }
    }
    /// Names errno values (`EPERM` is 1), when such a decoder exists.
    public var errnoDecoder: ValueDecoder? {
        get { storage.errnoDecoder }
        set { storage = storage.with(errnoDecoder: .some(newValue)) }
    }

    public init(table: SyscallTable,
                decoder: @escaping @Sendable (String, Int, [Int: UInt64]) -> ValueDecoder?,
                constant: @escaping @Sendable (String) -> UInt64?,
                constantNames: @escaping @Sendable () -> [String],
                groupMembers: @escaping @Sendable (String) -> [String]?,
                groupNames: @escaping @Sendable () -> [String],
                errnoDecoder: ValueDecoder?) {
        storage = Storage(table: table, decoder: decoder, constant: constant, constantNames: constantNames,
                          groupMembers: groupMembers, groupNames: groupNames, errnoDecoder: errnoDecoder)
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
