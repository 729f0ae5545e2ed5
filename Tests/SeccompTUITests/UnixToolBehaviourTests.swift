import Foundation
import Glibc
import Testing
import TestSupport

/// Output commands behave like Unix tools, and attaching says what it misses (issue 14,
/// points 5 and 6), on the real binary.
@Suite(.serialized, .requires(Requirement.tmux), .requires(Requirement.ptraceAttach)) struct UnixToolBehaviourTests {
    static let policyJSON = #"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mkdir","read"],"action":"SCMP_ACT_ALLOW"}]}"#

    @Test("export --format bpf with no -o refuses a terminal and says how; to a pipe it writes the program")
    func bpfNotToTerminal() throws {
        let dir = try TestScratch.directory("bpf-tty")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = dir.appendingPathComponent("p.json").path
        try Self.policyJSON.write(toFile: policy, atomically: true, encoding: .utf8)
        let t = try TmuxSession("\(TmuxSession.binary) export --format bpf \(policy); echo \"exit=$?\"; sleep 30")
        let screen = try t.waitFor("exit=")
        #expect(screen.contains("refusing to write raw BPF (binary) to a terminal: give -o FILE.bpf"))
        #expect(!screen.contains("exit=0"))
        let piped = try ProcessRunner.run([TmuxSession.binary, "export", "--format", "bpf", policy])
        #expect(piped.status == 0)
        #expect(!piped.stdout.isEmpty, "a pipe gets the program")
    }

    @Test("export --format c (a .h) with no -o refuses a terminal the same way; to a pipe or -o it writes the header")
    func cHeaderNotToTerminal() throws {
        let dir = try TestScratch.directory("c-tty")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = dir.appendingPathComponent("p.json").path
        try Self.policyJSON.write(toFile: policy, atomically: true, encoding: .utf8)
        let t = try TmuxSession("\(TmuxSession.binary) export --format c \(policy); echo \"exit=$?\"; sleep 30")
        let screen = try t.waitFor("exit=")
        #expect(screen.contains("refusing to write a C header to a terminal: give -o FILE.h"), "\(screen)")
        #expect(!screen.contains("exit=0"))
        #expect(!screen.contains("sock_filter"), "nothing of the header was written")
        let piped = try ProcessRunner.run([TmuxSession.binary, "export", "--format", "c", policy])
        #expect(piped.status == 0 && piped.stdout.contains("sock_filter"), "a pipe gets the header")
        let file = dir.appendingPathComponent("p.h").path
        let t2 = try TmuxSession("\(TmuxSession.binary) export \(policy) -o \(file); echo \"exit=$?\"; sleep 30")
        try t2.waitFor("exit=0")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("sock_filter"), "-o FILE.h on a terminal writes it")
    }

    @Test("merge warns when two policies decide a call differently, naming the call and both decisions")
    func mergeConflict() throws {
        let dir = try TestScratch.directory("merge-conflict")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.json").path, b = dir.appendingPathComponent("b.json").path
        try Self.policyJSON.write(toFile: a, atomically: true, encoding: .utf8)
        try #"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_KILL_PROCESS"},{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}"#
            .write(toFile: b, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("m.json").path
        let r = try ProcessRunner.run([TmuxSession.binary, "merge", "-o", out, a, b])
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: mkdir: decided differently: \(a) allow; \(b) kill"), "\(r.stderr)")
        #expect(!r.stderr.contains("read:"), "read is allowed by both")
    }

    @Test("learn -p says at once that the start-up calls were not seen, and what that means for enforce")
    func attachSaysWhatItMisses() throws {
        let sleeper = try ProcessRunner.start(["/bin/sleep", "60"])
        defer { sleeper.terminate(); sleeper.waitUntilExit() }
        let t = try TmuxSession("\(TmuxSession.binary) learn -p \(sleeper.processIdentifier); echo \"exit=$?\"; sleep 30",
                                width: 200)
        let screen = try t.waitFor("start-up calls")
        #expect(screen.contains("attached to running pid \(sleeper.processIdentifier)"))
        try t.send("q")
        let end = try t.waitFor("exit=")
        #expect(end.contains("warning: attached to running pid"), "kept in the scrollback after the TUI")
    }
}
