import Testing

@Suite struct CommandLineTests {
    @Test("the root command lists its subcommands in --help")
    func helpListsSubcommands() throws {
        let help = try EnforceTestSupport.seccompTUI(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("syscalls"))
    }
}
