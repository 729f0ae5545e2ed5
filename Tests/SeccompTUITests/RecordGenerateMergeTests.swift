import ArgumentParser
import Foundation
import PolicyModel
import Testing
@testable import seccomp_tui
import TestScratch

@Suite(.serialized) struct RecordGenerateMergeTests {
    func tempDir() throws -> String {
        let path = TestScratch.root.path + "/seccomp-tui-cmd-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("record writes a profile and exits with the command's status")
    func record() throws {
        let dir = try tempDir()
        let cmd = try Record.parse(["-o", dir + "/p.json", "--backend", "ptrace", "--", "sh", "-c", "exec 3</etc/hostname; exit 3"])
        #expect(throws: ExitCode(3)) { try cmd.run() }
        let profile = try ProfileIO.load(path: dir + "/p.json")
        #expect(profile.metadata.exitCode == 3)
        #expect(profile.metadata.command == ["sh", "-c", "exec 3</etc/hostname; exit 3"])
        #expect(profile.metadata.backend == "ptrace")
        #expect(profile.syscall(named: "execve", arch: .x86_64)?.count == 1)
        let openat = try #require(profile.syscall(named: "openat", arch: .x86_64))
        #expect(openat.paths[1]?.counts["/etc/hostname"] == 1)
        let killed = try Record.parse(["--", "sh", "-c", "kill -KILL $$"])
        #expect(throws: ExitCode(128 + 9)) { try killed.run() }
    }

    @Test("record exits 127 for a command that does not exist and 126 for one that cannot be executed, as a shell does")
    func recordExecFailure() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for backend in ["ptrace", "perf"] {
            let missing = try EnforceTestSupport.run([try EnforceTestSupport.binary(), "record", "--backend", backend, "--",
                                                      dir + "/missing"])
            #expect(missing.status == 127, "\(backend): \(missing.stderr)")
            #expect(missing.stderr.contains("cannot run '\(dir)/missing': no such file or directory"), "\(missing.stderr)")
        }
        try "not a program".write(toFile: dir + "/data", atomically: true, encoding: .utf8)
        let data = try EnforceTestSupport.run([try EnforceTestSupport.binary(), "record", "--backend", "ptrace", "--",
                                               dir + "/data"])
        #expect(data.status == 126, "\(data.stderr)")
    }

    @Test("record refuses a command together with -p, and neither")
    func recordValidation() {
        #expect(throws: (any Error).self) { try Record.parse(["-p", "1", "--", "true"]) }
        #expect(throws: (any Error).self) { try Record.parse([]) }
        #expect(Record.helpMessage().contains("setuid"))
    }

    @Test("generate and merge: profiles add up, policies unite, kinds do not mix")
    func generateMerge() throws {
        let dir = try tempDir()
        #expect(throws: ExitCode.self) { try Record.parse(["-o", dir + "/a.json", "--", "sh", "-c", "exit 1"]).run() }
        try Record.parse(["-o", dir + "/b.json", "--", "sh", "-c", "echo hi >/dev/null"]).run()
        try Merge.parse([dir + "/a.json", dir + "/b.json", "-o", dir + "/ab.json"]).run()
        let a = try ProfileIO.load(path: dir + "/a.json"), b = try ProfileIO.load(path: dir + "/b.json")
        let ab = try ProfileIO.load(path: dir + "/ab.json")
        #expect(ab.metadata.totalCalls == a.metadata.totalCalls + b.metadata.totalCalls)
        #expect(ab.metadata.traces == 2)

        try Generate.parse([dir + "/ab.json", "-o", dir + "/p.json", "--default-action", "kill"]).run()
        try Generate.parse([dir + "/a.json", "-o", dir + "/q.policy", "--arg-rules", "safe"]).run()
        let p = try PolicyIO.load(path: dir + "/p.json")
        #expect(p.defaultAction == .killProcess)
        #expect(Set(p.syscallNames) == Set(ab.names()).union(PolicyMaker.implicitNames.filter { $0 != "sigreturn" }))
        try Merge.parse([dir + "/p.json", dir + "/q.policy", "-o", dir + "/u.policy"]).run()
        let u = try PolicyIO.load(path: dir + "/u.policy")
        #expect(Set(u.syscallNames) == Set(p.syscallNames))
        #expect(throws: (any Error).self) { try Merge.parse([dir + "/a.json", dir + "/p.json", "-o", dir + "/x.json"]).run() }
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.json"))
        #expect(throws: (any Error).self) { try Generate.parse([dir + "/a.json", "-o", dir + "/y.json", "--default-action", "nope"]).run() }
    }
}
