// The public face of argument knowledge: which argument of which syscall holds flags or an
// enumeration, and how its values are named. The tables behind it are generated from the
// system headers by `scripts/gen-constants` into `Generated/Constants+Generated.swift`.

/// Names the values of one kind of argument (open flags, socket domains, ioctl requests, ...).
public struct ValueDecoder: Sendable, Hashable {
    /// The decoder's name, e.g. `open_flags`, `socket_domain`.
    public let name: String
    /// True when values are OR-ed bits (flags) rather than one of a list (an enumeration).
    public let isFlags: Bool
    /// Named values, in the order they are tried when describing.
    public let constants: [(name: String, value: UInt64)]

    public init(name: String, isFlags: Bool, constants: [(name: String, value: UInt64)]) {
        self.name = name
        self.isFlags = isFlags
        self.constants = constants
    }

    public static func == (a: ValueDecoder, b: ValueDecoder) -> Bool { a.name == b.name }
    public func hash(into h: inout Hasher) { h.combine(name) }

    /// Every constant name this decoder knows.
    public var constantNames: [String] { constants.map(\.name) }

    /// A readable form of `value`: `O_RDWR|O_CLOEXEC`, `AF_INET`, unknown bits in hex.
    public func describe(_ value: UInt64) -> String {
        if !isFlags {
            return constants.first { $0.value == value }?.name ?? "0x" + String(value, radix: 16)
        }
        var rest = value
        var parts: [String] = []
        for c in constants where c.value != 0 && rest & c.value == c.value {
            parts.append(c.name)
            rest &= ~c.value
        }
        if rest != 0 || parts.isEmpty { parts.append("0x" + String(rest, radix: 16)) }
        return parts.joined(separator: "|")
    }

    /// The value of one constant name this decoder knows.
    public func value(named name: String) -> UInt64? {
        constants.first { $0.name == name }?.value
    }
}

/// Named constants, across every decoder, by name.
public enum Constants {
    /// The value of a constant such as `O_CLOEXEC`, `AF_INET`, `TCGETS`.
    public static func value(named name: String) -> UInt64? { generatedConstantValues[name] }

    /// Every known constant name, sorted.
    public static var allNames: [String] { generatedConstantValues.keys.sorted() }
}

/// Which argument of which syscall uses which decoder: the one table.
public enum ArgumentDecoders {
    /// The decoder for argument `index` of `syscall`, when its values have names.
    public static func decoder(syscall: String, argument index: Int) -> ValueDecoder? {
        generatedArgumentDecoders[syscall]?[index]
    }
}

/// Named sets of syscalls in the manner of systemd (`@basic-io`, `@file-system`, `@mount`, ...).
public enum SyscallGroups {
    /// Every group, by name with its leading `@`.
    public static var all: [String: [String]] { generatedSyscallGroups }

    /// The members of a group (`@basic-io`), or nil for an unknown group.
    public static func members(of group: String) -> [String]? { generatedSyscallGroups[group] }

    /// The groups a syscall belongs to, sorted.
    public static func groups(of syscall: String) -> [String] {
        generatedSyscallGroups.filter { $0.value.contains(syscall) }.map(\.key).sorted()
    }
}
