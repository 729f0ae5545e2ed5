import Foundation
import PolicyModel
import Testing
import TUI
import TestSupport

@Suite(.serialized) struct BPFExportTests {
    static let policy = Policy(defaultAction: .errno(1), architectures: [.x86_64, .x32], badArchAction: .killProcess, rules: [
        Rule(syscall: "read", action: .allow),
        Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .le, value: 2, width: .bits32)]),
    ])

    func temporaryDirectory() throws -> URL {
        let dir = try TestScratch.directory("bpf-export")
        return dir
    }

    @Test("the C header compiles and holds exactly the raw BPF program")
    func cHeaderMatchesRawBytes() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let header = try PolicyIO.encode(Self.policy, as: .c, source: "test.json")
        let raw = try PolicyIO.encode(Self.policy, as: .bpf)
        let text = String(decoding: header, as: UTF8.self)
        #expect(text.contains("from test.json"))
        #expect(text.contains("Architectures: x86_64, x32"))
        try Data(header).write(to: dir.appendingPathComponent("filter.h"))
        try """
        #include <stdio.h>
        #include "filter.h"
        int main(void) {
            fwrite(seccomp_tui_prog.filter, sizeof(struct sock_filter), seccomp_tui_prog.len, stdout);
            return 0;
        }
        """.write(to: dir.appendingPathComponent("main.c"), atomically: true, encoding: .utf8)
        let cc = try ProcessRunner.run(["/usr/bin/cc", "-Wall", "-Werror", "-o", dir.appendingPathComponent("dump").path,
                                        dir.appendingPathComponent("main.c").path])
        try #require(cc.status == 0, "\(cc.stderr)")
        let pipe = Pipe()
        let dump = try ProcessRunner.start([dir.appendingPathComponent("dump").path], stdout: pipe)
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        dump.waitUntilExit()
        #expect([UInt8](out) == raw)
    }

    @Test("disasm refuses files that are not whole instructions or that the kernel would refuse")
    func disasmRefusesBadFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let odd = dir.appendingPathComponent("odd.bpf")
        try Data([1, 2, 3, 4, 5, 6, 7, 8, 9]).write(to: odd)
        #expect(try EnforceTestSupport.failure(["disasm", odd.path])
                == "\(odd.path): 9 bytes is not a whole number of 8-byte BPF instructions")
        let misaligned = dir.appendingPathComponent("misaligned.bpf")
        try Data(SockFilter.bytes(of: [.loadWord(6), .ret(Action.allow.returnValue)])).write(to: misaligned)
        #expect(try EnforceTestSupport.failure(["disasm", misaligned.path])?
            .contains("the kernel would refuse this filter: instruction 0:") == true)
        let good = dir.appendingPathComponent("good.bpf")
        try Data(try PolicyIO.encode(Self.policy, as: .bpf)).write(to: good)
        let shown = try EnforceTestSupport.seccompTUI(["disasm", good.path])
        #expect(shown.status == 0)
        let program = try BPFCompiler.compile(Self.policy)
        #expect(shown.stdout.hasPrefix(BPFDisassembler.lines(program).joined(separator: "\n") + "\n"))
    }
}
