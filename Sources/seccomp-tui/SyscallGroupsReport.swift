import PolicyModel

/// The text of `syscalls --groups`: the syscall groups (`@basic-io`, `@mount`, ...) and members.
enum SyscallGroupsReport {
    /// Every group: its name and summary, then its members on `arch`, wrapped to `width` columns.
    static func list(arch: Arch, width: Int = 100) -> String {
        SyscallGroups.names.map { name in
            let members = SyscallGroups.members(of: name, on: arch) ?? []
            let summary = SyscallGroups.summary(of: name) ?? ""
            return "\(name) (\(members.count)): \(summary)\n" + wrap(members, indent: 4, width: width)
        }.joined(separator: "\n")
    }

    /// One group's members on `arch` as `number  name` by name, or the groups of one syscall.
    static func describe(_ query: String, arch: Arch, table: SyscallTable = .shared) throws -> String {
        if query.hasPrefix("@") {
            guard let all = SyscallGroups.members(of: query) else {
                let close = SyscallGroups.closestNames(to: query)
                let hint = close.isEmpty ? "" : "; closest: " + close.joined(separator: ", ")
                throw SyscallsError(description: "unknown syscall group '\(query)'\(hint)")
            }
            let here = all.filter { table.number(of: $0, arch: arch) != nil }
            let numberWidth = here.map { String(table.number(of: $0, arch: arch)!).count }.max() ?? 0
            var out = "\(query): \(SyscallGroups.summary(of: query) ?? "")\n"
            for name in here {
                let number = String(table.number(of: name, arch: arch)!)
                out += String(repeating: " ", count: numberWidth - number.count) + number + "  " + name + "\n"
            }
            let elsewhere = all.filter { table.number(of: $0, arch: arch) == nil }
            if !elsewhere.isEmpty {
                out += "not on \(arch.rawValue):\n" + wrap(elsewhere, indent: 4, width: 100)
            }
            return out
        }
        guard table.definition(named: query) != nil || table.otherArchitectureNames.contains(query) else {
            let close = table.closestNames(to: query)
            let hint = close.isEmpty ? "" : "; closest: " + close.joined(separator: ", ")
            throw SyscallsError(description: "unknown syscall '\(query)'\(hint)")
        }
        let groups = SyscallGroups.groups(of: query)
        return "\(query): " + (groups.isEmpty ? "in no group" : groups.joined(separator: " ")) + "\n"
    }

    /// Names separated by spaces, lines of at most `width` columns, each indented.
    static func wrap(_ names: [String], indent: Int, width: Int) -> String {
        guard !names.isEmpty else { return "" }
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        var line = pad
        for name in names {
            if line.count > indent, line.count + 1 + name.count > width {
                lines.append(line)
                line = pad
            }
            line += (line.count > indent ? " " : "") + name
        }
        lines.append(line)
        return lines.joined(separator: "\n") + "\n"
    }
}
