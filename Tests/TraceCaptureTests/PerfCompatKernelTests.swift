import Foundation
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// The perf backend records i386 (compat) calls as i386 calls, against the kernel: an x86_64
/// program entering the i386 table with `int $0x80`, and a 32-bit program (gcc -m32), each
/// traced by the perf and the ptrace backends and by strace.
@Suite(.serialized, .requires(TraceBackends.perfUnavailableReason()), .requires(Requirement.ptrace), .requires(Requirement.strace)) struct PerfCompatKernelTests {
    /// i386 socketcall(SYS_SOCKET) (nr 102: x86_64 getuid), i386 getuid32 (199: x86_64
    /// fremovexattr), i386 getpid (20: x86_64 writev) with ecx and esi holding the return address
    /// (the registers fit both entries: the code before rip tells), x86_64 getpid (39) with rsi
    /// and r10 holding its return address (likewise), and x86_64 getppid (110) through glibc's
    /// syscall() three times (from the third call on, rsi holds rip: rsi and r10 tell). Prints the four results, then sleeps a second: the backend
    /// reads the code of the two ambiguous calls from the live process.
    static let int80Source = """
        #include <stdio.h>
        #include <sys/mman.h>
        #include <sys/syscall.h>
        #include <unistd.h>
        static long int80(long nr, long a, long b) {
            long r;
            __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b) : "memory");
            return r;
        }
        static long int80_cx_is_ip(long nr) {
            long r;
            __asm__ volatile("lea 1f(%%rip), %%rcx\\n\\tmov %%rcx, %%rsi\\n\\tint $0x80\\n1:"
                             : "=a"(r) : "a"(nr), "b"(0) : "rcx", "rsi", "memory");
            return r;
        }
        static long syscall_si_is_ip(long nr) {
            long r;
            __asm__ volatile("lea 1f(%%rip), %%rsi\\n\\tmov %%rsi, %%r10\\n\\tsyscall\\n1:" : "=a"(r) : "a"(nr), "D"(0)
                             : "rsi", "r10", "rcx", "r11", "memory");
            return r;
        }
        int main(void) {
            unsigned int *args = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
            args[0] = 2; args[1] = 2; args[2] = 0;  /* AF_INET, SOCK_DGRAM, 0 */
            long s = int80(102, 1, (long)args);
            long u = int80(199, 0, 0);
            long p = int80_cx_is_ip(20);
            long n = syscall_si_is_ip(39);
            for (int i = 0; i < 3; i++) syscall(SYS_getppid);
            printf("%ld %ld %ld %ld\\n", s, u, p, n);
            fflush(stdout);
            usleep(1000000);
            return 0;
        }
        """

    static let i386Calls: Set<String> = ["socketcall", "getuid32", "getpid"]
    /// What the same numbers are on x86_64: never made by the program.
    static let x86_64Misreadings = ["getuid", "fremovexattr", "writev"]

    /// `(arch, name)` of every event.
    static func calls(_ t: PerfTestSupport.Trace) -> [(Arch, String)] {
        t.events.map { ($0.arch, SyscallTable.shared.definition(number: $0.nr, arch: $0.arch)?.name ?? "#\($0.nr)") }
    }

    static func names(_ t: PerfTestSupport.Trace, on arch: Arch) -> [String] {
        calls(t).filter { $0.0 == arch }.map(\.1)
    }

    /// Compiles the int80 program.
    func int80Program() throws -> String {
        try ProcessRunner.compileC(Self.int80Source, name: "compat-int80")
    }

    @Test("int $0x80 from an x86_64 program: i386 socketcall, getuid32, getpid (not getuid, fremovexattr, writev), as ptrace and strace see them")
    func int80FromX86_64() throws {
        let exe = try int80Program()
        let perf = PerfBackend()
        #expect(!perf.architectures.fred, "this machine has no FRED: the registers tell most calls")
        let backends: [TraceBackend] = [perf, PtraceBackend()]
        let traces = try backends.map { try PerfTestSupport.trace($0, [exe]) }
        for (t, name) in zip(traces, ["perf", "ptrace"]) {
            #expect(t.end == .exited(0), "\(name)")
            #expect(Self.names(t, on: .i386).sorted() == Self.i386Calls.sorted(), "\(name): \(Self.names(t, on: .i386))")
            let native = Self.names(t, on: .x86_64)
            #expect(native.filter { Self.x86_64Misreadings.contains($0) }.isEmpty, "\(name): \(native)")
            #expect(native.filter { $0 == "getpid" }.count == 1, "\(name): x86_64 getpid with rsi = rip")
            #expect(native.filter { $0 == "getppid" }.count == 3, "\(name): x86_64 getppid through syscall()")
        }
        #expect(perf.unknownArchitectureCalls == 0)
        let perfSet = Set(Self.calls(traces[0]).map { "\($0.0) \($0.1)" })
        let ptraceSet = Set(Self.calls(traces[1]).map { "\($0.0) \($0.1)" })
        #expect(perfSet == ptraceSet, "perf only \(perfSet.subtracting(ptraceSet)), ptrace only \(ptraceSet.subtracting(perfSet))")
        // strace names the same calls by their i386 meaning (socketcall(SYS_SOCKET) as socket).
        let dir = try TestScratch.directory("perf").path
        let r = try ProcessRunner.run(["/usr/bin/strace", "-f", "-qq", "-n", "-o", dir + "/s.txt", exe])
        #expect(r.status == 0)
        let strace = try String(contentsOfFile: dir + "/s.txt", encoding: .utf8)
        for line in ["[ 102] socket(AF_INET, SOCK_DGRAM", "[ 199] getuid32()", "[  20] getpid()", "[  39] getpid()"] {
            #expect(strace.contains(line), "strace: \(line)")
        }
        for name in Self.x86_64Misreadings { #expect(!strace.contains("] \(name)(")) }
    }

    @Test("on a FRED kernel (rcx tells nothing) the code before rip tells every ambiguous call")
    func fredReadsCode() throws {
        let exe = try int80Program()
        let perf = PerfBackend()
        perf.architectures = PerfCallArchitecture(checks: true, fred: true)
        let t = try PerfTestSupport.trace(perf, [exe])
        #expect(t.end == .exited(0))
        #expect(Self.names(t, on: .i386).sorted() == Self.i386Calls.sorted())
        #expect(Self.names(t, on: .x86_64).filter { Self.x86_64Misreadings.contains($0) }.isEmpty)
        #expect(perf.unknownArchitectureCalls == 0)
    }

    @Test("calls whose code cannot be read are left out and counted, never recorded under a guessed architecture")
    func unreadableCodeIsUnknown() throws {
        let exe = try int80Program()
        let perf = PerfBackend()
        perf.architectures = PerfCallArchitecture(checks: true, fred: true) { _, _, _ in nil }
        let t = try PerfTestSupport.trace(perf, [exe])
        #expect(t.end == .exited(0))
        // The i386 getpid whose ecx and esi are rip and the x86_64 getpid whose rsi and r10 are rip
        // fit both entries; under FRED, where rcx tells nothing, other calls may too.
        #expect(!Self.names(t, on: .i386).contains("getpid"))
        #expect(!Self.names(t, on: .x86_64).contains("getpid"))
        #expect(Self.names(t, on: .x86_64).filter { Self.x86_64Misreadings.contains($0) }.isEmpty)
        #expect(perf.unknownArchitectureCalls >= 2)
    }

    @Test("a 32-bit program (gcc -m32): every call after the tracer's execve is i386, as ptrace sees it")
    func program32Bit() throws {
        let source = """
            #include <stdio.h>
            #include <sys/socket.h>
            #include <unistd.h>
            int main(void) {
                int s = socket(AF_INET, SOCK_DGRAM, 0);
                printf("%d %d %d\\n", s, (int)getuid(), (int)getpid());
                return 0;
            }
            """
        let dir = try TestScratch.directory("perf").path
        try source.write(toFile: dir + "/p32.c", atomically: true, encoding: .utf8)
        let cc = try ProcessRunner.run(["/usr/bin/cc", "-m32", "-O2", "-o", dir + "/p32", dir + "/p32.c"])
        try #require(cc.status == 0, "cc -m32 needs gcc-multilib (scripts/install-deps): \(cc.combined)")
        let perf = PerfBackend()
        let backends: [TraceBackend] = [perf, PtraceBackend()]
        let traces = try backends.map { try PerfTestSupport.trace($0, [dir + "/p32"]) }
        for (t, name) in zip(traces, ["perf", "ptrace"]) {
            #expect(t.end == .exited(0), "\(name)")
            let calls: [(Arch, String)] = Self.calls(t)
            let first = calls.first.map { "\($0.0) \($0.1)" }
            #expect(first == "x86_64 execve", "\(name)")
            let others: [(Arch, String)] = calls.dropFirst().filter { $0.0 != Arch.i386 }
            #expect(others.isEmpty, "\(name): \(others)")
            for call in ["socketcall", "getuid32", "getpid", "exit_group"] {  // 32-bit glibc's socket() is socketcall
                #expect(calls.contains { $0.0 == Arch.i386 && $0.1 == call }, "\(name): \(call)")
            }
        }
        #expect(perf.unknownArchitectureCalls == 0)
        let perfSet = Set(Self.calls(traces[0]).map { "\($0.0) \($0.1)" })
        let ptraceSet = Set(Self.calls(traces[1]).map { "\($0.0) \($0.1)" })
        #expect(perfSet == ptraceSet, "perf only \(perfSet.subtracting(ptraceSet)), ptrace only \(ptraceSet.subtracting(perfSet))")
    }
}
