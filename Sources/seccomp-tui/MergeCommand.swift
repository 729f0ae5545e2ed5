import ArgumentParser
import Foundation
import PolicyModel
import TUI

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Merge profiles, or policies, into one.",
        discussion: """
            Profiles add up: counts, argument histograms and samples. Policies are united: every \
            rule of every input, all their architectures; where default actions differ the most \
            restrictive is kept. All inputs must be of one kind. A merged policy is written in \
            the format its file name says (.json OCI, .policy text, .bpf, .h; any other name: OCI JSON).
            With several inputs, what each adds to those before it is printed (run 3: +2 syscalls, \
            +5 argument values; run 4: nothing new), to see when more runs stop teaching anything.
            """)

    @Argument(help: "Profiles (from 'record') or policies.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "The file to write.")
    var output: String

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one input") }
    }

    func run() throws {
        let kinds = try inputs.map(ProfileIO.isProfile(path:))
        if kinds.allSatisfy({ $0 }) {
            let profiles = try inputs.map(ProfileIO.load(path:))
            var merged = profiles[0]
            for p in profiles.dropFirst() { merged.merge(p) }
            try AtomicFile.write(merged.encodeJSON(), to: output)
            ProfileIO.printConvergence(profiles, names: inputs)
        } else if kinds.allSatisfy({ !$0 }) {
            let policies = try inputs.map { try PolicyIO.load(path: $0) }
            let (policy, notes) = PolicyUnion.union(policies)
            if policies.count > 1 {
                var seen = Set<Rule>()
                let lines = zip(inputs, policies).enumerated().map { i, input in
                    let added = input.1.rules.filter { seen.insert($0).inserted }.count
                    return "run \(i + 1) (\(input.0)): " + (i == 0 ? "\(added) rules" : added == 0 ? "nothing new" : "+\(added) rules")
                }
                FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
            for n in notes { FileHandle.standardError.write(Data("warning: \(n)\n".utf8)) }
            for c in PolicyUnion.conflicts(policies) {
                let each = c.actions.map { "\(inputs[$0.input]) \($0.actions.map(\.description).joined(separator: ", "))" }
                FileHandle.standardError.write(Data(("warning: \(c.syscall): decided differently: "
                    + each.joined(separator: "; ") + "; the merged policy keeps every rule\n").utf8))
            }
            let format = PolicyFormat(path: output) ?? .oci
            try AtomicFile.write(try PolicyIO.encode(policy, as: format, source: inputs.joined(separator: " "),
                                                     naming: output), to: output)
        } else {
            // An input that is neither a profile nor a policy: its own error says what is wrong.
            for path in zip(inputs, kinds).filter({ !$0.1 }).map(\.0) { _ = try PolicyIO.load(path: path) }
            let profiles = zip(inputs, kinds).filter { $0.1 }.map(\.0)
            throw ValidationError("cannot merge profiles with policies (profiles: \(profiles.joined(separator: ", ")))")
        }
    }
}
