import Foundation
import Glibc
import PolicyModel
import Testing
@testable import TraceCapture
import TUI
import TestSupport

/// `enforce` never refuses in silence: the calls refused with an errno are listed at the end,
/// the program sees exactly the policy's errno, and nothing is printed when nothing was refused.
@Suite(.serialized) struct EnforceRefusalSummaryTests {
    typealias S = EnforceTestSupport

    @Test("a policy learned from true, enforced on ls, lists the refused calls; a covering policy prints nothing")
    func learnedFromTrue() throws {
        let dir = try TestScratch.directory("enforce-summary")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A directory whose listing does not change between runs.
        let tree = dir.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: tree.appendingPathComponent("file"))
        let ls = ["/bin/ls", "-l", tree.path]
        let fromTrue = try S.learn(["/bin/true"], in: dir, defaultAction: "errno EPERM")
        let truePath = try S.writeOCI(fromTrue, to: dir, name: "true.json")
        let refused = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--policy", truePath, "--"] + ls, in: dir)
        let lines = refused.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex { $0.contains("with an errno (the program saw them fail):") }, "\(refused.stderr)")
        // Each refused syscall: its count, pid and the policy's action, then its first call decoded.
        let entry = try #require(lines.indices.first { $0 > header && lines[$0].contains(" ×") })
        #expect(lines[entry].contains("; pid ") && lines[entry].hasSuffix("— policy: errno 1"), "\(lines[entry])")
        #expect(lines[entry + 1].hasPrefix("    first: ") && lines[entry + 1].hasSuffix(")"), "\(lines[entry + 1])")
        #expect(refused.stderr.contains("--complain -- \(ls.joined(separator: " "))"), "\(refused.stderr)")
        #expect(refused.stderr.contains("seccomp-tui learn --policy \(truePath) -- \(ls.joined(separator: " "))"), "\(refused.stderr)")

        let fromLs = try S.learn(ls, in: dir, defaultAction: "errno EPERM")
        let lsPath = try S.writeOCI(fromLs, to: dir, name: "ls.json")
        let plain = try ProcessRunner.run(ls, in: dir)
        let covered = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--policy", lsPath, "--"] + ls, in: dir)
        #expect(covered.status == 0)
        #expect(covered.stderr == "")
        #expect(covered.stdout == plain.stdout)
    }

    @Test("the program sees the policy's errno, and the first call's path is decoded")
    func sameErrno() throws {
        let dir = try TestScratch.directory("enforce-errno")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try S.writeOCI(Policy(defaultAction: .allow, rules: [
            Rule(syscall: "mkdir", action: .errno(UInt16(EACCES))), Rule(syscall: "mkdirat", action: .errno(UInt16(EACCES))),
            Rule(syscall: "uname", action: .trace(1)),
        ]), to: dir, name: "p.json")
        let target = dir.appendingPathComponent("made").path
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "enforce", "--policy", policy, "--", "/bin/sh", "-c",
                           "mkdir \(target); uname; echo done"])
        #expect(r.stdout == "done\n")
        #expect(r.stderr.contains("Permission denied"), "\(r.stderr)")
        #expect(r.stderr.contains("Function not implemented"), "trace without a tracer is ENOSYS: \(r.stderr)")
        #expect(r.stderr.contains("mkdir") && r.stderr.contains("\"\(target)\""), "\(r.stderr)")
        #expect(r.stderr.contains("uname ×1"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test("fail closed: when enforce dies, the refused calls still fail (ENOSYS)")
    func supervisorDies() throws {
        let dir = try TestScratch.directory("enforce-dies")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = try S.writeOCI(Policy(defaultAction: .allow, rules: [Rule(syscall: "uname", action: .errno(1))]),
                                    to: dir, name: "p.json")
        let out = dir.appendingPathComponent("out").path
        // The second uname runs once the test has killed enforce (it makes the file killed).
        let p = try ProcessRunner.start([try SeccompTUIBinary.path(), "enforce", "--policy", policy, "--", "/bin/sh", "-c",
                                         "uname 2>\(out).part; mv \(out).part \(out).before; while [ ! -e \(out).killed ]; do sleep 0.02; done; "
                                         + "uname 2>\(out); echo $? >\(out).part; mv \(out).part \(out).status"])
        try #require(waitFor { FileManager.default.fileExists(atPath: out + ".before") })
        kill(p.processIdentifier, SIGKILL)
        // Dead (a zombie) before the script goes on; Foundation's wait returns only once the script,
        // which holds enforce's descriptors, has ended.
        try #require(waitFor { [nil, "Z"].contains(ProcFS.state(of: p.processIdentifier)) })
        try #require(FileManager.default.createFile(atPath: out + ".killed", contents: nil))
        p.waitUntilExit()
        try #require(waitFor { FileManager.default.fileExists(atPath: out + ".status") })
        let before = try String(contentsOfFile: out + ".before", encoding: .utf8)
        let after = try String(contentsOfFile: out, encoding: .utf8)
        #expect(before.contains("Operation not permitted"), "\(before)")
        #expect(after.contains("Function not implemented"), "\(after)")
        #expect(try String(contentsOfFile: out + ".status", encoding: .utf8) == "1\n")
    }

}
