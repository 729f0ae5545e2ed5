import ArgumentParser
import PolicyModel

struct Disasm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disasm", abstract: "Disassemble a raw BPF seccomp filter.")
    func run() throws { throw NotYetBuilt(command: "disasm") }
}
