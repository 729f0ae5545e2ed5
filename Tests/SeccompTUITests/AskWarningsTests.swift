import Foundation
import Testing
import TestSupport

/// `ask` prints the blind spots of the policy the program runs under (as enforce does) and of
/// the policy it writes (as export, generate and merge do), each warning once.
@Suite(.requires(Requirement.userNotif)) struct AskWarningsTests {
    @Test("a base policy allowing io_uring_setup: warned once with -o, once without; a clean one not at all")
    func ioUring() throws {
        let dir = try TestScratch.directory("ask-warn")
        let base = dir.appendingPathComponent("base.policy").path
        try "@default errno EPERM\nio_uring_setup: allow\n".write(toFile: base, atomically: true, encoding: .utf8)
        let tool = try SeccompTUIBinary.path()
        let warning = "warning: io_uring_setup is allowed"
        let written = try ProcessRunner.run([tool, "ask", "--quiet", "--policy", base, "--answer", "allow",
                                                  "-o", dir.appendingPathComponent("out.policy").path, "--", "/bin/true"])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stderr.components(separatedBy: warning).count - 1 == 1, "\(written.stderr)")
        let text = try String(contentsOfFile: dir.appendingPathComponent("out.policy").path, encoding: .utf8)
        #expect(text.contains("io_uring_setup: allow"), "the written policy still allows it")
        let run = try ProcessRunner.run([tool, "ask", "--quiet", "--policy", base, "--answer", "allow", "--", "/bin/true"])
        #expect(run.status == 0)
        #expect(run.stderr.components(separatedBy: warning).count - 1 == 1, "\(run.stderr)")
        // Without a base, the policy written from the answers alone has no blind spot here.
        let clean = try ProcessRunner.run([tool, "ask", "--quiet", "--answer", "allow",
                                                "-o", dir.appendingPathComponent("clean.json").path, "--", "/bin/true"])
        #expect(clean.status == 0)
        #expect(!clean.stderr.contains("warning:"), "\(clean.stderr)")
    }
}
