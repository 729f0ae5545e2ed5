extension Profile {
    /// A table like `strace -c`'s: calls, errors (a column only when returns were recorded) and
    /// the syscall, most called first, with a total line. Architectures other than the first seen
    /// are marked after the name (`read [i386]`).
    public func summaryTable() -> String {
        let primary = syscalls.first?.arch
        let rows = syscalls.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
        let anyReturns = syscalls.contains { $0.returns.returned > 0 }
        func line(_ calls: String, _ errors: String, _ name: String) -> String {
            String(repeating: " ", count: max(0, 9 - calls.count)) + calls + " "
                + (anyReturns ? String(repeating: " ", count: max(0, 9 - errors.count)) + errors + " " : "") + name
        }
        let rule = line("---------", "---------", "----------------")
        var out = [line("calls", "errors", "syscall"), rule]
        for s in rows {
            let errors = anyReturns && s.returns.errors > 0 ? "\(s.returns.errors)" : ""
            let name = s.arch == primary ? s.name : "\(s.name) [\(s.arch.rawValue)]"
            out.append(line("\(s.count)", errors, name))
        }
        out.append(rule)
        let totalErrors = syscalls.reduce(UInt64(0)) { $0 + $1.returns.errors }
        out.append(line("\(syscalls.reduce(UInt64(0)) { $0 + $1.count })", anyReturns ? "\(totalErrors)" : "", "total"))
        return out.joined(separator: "\n") + "\n"
    }
}
