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
            var merged = try ProfileIO.load(path: inputs[0])
            for path in inputs.dropFirst() { merged.merge(try ProfileIO.load(path: path)) }
            try AtomicFile.write(merged.encodeJSON(), to: output)
        } else if kinds.allSatisfy({ !$0 }) {
            let policies = try inputs.map { try PolicyIO.load(path: $0) }
            let (policy, notes) = PolicyUnion.union(policies)
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
