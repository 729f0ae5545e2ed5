// Reads the syscall table that `scripts/gen-syscall-table` writes into
// `Generated/SyscallTable+Generated.swift` as text. The table is text, parsed once at first use,
// because the same data written as Swift initializers cost the optimizer minutes of a release
// build (BENCHMARKS.md, build time).

/// The generated syscall table's format, one syscall per line:
///
///     name|arch=number arch=number ...|argument;argument;...
///     argument = name[/alias...]:width:flag:C type    flag: - value, p pointer, P path
///
/// x32 numbers are `0x` hex, the others decimal. The text is the generator's output, never user
/// input: a line that does not parse is a bug in the generator and stops the program with its
/// line number.
enum SyscallTableText {
    static func definitions(_ text: String) -> [SyscallDefinition] {
        text.split(separator: "\n").enumerated().map { i, line in
            guard let d = definition(line) else {
                fatalError("generated syscall table, line \(i + 1): cannot read '\(line)'")
            }
            return d
        }
    }

    private static func definition(_ line: Substring) -> SyscallDefinition? {
        let f = line.split(separator: "|", omittingEmptySubsequences: false)
        guard f.count == 3, !f[0].isEmpty else { return nil }
        var numbers: [Arch: Int32] = [:]
        for entry in f[1].split(separator: " ") {
            let kv = entry.split(separator: "=")
            guard kv.count == 2, let arch = Arch(rawValue: String(kv[0])),
                  let nr = kv[1].hasPrefix("0x") ? Int32(kv[1].dropFirst(2), radix: 16) : Int32(kv[1])
            else { return nil }
            numbers[arch] = nr
        }
        var arguments: [SyscallArgument] = []
        for entry in f[2].split(separator: ";") {
            let a = entry.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard a.count == 4, let bits = Int(a[1]), let width = ArgWidth(rawValue: bits),
                  ["-", "p", "P"].contains(a[2]) else { return nil }
            let names = a[0].split(separator: "/").map(String.init)
            guard let name = names.first else { return nil }
            arguments.append(SyscallArgument(name: name, cType: String(a[3]), width: width,
                                             isPointer: a[2] != "-", isPath: a[2] == "P",
                                             aliases: Array(names.dropFirst())))
        }
        return SyscallDefinition(name: String(f[0]), numbers: numbers, arguments: arguments)
    }
}
