import Foundation
import Glibc
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// A policy generated from a recording, compiled to raw BPF and enforced by bubblewrap
/// (`bwrap --seccomp FD`), lets the same command give the same output; without the rules it
/// depends on, the command fails: the filter is really in force.
@Suite(.serialized, .requires(Requirement.bwrap)) struct GeneratedPolicyTests {
    static let script = "seq 2000 | sort -rn | tail -3; printf 'x\\ny\\n' | wc -l"

    func runUnderBwrap(_ filter: [SockFilter], dir: String, name: String) throws -> (status: Int32, out: String) {
        let bpf = dir + "/\(name).bpf", out = dir + "/\(name).out"
        try Data(SockFilter.bytes(of: filter)).write(to: URL(fileURLWithPath: bpf))
        let status = try TraceHelpers.spawnUntraced([
            "sh", "-c", "exec bwrap --dev-bind / / --seccomp 9 -- sh -c \"$1\" 9<\"$0\" >\"$2\" 2>&1", bpf, Self.script, out,
        ])
        return (status, try String(contentsOfFile: out, encoding: .utf8))
    }

    @Test("a generated policy run under bwrap --seccomp gives the same output; removing a needed rule breaks it")
    func bwrapSameOutput() throws {
        let dir = try TestScratch.directory("bwrap").path
        try TraceHelpers.spawnUntraced(["sh", "-c", "sh -c \"$0\" > \"$1\"", Self.script, dir + "/plain.out"])
        let expected = try String(contentsOfFile: dir + "/plain.out", encoding: .utf8)
        #expect(expected == "3\n2\n1\n2\n")

        var profile = Profile()
        let (events, end) = try TraceHelpers.trace(.spawn(command: ["sh", "-c", "sh -c \"$0\" >/dev/null", Self.script]))
        #expect(end == .exited(0))
        profile.add(events)
        for options in [PolicyGeneration.Options(), PolicyGeneration.Options(argumentRules: .safe)] {
            let generated = PolicyGeneration.policy(from: [profile], options: options)
            #expect(generated.unnamed.isEmpty)
            let confined = try runUnderBwrap(try BPFCompiler.compile(generated.policy), dir: dir, name: "allowed-\(options.argumentRules)")
            #expect(confined.status == 0)
            #expect(confined.out == expected)
        }

        var broken = PolicyGeneration.policy(from: [profile]).policy
        broken.rules.removeAll { $0.syscall == "pipe2" || $0.syscall == "pipe" }
        let denied = try runUnderBwrap(try BPFCompiler.compile(broken), dir: dir, name: "denied")
        #expect(denied.out != expected)
    }
}
