import Foundation
import Glibc
import PolicyModel
import Testing
import TraceCapture
import TUI
import TestSupport

/// `inspect PID` and `disasm FILE` read filters back and summarize them.
@Suite(.serialized, .requiresRoot) struct InspectCommandTests {
    typealias S = EnforceTestSupport

    static let outer = Policy(defaultAction: .allow, rules: [Rule(syscall: "uname", action: .errno(1))])
    static let inner = Policy(defaultAction: .allow, rules: [
        Rule(syscall: "getcwd", action: .killProcess),
        Rule(syscall: "socket", action: .errno(97), conditions: [Condition(index: 0, op: .eq, value: 10)]),
    ])

    @Test("inspect shows both stacked filters of a process, in install order, with their summaries; the process keeps running")
    func stackedFilters() throws {
        let dir = try TestScratch.directory("inspect")
        defer { try? FileManager.default.removeItem(at: dir) }
        // seccomp-tui enforce (under the outer filter) installs the inner one before exec'ing sleep.
        let stacked = try S.sleepUnderTwoFilters(outer: Self.outer, inner: Self.inner, in: dir)
        defer { stacked.stop() }
        let pid = stacked.sleeper
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "inspect", String(pid)])
        #expect(r.status == 0, "\(r.stderr)")
        let text = r.stdout
        let first = try #require(text.range(of: "filter 1 of 2 (installed first"))
        let second = try #require(text.range(of: "filter 2 of 2 (installed after filter 1"))
        let firstPart = String(text[first.upperBound..<second.lowerBound])
        let secondPart = String(text[second.upperBound...])
        #expect(firstPart.contains("refused: errno 1, 1 syscall:\n      uname"), "\(firstPart)")
        #expect(secondPart.contains("refused: kill, 1 syscall:\n      getcwd"), "\(secondPart)")
        // enforce installs errno refusals as user_notif: its supervisor answers them with errno 97.
        #expect(secondPart.contains("socket: notify | allow"), "\(secondPart)")
        #expect(secondPart.contains("return"), "the disassembly is shown")
        #expect(kill(pid, 0) == 0, "the process keeps running")
        let missing = try ProcessRunner.run([try SeccompTUIBinary.path(), "inspect", "999999"])
        #expect(missing.status != 0 && missing.stderr.contains("no process with pid 999999"))
    }

    @Test("inspect tells a process in seccomp strict mode from one without seccomp")
    func strictMode() throws {
        let strict = try ProcessRunner.compileC("""
        #include <linux/seccomp.h>
        #include <sys/prctl.h>
        #include <sys/syscall.h>
        #include <unistd.h>
        int main(void) {
            char c;
            if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0) return 1;
            (void)read(0, &c, 1);
            syscall(SYS_exit, 0);
        }
        """, name: "strict")
        let input = Pipe()
        let p = try ProcessRunner.start([strict], stdin: input)
        defer {
            try? input.fileHandleForWriting.close()
            p.waitUntilExit()
        }
        try #require(waitFor { FilterReader.mode(of: p.processIdentifier) == 1 })
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "inspect", String(p.processIdentifier)])
        #expect(r.stdout.contains("runs in seccomp strict mode"), "\(r.stdout) \(r.stderr)")
        let sleeper = try ProcessRunner.start(["/bin/sleep", "10"])
        defer { kill(sleeper.processIdentifier, SIGKILL); sleeper.waitUntilExit() }
        let free = try ProcessRunner.run([try SeccompTUIBinary.path(), "inspect", String(sleeper.processIdentifier)])
        #expect(free.stdout.contains("has no seccomp filter"), "\(free.stdout) \(free.stderr)")
    }

    @Test("disasm prints the per-syscall summary after the instructions")
    func disasmSummary() throws {
        let dir = try TestScratch.directory("disasm-summary")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bpf = dir.appendingPathComponent("inner.bpf")
        try Data(try PolicyIO.encode(Self.inner, as: .bpf)).write(to: bpf)
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "disasm", bpf.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("What the filter does with each syscall:"))
        #expect(r.stdout.contains("socket: errno 97 | allow"))
        #expect(r.stdout.contains("allowed (allow): every other syscall"))
    }
}
