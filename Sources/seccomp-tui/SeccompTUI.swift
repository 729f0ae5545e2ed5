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
            Enforce.self, Ask.self, Disasm.self, Inspect.self, Syscalls.self, Diff.self, Lint.self, Hook.self,
        ],
        defaultSubcommand: Learn.self
    )

    /// Parses first; a trace that may use perf starts perf's set-up before it validates and runs.
    static func main() {
        do {
            var command = try parseAsRoot()
            if let learn = command as? Learn, learn.syntheticRate == nil, learn.trace.mayUsePerf {
                TraceBackends.warmUpPerf()
            } else if let record = command as? Record, record.trace.mayUsePerf {
                TraceBackends.warmUpPerf()
            }
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
