import ArgumentParser
import PolicyModel

struct Syscalls: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syscalls", abstract: "Show the syscall table, like scmp_sys_resolver, with signatures.")
    func run() throws {}
}
