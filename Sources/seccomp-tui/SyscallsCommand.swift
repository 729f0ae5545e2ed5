import ArgumentParser
import PolicyModel

struct Syscalls: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syscalls",
        abstract: "Show the syscall table, like scmp_sys_resolver, with signatures.",
        discussion: """
            Without an argument, lists every syscall of the architecture as `number  signature`, \
            sorted by number. With a name, prints its number and its arguments (width, pointer, \
            path); with a number, the syscall that has it. With --groups, lists the syscall \
            groups (@basic-io, @file-system, @mount, ...) with their members; a group name \
            prints its members, a syscall name with --groups the groups it is in.
            """)

    @Option(help: "Architecture: x86_64, x32, i386 (x86) or aarch64 (arm64). Default: the host's.")
    var arch: String?

    @Argument(help: "A syscall name, a number (decimal or 0x hex), or a group name (@mount).")
    var syscall: String?

    @Flag(help: "List the syscall groups with their members (with a syscall name: its groups).")
    var groups = false

    func run() throws {
        print(try output(), terminator: "")
    }

    /// What `run` prints.
    func output(table: SyscallTable = .shared) throws -> String {
        let arch = try SyscallsReport.architecture(named: self.arch)
        if groups || syscall?.hasPrefix("@") == true {
            guard let query = syscall else { return SyscallGroupsReport.list(arch: arch) }
            return try SyscallGroupsReport.describe(query, arch: arch, table: table)
        }
        guard let query = syscall else { return SyscallsReport.list(arch: arch, table: table) }
        return try SyscallsReport.describe(query, arch: arch, table: table)
    }
}

struct SyscallsError: Error, CustomStringConvertible {
    var description: String
}

/// The text of the `syscalls` command.
enum SyscallsReport {
    static let archNames = "x86_64, x32, i386 (or x86), aarch64 (or arm64)"

    static func architecture(named name: String?) throws -> Arch {
        guard let name else { return .host }
        guard let arch = Arch(name: name) else {
            throw SyscallsError(description: "unknown architecture '\(name)'; valid: \(archNames)")
        }
        return arch
    }

    /// `number  name(signature)` per syscall of `arch`, by number.
    static func list(arch: Arch, table: SyscallTable) -> String {
        let definitions = table.definitions(for: arch)
        let width = definitions.map { String($0.numbers[arch]!).count }.max() ?? 0
        return definitions.map { d in
            pad(String(d.numbers[arch]!), width, right: true) + "  " + d.signature + "\n"
        }.joined()
    }

    /// A name or a number, described on `arch`.
    static func describe(_ query: String, arch: Arch, table: SyscallTable) throws -> String {
        if let number = parseNumber(query) {
            guard let d = table.definition(number: number, arch: arch) else {
                throw SyscallsError(description: "no syscall has number \(query) on \(arch)")
            }
            return details(d, arch: arch, table: table)
        }
        if looksNumeric(query) {
            throw SyscallsError(description: "'\(query)' is not a syscall number: expected a decimal from "
                                + "\(Int32.min) to \(Int32.max) or a hex number 0x0 to 0xffffffff")
        }
        guard let d = table.definition(named: query) else {
            if table.otherArchitectureNames.contains(query) {
                throw SyscallsError(description:
                    "'\(query)' is a syscall of an architecture this table does not cover (\(archNames))")
            }
            let close = table.closestNames(to: query)
            let hint = close.isEmpty ? "" : "; closest: " + close.joined(separator: ", ")
            throw SyscallsError(description: "unknown syscall '\(query)'\(hint)")
        }
        guard d.numbers[arch] != nil else {
            let elsewhere = d.numbers.keys.sorted().map(\.rawValue).joined(separator: ", ")
            throw SyscallsError(description: "'\(query)' does not exist on \(arch) (only on \(elsewhere))")
        }
        return details(d, arch: arch, table: table)
    }

    /// Name, number, signature, one line per argument, and the numbers on other architectures.
    static func details(_ d: SyscallDefinition, arch: Arch, table: SyscallTable) -> String {
        var out = "\(d.name)  \(d.numbers[arch]!)  (\(arch))\n"
        out += "  \(d.signature)\n"
        let nameWidth = d.arguments.map(\.name.count).max() ?? 0
        let typeWidth = d.arguments.map(\.cType.count).max() ?? 0
        for (i, a) in d.arguments.enumerated() {
            var line = "  arg\(i)  " + pad(a.name, nameWidth) + "  " + pad(a.cType, typeWidth)
            line += "  \(a.width.rawValue)-bit"
            if a.isPointer { line += "  pointer" }
            if a.isPath { line += "  path" }
            out += line + "\n"
        }
        if d.arguments.isEmpty { out += "  no arguments\n" }
        let decoded = ArgumentDecoders.decodedArguments(of: d.name).filter { $0 < d.arguments.count }
        if !decoded.isEmpty {
            out += "  values: " + decoded.map { i in
                let names = ArgumentDecoders.decoders(syscall: d.name, argument: i).map(\.name)
                return "\(d.arguments[i].name) " + names.joined(separator: "/")
            }.joined(separator: ", ") + "\n"
        }
        let groups = SyscallGroups.groups(of: d.name)
        if !groups.isEmpty { out += "  groups: " + groups.joined(separator: " ") + "\n" }
        let others = d.numbers.filter { $0.key != arch }.sorted { $0.key < $1.key }
        if !others.isEmpty {
            out += "  also: " + others.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        return out
    }

    /// A decimal or `0x` hexadecimal syscall number.
    static func parseNumber(_ text: String) -> Int32? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            return UInt32(text.dropFirst(2), radix: 16).map { Int32(bitPattern: $0) }
        }
        return text.first.map { $0.isNumber || $0 == "-" } == true ? Int32(text) : nil
    }

    /// Whether `text` is written as a number (so an unknown-name error would mislead).
    static func looksNumeric(_ text: String) -> Bool {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return true }
        let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        return body.first.map { $0.isASCII && $0.isNumber } == true
    }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }
}
