import ArgumentParser
import Foundation
import PolicyModel
import TUI

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate a policy from one or more profiles.",
        discussion: """
            The policy allows every syscall seen in the profiles, on the architectures they were \
            seen on, and denies everything else with the default action. It always allows \
            \(PolicyGeneration.implicitSyscalls.joined(separator: ", ")): a program makes them \
            at its end or after signals, which a trace may miss, and denying them kills it \
            (a policy without exit kills every thread as it ends).
            The output format follows the file name: .json OCI, .policy text, .bpf raw BPF, .h C \
            (any other name: OCI JSON). Convert it later with 'export'.

            Example:
              seccomp-tui record -o run1.json -- ./server --selftest
              seccomp-tui record -o run2.json -- ./server --port 8080
              seccomp-tui generate run1.json run2.json -o server.policy
            """)

    @Argument(help: "Profiles written by 'record'.")
    var profiles: [String]

    @Option(name: .shortAndLong, help: "The policy file to write.")
    var output: String

    @Option(help: "What unseen syscalls get: errno [NAME|N] (default errno EPERM), kill, kill-thread, trap, log.")
    var defaultAction: String = "errno EPERM"

    @Option(help: "Argument conditions: none, or safe (\(PolicyGeneration.safeArguments.map { "\($0.syscall) \($0.argument)" }.joined(separator: ", ")), when they took few distinct values).")
    var argRules: String = "none"

    func validate() throws {
        if profiles.isEmpty { throw ValidationError("give at least one profile") }
        if PolicyGeneration.ArgumentRules(rawValue: argRules) == nil {
            throw ValidationError("--arg-rules must be none or safe, not '\(argRules)'")
        }
        _ = try Self.parseAction(defaultAction)
    }

    /// An action written as in the text policy language (`errno EPERM`, `kill`, ...).
    static func parseAction(_ text: String) throws -> Action {
        let words = text.replacingOccurrences(of: ":", with: " ")
        let full = words.split(separator: " ") == ["errno"] ? "errno EPERM" : words
        do {
            return try TextPolicy.parse("@default \(full)\n", file: "--default-action").policy.defaultAction
        } catch {
            throw ValidationError("--default-action '\(text)': \(error)")
        }
    }

    func run() throws {
        let loaded = try profiles.map(ProfileIO.load(path:))
        let options = PolicyGeneration.Options(defaultAction: try Self.parseAction(defaultAction),
                                               argumentRules: PolicyGeneration.ArgumentRules(rawValue: argRules) ?? .none)
        let result = PolicyGeneration.policy(from: loaded, options: options)
        for name in result.unnamed {
            FileHandle.standardError.write(Data("warning: syscall \(name) has no name in the syscall table; it stays denied\n".utf8))
        }
        let format = PolicyFormat(path: output) ?? .oci
        try AtomicFile.write(try PolicyIO.encode(result.policy, as: format, source: profiles.joined(separator: " "),
                                                 naming: output), to: output)
    }
}
