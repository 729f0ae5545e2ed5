import Foundation
import Glibc
import PolicyModel
import Testing
import TUI
import TestSupport

/// The whole job, on the real binary in tmux: trace a script that creates a directory, find
/// `mkdir`, deny it, save OCI JSON, quit; the file on disk says what was decided, and enforcing
/// it refuses the script's mkdir with EPERM.
@Suite(.serialized, .requires(Requirement.tmux), .requires(Requirement.ptrace)) struct LearnEndToEndTests {
    @Test("trace, search mkdir, deny it, save OCI JSON, quit: the saved policy denies mkdir and allows the rest")
    func learnDenySave() throws {
        let dir = try TestScratch.directory("tui-e2e").path
        let script = dir + "/make-dir.sh"
        try "#!/bin/sh\nmkdir \"$1/made\"\necho done\n".write(toFile: script, atomically: true, encoding: .utf8)
        let out = dir + "/policy.json"

        let t = try TmuxSession("\(TmuxSession.binary) -o \(out) -- /bin/sh \(script) \(dir); echo \"exit=$?\"; sleep 30")
        try t.waitFor("exited with code 0")
        #expect(FileManager.default.fileExists(atPath: dir + "/made"), "the traced script ran")
        let selected = try t.search("mkdir", until: "mkdir(const char")
        #expect(selected.contains("decision: suggested"))
        try t.send("d")
        try t.waitFor("decision: deny with EPERM")
        let end = try t.saveAndQuit(saved: "saved OCI JSON policy to \(out)")
        #expect(end.contains("seccomp-tui: policy saved to \(out)"))

        let policy = try PolicyIO.load(path: out)
        let table = SyscallTable.shared
        func decide(_ name: String) throws -> Action {
            policy.decide(SeccompData(nr: try #require(table.number(of: name, arch: .host)), arch: .host))
        }
        #expect(try decide("mkdir") == .errno(UInt16(EPERM)))
        #expect(try decide("execve") == .allow, "seen and left as suggested: allowed")
        #expect(try decide("ptrace") == .errno(UInt16(EPERM)), "never seen: the default action")
        let json = try String(contentsOfFile: out, encoding: .utf8)
        #expect(json.contains("SCMP_ACT_ERRNO"))

        // Enforced, the same script runs but its mkdir is refused with EPERM.
        let again = dir + "/again"
        try FileManager.default.createDirectory(atPath: again, withIntermediateDirectories: true)
        let stderr = try EnforceTestSupport.seccompTUI(["enforce", "--policy", out, "--", "/bin/sh", script, again]).stderr
        #expect(!FileManager.default.fileExists(atPath: again + "/made"), "mkdir was refused")
        #expect(stderr.contains("Operation not permitted"), "\(stderr)")
    }
}
