import ArgumentParser
import PolicyModel

struct Learn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn", abstract: "Trace a program (or attach to one) and learn its policy in the TUI.")
    func run() throws { throw NotYetBuilt(command: "learn") }
}
