import Foundation
import PolicyModel
import Testing
import TUI
import TestSupport

/// `export` of text policies, run as the built binary.
@Suite struct ExportTextPolicyTests {
    static func directory(_ files: [String: String]) throws -> String {
        try TestScratch.directory("export-text", files: files)
    }

    @Test("export: a .policy becomes canonical text or OCI JSON; a bad one writes nothing and leaves an old output alone")
    func export() throws {
        let dir = try Self.directory([
            "p.policy": "@default errno EPERM\n@arch x86_64\nwrite: fd == 2 || fd == 1  # out of order\nread: allow\n",
            "bad.policy": "@default errno EPERM\nwrite: fd == 1 ||\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func run(_ args: [String]) throws -> String? { try EnforceTestSupport.failure(["export"] + args) }
        #expect(try run([dir + "/p.policy", "-o", dir + "/out.policy"]) == nil)
        #expect(try String(contentsOfFile: dir + "/out.policy", encoding: .utf8)
                == "@default errno EPERM\n@arch x86_64\n\nread: allow\nwrite: fd == 2 || fd == 1\n")
        #expect(try run([dir + "/p.policy", "-o", dir + "/out.json"]) == nil)
        let json = try PolicyIO.load(path: dir + "/out.json", options: PolicyLoadOptions(
            target: OCITarget(arch: .x86_64, kernel: KernelVersion(kernel: 6, major: 18))))
        // The OCI form of `fd == 1` is a masked test on the low 32 bits: compared by decisions.
        let text = try PolicyIO.load(path: dir + "/p.policy")
        for fd: UInt64 in [0, 1, 2, 3, 0x1_0000_0001] {
            for nr: Int32 in [0, 1] {
                let data = SeccompData(nr: nr, arch: .x86_64, args: [fd])
                #expect(json.decide(data) == text.decide(data), "nr \(nr) fd \(fd)")
            }
        }

        #expect(try run([dir + "/bad.policy", "-o", dir + "/new.json"])?.hasPrefix(dir + "/bad.policy:2:") == true)
        #expect(!FileManager.default.fileExists(atPath: dir + "/new.json"))
        #expect(try run([dir + "/bad.policy", "-o", dir + "/out.policy"])?.hasPrefix(dir + "/bad.policy:2:") == true)
        #expect(try String(contentsOfFile: dir + "/out.policy", encoding: .utf8).hasSuffix("write: fd == 2 || fd == 1\n"))
    }
}
