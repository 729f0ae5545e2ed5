import Testing
@testable import seccomp_tui

@Suite struct CommandLineTests {
    @Test("the root command lists its subcommands in --help")
    func helpListsSubcommands() {
        let help = SeccompTUI.helpMessage()
        #expect(help.contains("syscalls"))
    }
}
