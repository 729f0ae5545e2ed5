import Foundation

// Names the values of one kind of argument (open flags, socket domains, ioctl requests, ...):
// value to text (`0x80002` → `O_RDWR|O_CLOEXEC`) and text to value. The decoders themselves are
// generated from the system headers by `scripts/gen-constants` into
// `Generated/Constants+Generated.swift`.

/// Names the values of one kind of argument (open flags, socket domains, ioctl requests, ...).
public struct ValueDecoder: Sendable, Hashable, CustomStringConvertible {
    /// One of a list (`AF_INET`) or OR-ed bits (`O_RDWR|O_CLOEXEC`).
    public enum Kind: String, Sendable {
        case enumeration, flags
    }

    /// How a value (or the rest of one) without a name is written.
    public enum Radix: String, Sendable {
        case hex, decimal, octal
    }

    /// An enumeration held in some bits of a flags value: the access mode in `O_ACCMODE`
    /// (`O_RDONLY` is 0), the socket type in the low nibble, clone's exit signal in `CSIGNAL`.
    public struct Field: Sendable {
        public let mask: UInt64
        /// The header's name for the mask (`O_ACCMODE`), when it has one.
        public let maskName: String?
        /// Whether the field is written after the flags (`CLONE_VM|SIGCHLD`) rather than before.
        public let isLast: Bool
        public let constants: [(name: String, value: UInt64)]

        public init(mask: UInt64, maskName: String?, isLast: Bool = false,
                    constants: [(name: String, value: UInt64)]) {
            self.mask = mask
            self.maskName = maskName
            self.isLast = isLast
            self.constants = constants
        }
    }

    /// The decoder's name, e.g. `open_flags`, `socket_domain`.
    public let name: String
    /// What it decodes, in a few words.
    public let summary: String
    public let kind: Kind
    /// The width of the arguments it decodes: a 32-bit decoder reads only the low 32 bits of a
    /// value, so `AT_FDCWD` is named whether it arrives as `0xffffff9c` or sign-extended.
    public let width: ArgWidth
    public let radix: Radix
    /// Unnamed values are written as signed numbers (`-1`, not `0xffffffff`).
    public let isSigned: Bool
    /// The headers the values come from.
    public let headers: [String]
    /// For flags: the enumeration held in some of the bits.
    public let field: Field?
    /// Named values, in the order they are tried when describing (for flags: wider first).
    public let constants: [(name: String, value: UInt64)]
    /// Names accepted when parsing but never chosen when describing (`EWOULDBLOCK`, `O_NDELAY`).
    public let aliases: [(name: String, value: UInt64)]
    /// The first name of each value of `constants`, and every name's value: lookups in constant time.
    private let nameOfValue: [UInt64: String]
    private let valueOfName: [String: UInt64]

    public init(name: String, summary: String = "", kind: Kind, width: ArgWidth = .bits64,
                radix: Radix = .hex, isSigned: Bool = false, headers: [String] = [],
                field: Field? = nil, constants: [(name: String, value: UInt64)],
                aliases: [(name: String, value: UInt64)] = []) {
        self.name = name
        self.summary = summary
        self.kind = kind
        self.width = width
        self.radix = radix
        self.isSigned = isSigned
        self.headers = headers
        self.field = field
        self.constants = constants
        self.aliases = aliases
        var names: [UInt64: String] = [:]
        for c in constants where names[c.value] == nil { names[c.value] = c.name }
        nameOfValue = names
        var values: [String: UInt64] = [:]
        for c in (field?.constants ?? []) + constants + aliases where values[c.name] == nil {
            values[c.name] = c.value
        }
        valueOfName = values
    }

    public init(name: String, isFlags: Bool, constants: [(name: String, value: UInt64)]) {
        self.init(name: name, kind: isFlags ? .flags : .enumeration, constants: constants)
    }

    public static func == (a: ValueDecoder, b: ValueDecoder) -> Bool { a.name == b.name }
    public func hash(into h: inout Hasher) { h.combine(name) }
    public var description: String { name }

    /// True when values are OR-ed bits (flags) rather than one of a list (an enumeration).
    public var isFlags: Bool { kind == .flags }

    /// Every name this decoder knows with its value: the field's, the flags', the aliases.
    public var allConstants: [(name: String, value: UInt64)] {
        (field?.constants ?? []) + constants + aliases
    }

    /// Every constant name this decoder knows, aliases included.
    public var constantNames: [String] { allConstants.map(\.name) }

    /// A readable form of `value`: `O_RDWR|O_CLOEXEC`, `AF_INET`, `S_IFREG|0644`, unknown bits in
    /// hex (or in the decoder's radix).
    public func describe(_ value: UInt64) -> String {
        describe(value, width: width)
    }

