import ArgumentParser
import PolicyModel

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Merge profiles, or policies, into one.")
    func run() throws { throw NotYetBuilt(command: "merge") }
}
