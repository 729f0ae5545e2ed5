import ArgumentParser
import PolicyModel

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate a policy from one or more profiles.")
    func run() throws { throw NotYetBuilt(command: "generate") }
}
