import Foundation
import PolicyModel
import Testing
import TUI
import TestSupport
import TraceCapture

/// `record --backend perf` of a program entering the i386 table with `int $0x80`: the profile and
/// the policy generated from it hold i386 socketcall, not the x86_64 call of the same number
/// (getuid), and the program runs under that policy. A profile with calls of unknown
/// architecture is refused by `generate`.
@Suite(.serialized, .requires(TraceBackends.perfUnavailableReason())) struct RecordCompatCallsTests {
    static let source = """
        #include <stdio.h>
        #include <sys/mman.h>
        int main(void) {
            unsigned int *args = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
            args[0] = 2; args[1] = 2; args[2] = 0;  /* socketcall(SYS_SOCKET, [AF_INET, SOCK_DGRAM, 0]) */
            long r;
            __asm__ volatile("int $0x80" : "=a"(r) : "a"(102), "b"(1), "c"((long)args) : "memory");
            printf("%ld\\n", r);
            return r >= 0 ? 0 : 1;
        }
        """

    func program() throws -> String {
        try ProcessRunner.compileC(Self.source, name: "int80", flags: ["-O2"])
    }

    @Test("record --backend perf, generate, enforce: i386 socketcall is recorded and allowed, x86_64 getuid is not")
    func recordGenerateEnforce() throws {
        let dir = try TestScratch.directory("compat-record").path
        let exe = try program()
        let tool = try SeccompTUIBinary.path()
        let r = try ProcessRunner.run([tool, "record", "--backend", "perf", "-o", dir + "/p.json", "--", exe])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("architecture unknown"))
        let profile = try Profile.decodeJSON(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/p.json"))))
        #expect(profile.syscall(named: "socketcall", arch: .i386)?.count == 1)
        #expect(profile.syscall(named: "getuid", arch: .x86_64) == nil)
        #expect(profile.metadata.unknownArchitectureCalls == 0)
        let g = try ProcessRunner.run([tool, "generate", dir + "/p.json", "-o", dir + "/p.policy"])
        #expect(g.status == 0, "\(g.stderr)")
        let policy = try String(contentsOfFile: dir + "/p.policy", encoding: .utf8)
        #expect(policy.contains("@arch x86_64 i386"), "\(policy)")
        #expect(policy.contains("socketcall"))
        #expect(!policy.split(separator: "\n").contains { $0.hasPrefix("getuid") })
        let e = try ProcessRunner.run([tool, "enforce", "--policy", dir + "/p.policy", "--", exe])
        #expect(e.status == 0, "\(e.stderr)")
    }

    @Test("generate refuses a profile with calls of unknown architecture, naming the file and --backend ptrace")
    func unknownArchitectureRefused() throws {
        let dir = try TestScratch.directory("compat-record").path
        var profile = Profile(metadata: ProfileMetadata(command: ["x"], backend: "perf"))
        profile.add(SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: 0, args: [0, 0, 0, 0, 0, 0]))
        profile.metadata.unknownArchitectureCalls = 3
        let bytes = profile.encodeJSON()
        #expect(try Profile.decodeJSON(bytes).metadata.unknownArchitectureCalls == 3, "the count survives the file")
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/p.json"))
        let tool = try SeccompTUIBinary.path()
        let g = try ProcessRunner.run([tool, "generate", dir + "/p.json", "-o", dir + "/out.policy"])
        #expect(g.status != 0)
        #expect(g.stderr.contains(dir + "/p.json") && g.stderr.contains("3 calls") && g.stderr.contains("--backend ptrace"),
                "\(g.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.policy"))
        // Merged profiles keep the count.
        var merged = profile
        merged.merge(profile)
        #expect(merged.metadata.unknownArchitectureCalls == 6)
    }
}
