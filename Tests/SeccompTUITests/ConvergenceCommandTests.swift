import Foundation
import PolicyModel
import Testing
import TUI
import TestSupport

/// `record --runs N` and several profiles given to `merge` and `generate` say what each run
/// added, so a user sees when more runs stop teaching anything.
@Suite(.serialized, .requires(Requirement.ptrace)) struct ConvergenceCommandTests {
    typealias S = EnforceTestSupport

    @Test("record --runs 3 merges three runs; a program that does the same each time teaches nothing new after run 1")
    func recordRuns() throws {
        let dir = try TestScratch.directory("converge-record")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("true.json").path
        let r = try S.seccompTUI(["record", "--runs", "3", "--backend", "ptrace", "-o", out, "--", "/bin/true"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("run ") }
        #expect(lines.count == 3, "\(r.stderr)")
        #expect(lines.first?.range(of: #"^run 1: \d+ syscalls, \d+ argument values$"#, options: .regularExpression) != nil,
                "\(lines)")
        #expect(Array(lines.dropFirst()) == ["run 2: nothing new", "run 3: nothing new"])
        #expect(try ProfileIO.load(path: out).metadata.traces == 3)
        #expect(try S.failure(["record", "--runs", "0", "--", "/bin/true"])?.contains("--runs takes a number above 0") == true)
    }

    @Test("merge and generate name what each profile added")
    func mergeAndGenerate() throws {
        let dir = try TestScratch.directory("converge-merge")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.json").path, b = dir.appendingPathComponent("b.json").path
        #expect(try S.failure(["record", "--backend", "ptrace", "-o", a, "--", "/bin/true"]) == nil)
        #expect(try S.failure(["record", "--backend", "ptrace", "-o", b, "--", "/bin/sh", "-c", "mkdir -p \(dir.path)/d"]) == nil)
        let merged = try S.seccompTUI(["merge", a, b, a, "-o", dir.appendingPathComponent("m.json").path])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stderr.contains("run 2 (\(b)): +"), "\(merged.stderr)")
        #expect(merged.stderr.contains("run 3 (\(a)): nothing new"), "\(merged.stderr)")
        let generated = try S.seccompTUI(["generate", a, b, "-o", dir.appendingPathComponent("p.json").path])
        #expect(generated.status == 0)
        #expect(generated.stderr.contains("run 2 (\(b)): +"), "\(generated.stderr)")
    }
}