    /// A readable form of `value` read at `width` rather than the decoder's own: a 64-bit
    /// argument (mprotect's `prot` is an `unsigned long`) shows bits above 32 as unknown bits.
    public func describe(_ value: UInt64, width: ArgWidth) -> String {
        let v = value & width.mask
        if kind == .enumeration {
            return nameOfValue[v] ?? number(v, width: width)
        }
        var rest = v
        var parts: [String] = []
        var fieldPart: String?
        if let field {
            let fv = rest & field.mask
            rest &= ~field.mask
            if let c = field.constants.first(where: { $0.value == fv }) {
                fieldPart = c.name
            } else if fv != 0 {
                fieldPart = number(fv, width: width)
            }
        }
        if let fieldPart, field?.isLast == false { parts.append(fieldPart) }
        for c in constants where c.value != 0 && rest & c.value == c.value {
            parts.append(c.name)
            rest &= ~c.value
        }
        if rest != 0 { parts.append(number(rest, width: width)) }
        if let fieldPart, field?.isLast == true { parts.append(fieldPart) }
        if parts.isEmpty {
            return nameOfValue[0] ?? "0"
        }
        return parts.joined(separator: "|")
    }

    /// The value of one constant name this decoder knows (aliases included).
    public func value(named name: String) -> UInt64? { valueOfName[name] }

    /// The value of `O_RDWR|O_CLOEXEC`, `AF_INET`, `0644`, `0x10`, `-100`: names of this decoder
    /// and numbers (decimal, `0x` hex, `0` octal, negative decimal as the decoder's width in two's
    /// complement), joined by `|`.
    public func parse(_ text: String) throws(ConstantError) -> UInt64 {
        try parseConstantExpression(text, width: width, decoder: name, lookup: value(named:),
                                    candidates: { constantNames })
    }

    /// The names of this decoder closest to a misspelt one, best first.
    public func closestNames(to name: String, limit: Int = 3) -> [String] {
        closestMatches(to: name, in: constantNames, limit: limit)
    }

    /// `value` written in the decoder's radix: `0x1f`, `17`, `-100`, `0644`.
    func number(_ value: UInt64, width: ArgWidth) -> String {
        switch radix {
        case .hex:
            return "0x" + String(value, radix: 16)
        case .octal:
            return value == 0 ? "0" : "0" + String(value, radix: 8)
        case .decimal:
            guard isSigned else { return String(value) }
            return width == .bits32 ? String(Int32(truncatingIfNeeded: value))
                                    : String(Int64(bitPattern: value))
        }
    }
}

/// A constant expression that could not be read.
public enum ConstantError: Error, Equatable, CustomStringConvertible {
    /// A name no decoder (or not the one asked) knows, with the closest known names.
    case unknownName(String, decoder: String?, suggestions: [String])
    /// A token that looks like a number but is not one (`0x`, `09`, `12ab`) or does not fit.
    case badNumber(String)
    /// Nothing between two `|` or at an end.
    case empty

    public var description: String {
        switch self {
        case let .unknownName(name, decoder, suggestions):
            var s = "unknown constant '\(name)'"
            if let decoder { s += " for \(decoder)" }
            if !suggestions.isEmpty {
                s += "; did you mean " + suggestions.map { "'\($0)'" }.joined(separator: " or ") + "?"
            }
            return s
        case let .badNumber(token):
            return "'\(token)' is not a number (decimal, 0x hex or 0 octal) that fits 64 bits"
        case .empty:
            return "expected a constant name or a number"
        }
    }
}

/// Reads `A|B|0x10`: each token a name `lookup` knows or a number; the result ORs them.
func parseConstantExpression(_ text: String, width: ArgWidth, decoder: String?,
                             lookup: (String) -> UInt64?,
                             candidates: () -> [String]) throws(ConstantError) -> UInt64 {
    var result: UInt64 = 0
    for raw in text.split(separator: "|", omittingEmptySubsequences: false) {
        let token = raw.trimmingCharacters(in: .whitespaces)
        guard let first = token.first else { throw .empty }
        if first.isNumber || first == "-" || first == "+" {
            result |= try parseNumber(token, width: width)
        } else if let v = lookup(token) {
            result |= v
        } else {
            throw .unknownName(token, decoder: decoder,
                               suggestions: closestMatches(to: token, in: candidates()))
        }
    }
    return result
}

/// A C integer literal: decimal, `0x` hex, `0` octal, or a negative decimal (two's complement at
/// `width`, so `-100` is `0xffffff9c` for a 32-bit argument).
func parseNumber(_ token: String, width: ArgWidth) throws(ConstantError) -> UInt64 {
    var body = Substring(token)
    var negative = false
    if body.hasPrefix("-") { negative = true; body = body.dropFirst() }
    else if body.hasPrefix("+") { body = body.dropFirst() }
    let magnitude: UInt64?
    if body.hasPrefix("0x") || body.hasPrefix("0X") {
        magnitude = UInt64(body.dropFirst(2), radix: 16)
    } else if body.count > 1, body.hasPrefix("0") {
        magnitude = UInt64(body.dropFirst(), radix: 8)
    } else {
        magnitude = UInt64(body, radix: 10)
    }
    guard let m = magnitude, !body.isEmpty else { throw .badNumber(token) }
    guard negative else { return m }
    switch width {
    case .bits32:
        guard m <= 1 << 31 else { throw .badNumber(token) }
        return UInt64(UInt32(truncatingIfNeeded: 0 &- m))
    case .bits64:
        guard m <= 1 << 63 else { throw .badNumber(token) }
        return 0 &- m
    }
}
