import Foundation
import Glibc
import PolicyModel
import Testing
import TraceCapture
import TestSupport

/// `Enforcer` against the kernel: real commands under real filters.
@Suite(.serialized) struct EnforcerTests {
    func tempDir() throws -> URL {
        let dir = try TestScratch.directory("enforcer")
        return dir
    }

    func read(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    /// Allows everything but `uname` (EPERM) and `getcwd` (killed).
    static let policy = Policy(defaultAction: .allow, rules: [
        Rule(syscall: "uname", action: .errno(1)),
        Rule(syscall: "getcwd", action: .killProcess),
    ])

    /// Collects event batches delivered off the tracing thread.
    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [SyscallEvent] = []
        func add(_ batch: [SyscallEvent]) { lock.withLock { list += batch } }
        var all: [SyscallEvent] { lock.withLock { list } }
    }

    @Test("a refused call fails with the policy's errno and the exit status is passed through")
    func errnoAndExitStatus() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let end = try Enforcer.run(["/bin/sh", "-c", "/bin/uname -s 2>\(out.path); echo after >>\(out.path); exit 7"],
                                   policy: Self.policy, mode: .enforce)
        #expect(end == .exited(7))
        #expect(read(out).contains("Operation not permitted"))
        #expect(read(out).hasSuffix("after\n"))
    }

    @Test("a kill is a SIGSYS death, under --report too; --report names a trap's call and its architecture")
    func killAndReport() throws {
        #expect(try Enforcer.run(["/bin/pwd"], policy: Self.policy, mode: .enforce) == .signaled(SIGSYS))
        #expect(try Enforcer.run(["/bin/pwd"], policy: Self.policy, mode: .report) == .signaled(SIGSYS))
        var trapping = Self.policy
        trapping.rules[1].action = .trap
        let events = Events()
        let end = try Enforcer.run(["/bin/sh", "-c", "/bin/pwd; exit $?"], policy: trapping, mode: .report,
                                   onRefused: events.add)
        #expect(end == .exited(128 + SIGSYS), "the shell reports its child's SIGSYS death")
        let refused = events.all
        #expect(refused.count == 1)
        #expect(refused.first.map { SyscallTable.shared.name(of: $0.nr, arch: $0.arch) } == "getcwd")
        #expect(refused.first?.arch == .host)
    }

    @Test("--report never weakens a kill: a program with a SIGSYS handler dies of it as without --report")
    func reportKeepsKills() throws {
        let bin = try ProcessRunner.compileC("""
            #include <signal.h>
            #include <stdio.h>
            #include <unistd.h>
            #include <sys/syscall.h>
            static void onsys(int sig) { (void)sig; }
            int main(void) {
                signal(SIGSYS, onsys);
                syscall(SYS_getcwd, 0, 0);
                puts("survived");
                return 0;
            }
            """, name: "sigsys-handler")
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        for mode in [EnforceMode.enforce, .report] {
            let end = try Enforcer.run(["/bin/sh", "-c", "exec \(bin) >\(out.path)"], policy: Self.policy, mode: mode)
            #expect(end == .signaled(SIGSYS), "\(mode)")
            #expect(read(out) == "", "\(mode)")
        }
        var trapping = Self.policy
        trapping.rules[1].action = .trap
        #expect(try Enforcer.run(["/bin/sh", "-c", "exec \(bin) >\(out.path)"], policy: trapping, mode: .report) == .exited(0))
        #expect(read(out) == "survived\n", "the program itself does survive a trap, so the test can fail")
    }

    @Test("complain mode refuses nothing and reports exactly the calls the policy would refuse")
    func complain() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let script = "/bin/uname -s >\(out.path); cd \(dir.path) && /bin/pwd >>\(out.path); /bin/uname -s >>\(out.path)"
        let events = Events()
        let end = try Enforcer.run(["/bin/sh", "-c", script], policy: Self.policy, mode: .complain, onRefused: events.add)
        #expect(end == .exited(0))
        #expect(read(out) == "Linux\n\(dir.path)\nLinux\n", "the program ran as if unconfined")
        let names = events.all.map { SyscallTable.shared.name(of: $0.nr, arch: $0.arch) ?? "?" }
        #expect(names.filter { $0 == "uname" }.count == 2)
        #expect(names.filter { $0 == "getcwd" }.count >= 1)
        for e in events.all {
            #expect(!Self.policy.decide(SeccompData(nr: e.nr, arch: e.arch, args: e.args)).letsCallRun)
        }
        #expect(Set(events.all.map(\.pid)).count >= 2, "calls from the shell's children are seen")
    }

    @Test("the policy's filter flags are installed; those needing a notification supervisor are dropped")
    func flags() throws {
        var policy = Self.policy
        policy.flags = [.tsync, .log, .specAllow, .newListener]
        let (bits, dropped) = Enforcer.installFlags(for: policy)
        #expect(bits == FilterFlag.tsync.bit | FilterFlag.log.bit | FilterFlag.specAllow.bit)
        #expect(dropped == [.newListener])
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        #expect(try Enforcer.run(["/bin/sh", "-c", "/bin/uname -s >\(out.path) 2>&1"], policy: policy, mode: .enforce) == .exited(1))
        #expect(read(out).contains("Operation not permitted"))
    }

    @Test("a policy that refuses execve is reported and nothing runs")
    func refusesExec() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let marker = dir.appendingPathComponent("ran")
        for policy in [Policy(defaultAction: .allow, rules: [Rule(syscall: "execve", action: .errno(1))]),
                       Policy(defaultAction: .allow, architectures: [.aarch64])] {
            #expect(throws: EnforceError.self) {
                _ = try Enforcer.run(["/usr/bin/touch", marker.path], policy: policy, mode: .enforce)
            }
            do {
                _ = try Enforcer.run(["/usr/bin/touch", marker.path], policy: policy, mode: .report)
            } catch {
                #expect("\(error)".contains("the policy refuses execve on x86_64"))
            }
        }
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test("a policy over 4096 instructions is refused by the compiler and nothing runs")
    func tooLong() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let marker = dir.appendingPathComponent("ran")
        let rules = (0..<2100).map { Rule(syscall: "ioctl", action: .allow, conditions: [Condition(index: 2, op: .eq, value: UInt64($0) << 33 | 5)]) }
        let policy = Policy(defaultAction: .errno(1), rules: rules + [Rule(syscall: "execve", action: .allow)])
        let error = #expect(throws: EnforceError.self) {
            _ = try Enforcer.run(["/usr/bin/touch", marker.path], policy: policy, mode: .enforce)
        }
        #expect(error.map { "\($0)" }?.contains("more than the kernel's limit of 4096") == true)
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test("a process's filters are read back as installed, and a process without one has none")
    func readBack() throws {
        let program = try BPFCompiler.compile(Self.policy)
        let confined = try Spawn.start(["/bin/sleep", "10"], filter: program, noNewPrivs: .always, stopSelf: false)
        let free = try Spawn.start(["/bin/sleep", "10"], filter: [], noNewPrivs: .never, stopSelf: false)
        defer {
            for c in [confined, free] {
                kill(c.pid, SIGKILL)
                var status: Int32 = 0
                waitpid(c.pid, &status, 0)
            }
        }
        #expect(Spawn.result(of: confined, command: ["sleep"]) == nil)
        #expect(Spawn.result(of: free, command: ["sleep"]) == nil)
        #expect(try FilterReader.filters(of: confined.pid) == [program])
        #expect(try FilterReader.filters(of: free.pid) == [])
        // Still running after the reading: the process was detached, not killed.
        var status: Int32 = 0
        #expect(waitpid(confined.pid, &status, WNOHANG) == 0)
    }
}
