// The public face of argument knowledge: which argument of which syscall holds flags or an
// enumeration, and how its values are named. The decoders are generated from the system headers
// by `scripts/gen-constants` into `Generated/Constants+Generated.swift`; which argument uses which
// decoder is the one table in `ArgumentDecoderTable.swift`; the groups are in
// `SyscallGroupTable.swift`.

/// Every value decoder, by name.
public enum ValueDecoders {
    /// Every decoder, in the generator's order.
    public static let all: [ValueDecoder] = generatedValueDecoders

    private static let byName: [String: ValueDecoder] =
        Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// The decoder called `name` (`open_flags`, `socket_domain`, `errno`, `signal`, ...).
    public static func named(_ name: String) -> ValueDecoder? { byName[name] }
}

/// Named constants, across every decoder, by name.
public enum Constants {
    private static let values: [String: UInt64] = {
        var d: [String: UInt64] = [:]
        for decoder in ValueDecoders.all {
            for c in decoder.allConstants where d[c.name] == nil { d[c.name] = c.value }
        }
        return d
    }()

    /// The value of a constant such as `O_CLOEXEC`, `AF_INET`, `TCGETS`. A negative `int`
    /// constant (`AT_FDCWD`) is its 32-bit two's complement (`0xffffff9c`).
    public static func value(named name: String) -> UInt64? { values[name] }

    /// Every known constant name, sorted.
    public static let allNames: [String] = values.keys.sorted()

    /// The value of `O_RDWR|O_CLOEXEC`, `0644`, `-1`: any known names and numbers joined by `|`.
    public static func parse(_ text: String, width: ArgWidth = .bits64) throws(ConstantError) -> UInt64 {
        try parseConstantExpression(text, width: width, decoder: nil, lookup: value(named:),
                                    candidates: { allNames })
    }

    /// The known names closest to a misspelt one, best first.
    public static func closestNames(to name: String, limit: Int = 3) -> [String] {
        closestMatches(to: name, in: allNames, limit: limit)
    }
}

/// Which argument of which syscall uses which decoder: the one table.
public enum ArgumentDecoders {
    /// The decoder for argument `index` of `syscall`, when its values have names. Where the
    /// decoder depends on another argument (setsockopt's option name on its level), this is the
    /// one used when that argument is unknown.
    public static func decoder(syscall: String, argument index: Int) -> ValueDecoder? {
        guard let choice = argumentDecoderTable[syscall]?[index] else { return nil }
        switch choice {
        case let .fixed(name):
            return ValueDecoders.named(name)
        case let .selected(_, _, otherwise):
            return otherwise.flatMap(ValueDecoders.named)
        }
    }

    /// The decoder for argument `index` of one call whose raw arguments are `arguments`: setsockopt
    /// with level `IPPROTO_TCP` names its option with `TCP_*`, fcntl `F_SETFD` its argument with
    /// `FD_CLOEXEC`, socket with domain `AF_NETLINK` its protocol with `NETLINK_*`; a level or
    /// domain without a decoder of its own (`AF_UNIX`) gives nil.
    public static func decoder(syscall: String, argument index: Int,
                               arguments: [UInt64]) -> ValueDecoder? {
        guard let choice = argumentDecoderTable[syscall]?[index] else { return nil }
        switch choice {
        case let .fixed(name):
            return ValueDecoders.named(name)
        case let .selected(other, cases, otherwise):
            guard other < arguments.count else { return otherwise.flatMap(ValueDecoders.named) }
            let selector = arguments[other] & 0xFFFF_FFFF
            for (constant, name) in cases where Constants.value(named: constant) == selector {
                return ValueDecoders.named(name)
            }
            return nil
        }
    }

