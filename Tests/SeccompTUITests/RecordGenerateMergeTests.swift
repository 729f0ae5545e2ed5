import Foundation
import PolicyModel
import Testing
import TUI
import TestSupport

@Suite(.serialized, .requires(Requirement.ptrace)) struct RecordGenerateMergeTests {
    func tempDir() throws -> String {
        let path = TestScratch.root.path + "/seccomp-tui-cmd-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func seccompTUI(_ arguments: [String]) throws -> ProcessOutput {
        try EnforceTestSupport.seccompTUI(arguments)
    }

    @Test("record writes a profile and exits with the command's status")
    func record() throws {
        let dir = try tempDir()
        let recorded = try seccompTUI(["record", "-o", dir + "/p.json", "--backend", "ptrace", "--", "sh", "-c",
                                            "exec 3</etc/hostname; exit 3"])
        #expect(recorded.status == 3, "\(recorded.stderr)")
        let profile = try ProfileIO.load(path: dir + "/p.json")
        #expect(profile.metadata.exitCode == 3)
        #expect(profile.metadata.command == ["sh", "-c", "exec 3</etc/hostname; exit 3"])
        #expect(profile.metadata.backend == "ptrace")
        #expect(profile.syscall(named: "execve", arch: .x86_64)?.count == 1)
        let openat = try #require(profile.syscall(named: "openat", arch: .x86_64))
        #expect(openat.paths[1]?.counts["/etc/hostname"] == 1)
        #expect(try seccompTUI(["record", "--", "sh", "-c", "kill -KILL $$"]).status == 128 + 9)
    }

    @Test("record exits 127 for a command that does not exist and 126 for one that cannot be executed, as a shell does")
    func recordExecFailure() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for backend in ["ptrace", "perf"] {
            let missing = try ProcessRunner.run([try SeccompTUIBinary.path(), "record", "--backend", backend, "--",
                                                      dir + "/missing"])
            #expect(missing.status == 127, "\(backend): \(missing.stderr)")
            #expect(missing.stderr.contains("cannot run '\(dir)/missing': no such file or directory"), "\(missing.stderr)")
        }
        try "not a program".write(toFile: dir + "/data", atomically: true, encoding: .utf8)
        let data = try ProcessRunner.run([try SeccompTUIBinary.path(), "record", "--backend", "ptrace", "--",
                                               dir + "/data"])
        #expect(data.status == 126, "\(data.stderr)")
    }

    @Test("record refuses two of a command, -p and --container, and none")
    func recordValidation() throws {
        #expect(try EnforceTestSupport.failure(["record", "-p", "1", "--", "true"]) == "give one of -p PID, --container NAME or a command after --")
        #expect(try EnforceTestSupport.failure(["record", "-p", "1", "--container", "web"]) == "give one of -p PID, --container NAME or a command after --")
        #expect(try EnforceTestSupport.failure(["record"]) == "nothing to trace: give a command after -- (seccomp-tui -- CMD), -p PID or --container NAME")
        #expect(try seccompTUI(["record", "--help"]).stdout.contains("setuid"))
    }

    @Test("generate and merge: profiles add up, policies unite, kinds do not mix")
    func generateMerge() throws {
        let dir = try tempDir()
        #expect(try seccompTUI(["record", "-o", dir + "/a.json", "--", "sh", "-c", "exit 1"]).status == 1)
        #expect(try EnforceTestSupport.failure(["record", "-o", dir + "/b.json", "--", "sh", "-c", "echo hi >/dev/null"]) == nil)
        #expect(try EnforceTestSupport.failure(["merge", dir + "/a.json", dir + "/b.json", "-o", dir + "/ab.json"]) == nil)
        let a = try ProfileIO.load(path: dir + "/a.json"), b = try ProfileIO.load(path: dir + "/b.json")
        let ab = try ProfileIO.load(path: dir + "/ab.json")
        #expect(ab.metadata.totalCalls == a.metadata.totalCalls + b.metadata.totalCalls)
        #expect(ab.metadata.traces == 2)

        #expect(try EnforceTestSupport.failure(["generate", dir + "/ab.json", "-o", dir + "/p.json", "--default-action", "kill"]) == nil)
        #expect(try EnforceTestSupport.failure(["generate", dir + "/a.json", "-o", dir + "/q.policy", "--arg-rules", "safe"]) == nil)
        let p = try PolicyIO.load(path: dir + "/p.json")
        #expect(p.defaultAction == .killProcess)
        #expect(Set(p.syscallNames) == Set(ab.names()).union(PolicyMaker.implicitNames.filter { $0 != "sigreturn" }))
        #expect(try EnforceTestSupport.failure(["merge", dir + "/p.json", dir + "/q.policy", "-o", dir + "/u.policy"]) == nil)
        let u = try PolicyIO.load(path: dir + "/u.policy")
        #expect(Set(u.syscallNames) == Set(p.syscallNames))
        #expect(try EnforceTestSupport.failure(["merge", dir + "/a.json", dir + "/p.json", "-o", dir + "/x.json"]) != nil)
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.json"))
        #expect(try EnforceTestSupport.failure(["generate", dir + "/a.json", "-o", dir + "/y.json", "--default-action", "nope"]) != nil)
    }
}
