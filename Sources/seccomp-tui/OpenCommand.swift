import ArgumentParser
import PolicyModel

struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Open a saved profile in the TUI.")
    func run() throws { throw NotYetBuilt(command: "open") }
}
