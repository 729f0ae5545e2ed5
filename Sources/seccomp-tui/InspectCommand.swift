import ArgumentParser
import PolicyModel

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show the seccomp filters installed in a process.")
    func run() throws { throw NotYetBuilt(command: "inspect") }
}
