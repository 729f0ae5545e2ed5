import ArgumentParser
import PolicyModel

@main
struct SeccompTUI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seccomp-tui",
        abstract: "Learn a seccomp policy by watching a program run, then enforce it.",
        version: "0.1.0",
        subcommands: [
            Learn.self, Open.self, Record.self, Generate.self, Merge.self, Export.self, Check.self,
            Enforce.self, Disasm.self, Inspect.self, Syscalls.self,
        ],
        defaultSubcommand: Learn.self
    )
}
