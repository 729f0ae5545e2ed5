import ArgumentParser

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lint")
}
