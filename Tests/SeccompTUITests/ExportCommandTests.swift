import Foundation
import PolicyModel
import Testing
import TUI
import TestSupport

@Suite struct ExportCommandTests {
    static let profile = """
        {
          "defaultAction": "SCMP_ACT_ERRNO",
          "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}],
          "syscalls": [
            {"names": ["write", "read"], "action": "SCMP_ACT_ALLOW"},
            {"names": ["write"], "action": "SCMP_ACT_ERRNO", "errnoRet": 9,
             "args": [{"index": 0, "value": 7, "op": "SCMP_CMP_EQ"}], "includes": {"caps": ["CAP_SYS_ADMIN"]}},
            {"names": ["read"], "action": "SCMP_ACT_KILL", "includes": {"minKernel": "99.1"}}
          ]
        }
        """

    /// A fresh directory for one test.
    private func tempDir() throws -> URL {
        let url = try TestScratch.directory("export-tests")
        return url
    }

    private func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `seccomp-tui export ARGS`: its error, or nil when it succeeded.
    private func run(_ args: [String]) throws -> String? {
        try EnforceTestSupport.failure(["export"] + args)
    }

    @Test("export -o writes the canonical OCI JSON of the resolved profile")
    func writesFile() throws {
        let dir = try tempDir()
        let input = try write(Self.profile, "in.json", in: dir)
        let out = dir.appendingPathComponent("out.json").path
        #expect(try run([input, "--format", "oci", "-o", out, "--target-arch", "x86_64", "--kernel", "6.18"]) == nil)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text == """
            {
              "defaultAction": "SCMP_ACT_ERRNO",
              "defaultErrnoRet": 1,
              "architectures": [
                "SCMP_ARCH_X86_64",
                "SCMP_ARCH_X86"
              ],
              "syscalls": [
                {
                  "names": [
                    "read",
                    "write"
                  ],
                  "action": "SCMP_ACT_ALLOW"
                }
              ]
            }

            """)
    }

    @Test("--cap and --kernel select Docker's conditional entries")
    func conditions() throws {
        let dir = try tempDir()
        let input = try write(Self.profile, "in.json", in: dir)
        // amd64 takes x32 and x86 along (archMap): with argument rules that is text, not OCI JSON
        // (libseccomp 2.5.4 compiles argument tests wrongly for a second architecture).
        let json = dir.appendingPathComponent("out.json").path
        let refused = try run([input, "-o", json, "--kernel", "99.1.0-custom", "--cap", "sys_admin", "--target-arch", "amd64"])
        #expect(refused?.contains("several architectures") == true, "\(refused ?? "written")")
        let out = dir.appendingPathComponent("out.policy").path
        #expect(try run([input, "-o", out, "--kernel", "99.1.0-custom", "--cap", "sys_admin", "--target-arch", "amd64"]) == nil)
        let policy = try TextPolicy.parse(try String(contentsOfFile: out, encoding: .utf8)).policy
        #expect(policy.rules(for: "write").contains(Rule(syscall: "write", action: .errno(9), conditions: [
            Condition(index: 0, op: .eq, value: 7, width: .bits32),
        ])))
        // minKernel 99.1 holds: read is killed; the unconditional allow beside it never decides a call.
        #expect(policy.decide(SeccompData(nr: sysno("read", .x86_64), arch: .x86_64, args: [3, 0, 0])) == .killThread)
    }

    @Test("bad input writes no file and leaves an existing one unchanged")
    func badInputWritesNothing() throws {
        let dir = try tempDir()
        let bad = try write("{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n \"syscalls\": [}", "bad.json", in: dir)
        let fresh = dir.appendingPathComponent("fresh.json").path
        #expect(try run([bad, "-o", fresh, "--kernel", "6.18"]) == "\(bad):2:15: expected a value (object, array, string, number, true, false or null) but found '}'")
        #expect(!FileManager.default.fileExists(atPath: fresh))

        let existing = try write("precious\n", "existing.json", in: dir)
        let unknown = try write("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"frobnicate\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
                                "unknown.json", in: dir)
        #expect(try run([unknown, "-o", existing, "--kernel", "6.18"])?.hasPrefix(unknown) == true)
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "precious\n")
        let listing = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(listing == ["bad.json", "existing.json", "unknown.json"])
    }

    @Test("--lenient skips unknown names")
    func lenient() throws {
        let dir = try tempDir()
        let input = try write("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"frobnicate\", \"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
                              "in.json", in: dir)
        let out = dir.appendingPathComponent("out.json").path
        #expect(try run([input, "-o", out, "--lenient", "--kernel", "6.18"]) == nil)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("\"read\""))
        #expect(!text.contains("frobnicate"))
    }

    @Test("bad flags are refused before anything is read", arguments: [
        (["p.json", "--format", "oci", "--target-arch", "sparc"], "--target-arch: unknown architecture 'sparc'"),
        (["p.json", "--format", "oci", "--kernel", "new"], "--kernel: expected a version such as 6.1, found 'new'"),
        (["p.json"], "give --format oci|bpf|text|c"),
        (["p.json", "-o", "out.txt"], "give --format oci|bpf|text|c"),
    ])
    func badFlags(args: [String], message: String) throws {
        let error = try run(args)
        #expect(error?.contains(message) == true, "\(error ?? "no error")")
    }

    @Test("a file above 32 MiB is refused without reading it, and nothing is written")
    func hugeFile() throws {
        let dir = try tempDir()
        let huge = dir.appendingPathComponent("huge.json").path
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: huge))
        try handle.truncate(atOffset: (32 << 20) + 1)  // sparse: no disk used
        try handle.close()
        let out = dir.appendingPathComponent("out.json").path
        #expect(try run([huge, "-o", out, "--kernel", "6.18"]) == "\(huge): the file is larger than the limit of 32 MiB")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("a missing file is named")
    func missingFile() throws {
        #expect(try run(["/nonexistent/p.json", "--format", "oci", "--kernel", "6.18"]) == "/nonexistent/p.json: cannot read: no such file")
    }

    @Test("the executable prints one error line and exits non-zero on bad input")
    func processExit() throws {
        let dir = try tempDir()
        let bad = try write("{\"defaultAction\": \"SCMP_ACT_DENY\"}", "bad.json", in: dir)
        let out = dir.appendingPathComponent("out.json").path
        let run = try EnforceTestSupport.seccompTUI(["export", bad, "-o", out, "--kernel", "6.18"])
        let text = run.stderr
        #expect(run.status != 0)
        #expect(text.split(separator: "\n").count == 1, "\(text)")
        #expect(text.contains("\(bad):1:19: defaultAction: unknown action \"SCMP_ACT_DENY\""))
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
