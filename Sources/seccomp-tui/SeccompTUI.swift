import ArgumentParser
import PolicyModel
import TraceCapture

@main
struct SeccompTUI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seccomp-tui",
        abstract: "Learn a seccomp policy by watching a program run, then enforce it.",
        version: "0.1.0",
        subcommands: [
            Learn.self, Open.self, Record.self, Generate.self, Merge.self, Export.self, Check.self,
            Enforce.self, Disasm.self, Inspect.self, Syscalls.self, Diff.self, Lint.self, Hook.self,
        ],
        defaultSubcommand: Learn.self
    )

    static func main() {
        if tracesWithPerf(Array(CommandLine.arguments.dropFirst())) { TraceBackends.warmUpPerf() }
        main(nil)
    }

    /// Whether `arguments` look like a trace that may use the perf backend (`record`, `learn`
    /// or the default command, without `--backend ptrace`, help or version): then the perf set-up
    /// is started before the arguments are even parsed. A wrong guess costs one event opened and
    /// closed.
    static func tracesWithPerf(_ arguments: [String]) -> Bool {
        let options = arguments.prefix { $0 != "--" }
        let names = Set(configuration.subcommands.compactMap { $0.configuration.commandName })
        let tracing: Set = [Record.configuration.commandName, Learn.configuration.commandName]
        if let first = options.first, names.contains(first), !tracing.contains(first) {
            return false
        }
        for (i, a) in options.enumerated() {
            if ["-h", "--help", "--version", "help", "--backend=ptrace"].contains(a) { return false }
            if a == "--backend", i + 1 < options.count, options[options.startIndex + i + 1] == "ptrace" { return false }
        }
        return true
    }
}
