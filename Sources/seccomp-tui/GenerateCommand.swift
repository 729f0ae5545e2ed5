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
            \(PolicyMaker.implicitNames.filter { $0 != "sigreturn" }.joined(separator: ", ")) (and \
            sigreturn on i386): a program makes them at its end, after signals or when a stopped \
            call resumes, which a trace may miss, and denying them kills it (a policy without exit \
            kills every thread as it ends). With several profiles it prints what each added.
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

    @Option(help: ArgumentHelp("Also allow what this container runtime's init calls after installing the filter "
                + "(none, runc, crun): the calls recorded by 'seccomp-tui hook' when the profiles have them, "
                + "else the measured list (see docs/runtimes.md)."))
    var runtime: ContainerRuntime = .none

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
        // A call left out for want of its architecture may be one the program needs, and guessing
        // would allow a call never made.
        for (path, p) in zip(profiles, loaded) where p.metadata.unknownArchitectureCalls > 0 {
            throw FileError(path: path, reason: "\(p.metadata.unknownArchitectureCalls) calls were left out of this "
                + "profile: the \(p.metadata.backend) backend could not tell whether they were i386 or x86_64 calls; "
                + "record it again with --backend ptrace")
        }
        let options = PolicyGeneration.Options(defaultAction: try Self.parseAction(defaultAction),
                                               argumentRules: PolicyGeneration.ArgumentRules(rawValue: argRules) ?? .none)
        var result = PolicyGeneration.policy(from: loaded, options: options)
        ProfileIO.printConvergence(loaded, names: profiles)
        for name in result.unnamed {
            FileHandle.standardError.write(Data("warning: syscall \(name) has no name in the syscall table; it stays denied\n".utf8))
        }
        for note in try Self.addRuntime(runtime, recordedIn: loaded, to: &result.policy) {
            FileHandle.standardError.write(Data("note: \(note)\n".utf8))
        }
        let format = PolicyFormat(path: output) ?? .oci
        try AtomicFile.write(try PolicyIO.encode(result.policy, as: format, source: profiles.joined(separator: " "),
                                                 naming: output), to: output)
    }

    /// Allows the runtime's calls after the filter point: those `seccomp-tui hook` recorded in
    /// `profiles` when there are any (no hand-kept list needed), else `runtime`'s measured list.
    /// Returns the notes to print.
    static func addRuntime(_ runtime: ContainerRuntime, recordedIn profiles: [Profile], to policy: inout Policy)
        throws -> [String] {
        let recorded = profiles.reduce(into: [Arch: Set<String>]()) { all, p in
            all.merge(p.metadata.runtimeSyscalls) { $0.union($1) }
        }
        let names = Set(recorded.values.joined()).sorted()
        guard runtime != .none else {
            return names.isEmpty ? [] : ["the profiles hold \(names.count) calls a container runtime's init made "
                + "under the filter (\(names.joined(separator: " "))): give --runtime to allow them, or the container "
                + "will not start"]
        }
        if names.isEmpty {
            let (p, notes) = try policy.adding(runtime: runtime)
            policy = p
            return notes
        }
        var notes = names.filter { n in !recorded.keys.contains { SyscallTable.shared.number(of: n, arch: $0) != nil } }
            .map { "\($0) (recorded for the runtime) has no number in the syscall table; it stays denied" }
        let (p, added) = policy.adding(runtimeSyscalls: names, of: "\(runtime.rawValue) (as recorded)")
        policy = p
        notes += added
        return notes
    }
}
