import Foundation
import Glibc
import PolicyModel
import Testing
import TraceCapture
import TestSupport

/// i386's `socketcall` and `ipc` against the kernel: an x86_64 program enters the i386 syscall
/// table with `int $0x80` (no 32-bit toolchain is needed), so each call runs both directly and
/// multiplexed under the same filter.
@Suite(.serialized) struct MultiplexerKernelTests {
    /// Prints, one per line: `socketcall(SYS_SOCKET)`, i386 `socket`, `ipc(SEMGET)`,
    /// `ipc(SEMGET | 1 << 16)` (a version in the high half), i386 `semget`; each as the
    /// result, `-errno` on failure. The arguments of the multiplexed calls sit below 4 GiB.
    static let source = """
        #include <stdio.h>
        #include <sys/mman.h>
        static long int80(long nr, long a, long b, long c, long d) {
            long r;
            __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d) : "memory");
            return r;
        }
        int main(void) {
            unsigned int *args = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
            args[0] = 2; args[1] = 2; args[2] = 0;  /* AF_INET, SOCK_DGRAM, 0 */
            printf("%ld\\n", int80(102, 1, (long)args, 0, 0));
            printf("%ld\\n", int80(359, 2, 2, 0, 0));
            printf("%ld\\n", int80(117, 2, 0, 1, 0600));
            printf("%ld\\n", int80(117, 2 | 1 << 16, 0, 1, 0600));
            printf("%ld\\n", int80(393, 0, 1, 0600, 0));
            fflush(stdout);
            return 0;
        }
        """

    static let both: [Arch] = [.x86_64, .i386]

    /// The five results of the program under `policy`, and how it ended.
    func results(_ policy: Policy) throws -> (lines: [Int], end: TraceEnd) {
        let bin = try ProcessRunner.compileC(Self.source, name: "int80")
        let out = try TestScratch.directory("int80").path + "/out"
        let end = try Enforcer.run(["/bin/sh", "-c", "exec \(bin) >\(out)"], policy: policy, mode: .enforce)
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        return (text.split(separator: "\n").compactMap { Int($0) }, end)
    }

    @Test("without rules every form runs: the program itself works")
    func unconfined() throws {
        let (lines, end) = try results(Policy(defaultAction: .allow, architectures: Self.both))
        #expect(end == .exited(0))
        #expect(lines.count == 5)
        #expect(lines.allSatisfy { $0 >= 0 }, "\(lines)")
    }

    @Test("an errno rule on socket and semget refuses their direct and multiplexed forms, ipc's version bits too")
    func errnoRules() throws {
        let policy = Policy(defaultAction: .allow, architectures: Self.both, rules: [
            Rule(syscall: "socket", action: .errno(77)), Rule(syscall: "semget", action: .errno(78)),
        ])
        let (lines, end) = try results(policy)
        #expect(end == .exited(0))
        #expect(lines == [-77, -77, -78, -78, -78])
        for (nr, args, expected) in [(Int32(102), [UInt64(1), 0x1000], Action.errno(77)), (117, [2, 0], .errno(78)),
                                     (117, [0x1_0002, 0], .errno(78)), (117, [3, 0], .allow), (102, [2, 0], .allow)] {
            let data = SeccompData(nr: nr, arch: .i386, args: args + [0, 0, 0, 0])
            #expect(policy.decide(data) == expected)
            let program = try BPFCompiler.compile(policy)
            #expect(try BPFEmulator.run(program, on: data).action == expected)
        }
    }

    @Test("socket: kill kills socketcall(SYS_SOCKET)")
    func killRule() throws {
        let policy = Policy(defaultAction: .allow, architectures: Self.both, rules: [Rule(syscall: "socket", action: .killProcess)])
        let (lines, end) = try results(policy)
        #expect(end == .signaled(SIGSYS))
        #expect(lines.isEmpty)
    }

    @Test("an argument rule refuses the multiplexed form, whose arguments the filter cannot read, and says so")
    func argumentRule() throws {
        let domain = SyscallTable.shared.definition(named: "socket")!.arguments[0].width
        let policy = Policy(defaultAction: .allow, architectures: Self.both, rules: [
            Rule(syscall: "socket", action: .errno(79), conditions: [Condition(index: 0, op: .eq, value: 16, width: domain)]),
        ])
        let (lines, end) = try results(policy)
        #expect(end == .exited(0))
        #expect(lines.count == 5)
        #expect(lines[0] == -79, "socketcall(SYS_SOCKET, AF_INET) is refused: the filter cannot tell it from AF_NETLINK")
        #expect(lines[1] >= 0, "the direct socket(AF_INET) runs")
        #expect(lines[2...].allSatisfy { $0 >= 0 })
        #expect(policy.multiplexedWarnings().count == 1)
        #expect(policy.multiplexedWarnings().first?.contains("socketcall reaching socket gets errno 79") == true)
    }
}
