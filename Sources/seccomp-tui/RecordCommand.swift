import ArgumentParser
import PolicyModel

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Record a program's syscalls headless into a profile.")
    func run() throws { throw NotYetBuilt(command: "record") }
}