    /// The decoder for argument `index` when only some other arguments' values are known, by
    /// index (a text policy rule `setsockopt: level == SOL_TCP && optname == TCP_NODELAY` knows
    /// `level`): the selected decoder when the selecting argument is known, else the default.
    public static func decoder(syscall: String, argument index: Int,
                               known: [Int: UInt64]) -> ValueDecoder? {
        guard case let .selected(other, _, _)? = argumentDecoderTable[syscall]?[index],
              let selector = known[other] else {
            return decoder(syscall: syscall, argument: index)
        }
        var arguments = [UInt64](repeating: 0, count: other + 1)
        arguments[other] = selector
        return decoder(syscall: syscall, argument: index, arguments: arguments)
    }

    /// Every decoder argument `index` of `syscall` may use, the default first: what to try when
    /// reading a constant name written for it (`protocol == NETLINK_ROUTE`).
    public static func decoders(syscall: String, argument index: Int) -> [ValueDecoder] {
        guard let choice = argumentDecoderTable[syscall]?[index] else { return [] }
        switch choice {
        case let .fixed(name):
            return ValueDecoders.named(name).map { [$0] } ?? []
        case let .selected(_, cases, otherwise):
            var names: [String] = otherwise.map { [$0] } ?? []
            for (_, name) in cases where !names.contains(name) { names.append(name) }
            return names.compactMap(ValueDecoders.named)
        }
    }

    /// The indices of `syscall`'s arguments that have a decoder.
    public static func decodedArguments(of syscall: String) -> [Int] {
        (argumentDecoderTable[syscall] ?? [:]).keys.sorted()
    }

    /// A readable form of argument `index` of one call, or nil when the argument has no decoder.
    /// The value is read at the argument's width from the syscall table (the low 32 bits of an
    /// `int`, all 64 of an `unsigned long`).
    public static func describe(syscall: String, argument index: Int, value: UInt64,
                                arguments: [UInt64] = []) -> String? {
        guard let d = decoder(syscall: syscall, argument: index, arguments: arguments) else {
            return nil
        }
        let args = SyscallTable.shared.definition(named: syscall)?.arguments ?? []
        return d.describe(value, width: index < args.count ? args[index].width : d.width)
    }

    /// Every syscall the table names.
    public static var syscalls: [String] { argumentDecoderTable.keys.sorted() }
}

/// How one argument's decoder is chosen: always the same, or by the value of another argument.
enum DecoderChoice: Sendable {
    case fixed(String)
    /// By the value of argument `by`: each constant name maps to a decoder; `otherwise` is the
    /// decoder when that value is not known (nil: none).
    case selected(by: Int, [(String, String)], otherwise: String?)
}

/// Named sets of syscalls in the manner of systemd (`@basic-io`, `@file-system`, `@mount`, ...).
public enum SyscallGroups {
    /// Every group, by name with its leading `@`, with its members (nested groups expanded).
    public static var all: [String: [String]] { syscallGroupMembers }

    /// Every group name, sorted.
    public static var names: [String] { syscallGroupMembers.keys.sorted() }

    /// The members of a group (`@basic-io`), or nil for an unknown group.
    public static func members(of group: String) -> [String]? { syscallGroupMembers[group] }

    /// The members of a group that exist on `arch` in the syscall table, sorted.
    public static func members(of group: String, on arch: Arch) -> [String]? {
        syscallGroupMembers[group].map { names in
            names.filter { SyscallTable.shared.number(of: $0, arch: arch) != nil }
        }
    }

    /// What a group is for, in a few words.
    public static func summary(of group: String) -> String? {
        syscallGroupTable.first { $0.name == group }?.summary
    }

    /// The groups a syscall belongs to, sorted.
    public static func groups(of syscall: String) -> [String] { groupsBySyscall[syscall] ?? [] }

    /// The inverse of the group table, built once: the TUI asks it for every row it draws.
    private static let groupsBySyscall: [String: [String]] = {
        var index: [String: [String]] = [:]
        for (group, members) in syscallGroupMembers {
            for name in Set(members) { index[name, default: []].append(group) }
        }
        return index.mapValues { $0.sorted() }
    }()

    /// The group names closest to a misspelt one, best first.
    public static func closestNames(to name: String, limit: Int = 3) -> [String] {
        closestMatches(to: name, in: names, limit: limit)
    }
}
