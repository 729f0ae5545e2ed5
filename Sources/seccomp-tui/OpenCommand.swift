import ArgumentParser
import PolicyModel
import TUI
import CursesTerminal

struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Open a saved profile in the TUI.",
        discussion: "Example: seccomp-tui open server-profile.json --policy server.json -o server.policy")

    @Argument(help: "A profile written by 'seccomp-tui record -o'.")
    var profile: String

    @Option(name: .long, help: "Show this policy's rules and highlight the recorded calls it would refuse.")
    var policy: String?

    @Option(name: .shortAndLong, help: "Save the policy here (format by extension: .json, .policy, .bpf, .h).")
    var output: String?

    @Flag(name: .long, help: "No colours, attributes only.")
    var monochrome = false

    @Option(name: .long, help: .hidden)
    var uiStats: String?

    func run() throws {
        if let output { try AtomicFile.checkWritable(output) }
        let stats = LiveStats(profile: try Self.readProfile(path: profile))
        let options = TUISession.Options(title: profile, outputPath: output, policyPath: policy, monochrome: monochrome,
                                         uiStatsPath: uiStats, makeDriver: CursesDriver.make)
        try TUISession.offline(stats, options: options)
    }

    /// Reads a profile file with the profile reader's size limit; errors name the file.
    static func readProfile(path: String) throws -> Profile {
        try ProfileIO.load(path: path)
    }
}
