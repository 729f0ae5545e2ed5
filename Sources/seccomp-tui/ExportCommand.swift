import ArgumentParser
import PolicyModel

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Convert a policy to another format.")
    func run() throws { throw NotYetBuilt(command: "export") }
}
