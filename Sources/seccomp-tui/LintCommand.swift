import ArgumentParser
import Foundation
import PolicyModel
import TUI

extension LintLevel: ExpressibleByArgument {}

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint", abstract: "Warn about dangerous allowances and pitfalls of a policy; score its exposure.",
        discussion: """
            Prints each warning with its level, the reason and the fix, then the exposure score \
            (0 tight, 10 open; the table is in docs/review.md). Exit status 1 when a warning is \
            at or above --fail-on, 2 on an error, 0 otherwise. `--explain NAME` explains one \
            warning (`--explain list` names them all, `--explain exposure` shows the score's table).
            """)

    @Argument(help: "The policy: OCI JSON or a text policy (.policy; other names are read by content).")
    var policy: String?

    @Option(help: "Exit 1 when a warning is at this level or above: info, low, medium, high.")
    var failOn: LintLevel?

    @Option(help: "Explain one warning by its name, instead of linting.")
    var explain: String?

    func validate() throws {
        if explain == nil && policy == nil { throw ValidationError("give a POLICY to lint, or --explain NAME") }
    }

    func run() throws {
        if let explain {
            guard let text = Lint.explanation(of: explain) else {
                throw ValidationError("no warning is called '\(explain)'; the warnings are: "
                    + LintCatalog.all.map(\.name).joined(separator: ", "))
            }
            print(text)
            return
        }
        guard let policy else { return }
        let lint: PolicyLint
        do {
            lint = try PolicyLint(policy: try PolicyIO.load(path: policy))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        for line in Lint.report(lint) { print(line) }
        if let failOn, let highest = lint.highestLevel, highest >= failOn { throw ExitCode(1) }
    }

    /// The warnings, each with its reason and fix, then the score.
    static func report(_ lint: PolicyLint) -> [String] {
        var out: [String] = []
        for w in lint.warnings {
            let place = w.arches.isEmpty ? "" : " [\(w.arches.map(\.rawValue).joined(separator: ", "))]"
            out.append("\(w.check.level.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(w.check.name)\(place): \(w.detail)")
            out.append("       fix: " + w.check.fix.replacingOccurrences(of: "NAME", with: w.syscall ?? "NAME"))
        }
        if lint.warnings.isEmpty { out.append("no warnings") }
        let contributing = ExposureTable.items.filter { (lint.badness[$0.name] ?? 0) > 0 }.map { item -> String in
            let b = lint.badness[item.name]!
            return b == 1 ? item.name : "\(item.name) \(String(format: "%.2f", b))"
        }
        out.append("exposure: \(String(format: "%.1f", lint.exposure))/10"
            + (contributing.isEmpty ? "" : " (\(contributing.joined(separator: ", ")))"))
        return out
    }

    /// `--explain NAME`: a check, or `list`.
    static func explanation(of name: String) -> String? {
        if name == "exposure" {
            return "The exposure score is 10 × Σ weight × badness / Σ weight over this table:\n\n" + ExposureTable.markdown()
        }
        if name == "list" {
            return LintCatalog.all.map { "\($0.name) (\($0.level.rawValue)): \($0.title)" }.joined(separator: "\n")
        }
        guard let c = LintCatalog.check(named: name) else { return nil }
        var text = "\(c.name) (\(c.level.rawValue)): \(c.title)\n\n\(c.explanation)\n\nFix: \(c.fix)"
        if c == LintCatalog.dangerousSyscall {
            text += "\n\nThe syscalls this covers:\n" + LintCatalog.dangerousSyscalls.map { "  \($0.name): \($0.reason)" }
                .joined(separator: "\n")
        }
        if let item = ExposureTable.item(named: c.name) {
            text += "\n\nExposure weight: \(Int(item.weight)) (\(item.measures))"
        }
        return text
    }
}
