import ArgumentParser
import Foundation
import PolicyModel
import TUI

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "List the recorded calls a policy would refuse.",
        discussion: """
            Prints each recorded syscall, or argument pattern, that POLICY would refuse (any action \
            but allow and log), with its count, most frequent first. Exit status 1 when anything \
            would be refused, or could not be checked because the profile did not keep the calls \
            whose arguments decide; 0 otherwise. Then, per syscall, how many of the calls seen it \
            refuses (x86_64: refuses 67 of 101 newfstatat calls seen (errno 1)).
            """)

    @Option(help: "The policy: OCI JSON, or a text policy (.policy; other names are read by content).")
    var policy: String

    @Argument(help: "Profiles recorded with `record` (merged).")
    var profiles: [String]

    func validate() throws {
        if profiles.isEmpty { throw ValidationError("give at least one PROFILE.json") }
    }

    func run() throws {
        let p = try PolicyIO.load(path: policy)
        let merged = try Check.loadProfiles(profiles)
        let result = PolicyCheck(policy: p, profile: merged)
        for line in result.lines() { print(line) }
        for impact in result.impacts(profile: merged) {
            print("\(impact.arch.rawValue): \(impact.sentence) (\(impact.actions.map(\.description).joined(separator: ", ")))")
        }
        if result.passes {
            print("\(policy): allows all \(result.checkedCalls) recorded calls")
        } else {
            throw ExitCode(1)
        }
    }

    /// Reads and merges profiles; errors name the file.
    static func loadProfiles(_ paths: [String]) throws -> Profile {
        var merged: Profile?
        for path in paths {
            let profile = try ProfileIO.load(path: path)
            if merged == nil { merged = profile } else { merged!.merge(profile) }
        }
        return merged ?? Profile()
    }
}
