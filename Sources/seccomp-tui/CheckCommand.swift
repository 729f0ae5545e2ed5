import ArgumentParser
import PolicyModel

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "List the recorded calls a policy would refuse.")
    func run() throws { throw NotYetBuilt(command: "check") }
}
