import ArgumentParser
import PolicyModel

struct Enforce: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enforce", abstract: "Run a program confined by a policy.")
    func run() throws { throw NotYetBuilt(command: "enforce") }
}
