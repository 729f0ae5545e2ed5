import Foundation
import PolicyModel
import Testing
@testable import TUI
import TestSupport

@Suite struct PolicyIOTextTests {
    static func directory(_ files: [String: String]) throws -> String {
        try TestScratch.directory("policyio", files: files)
    }

    @Test("a .policy file loads with its @include read from disk, and encodes back to the same text")
    func loadAndEncode() throws {
        let dir = try Self.directory([
            "p.policy": "@default errno 1\n@arch x86_64\n@include inc/io.policy\n",
            "inc/io.policy": "read: allow\nwrite: fd == 1 || fd == 2\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let policy = try PolicyIO.load(path: dir + "/p.policy")
        #expect(policy.defaultAction == .errno(1))
        #expect(policy.rules.map(\.syscall) == ["read", "write", "write"])
        let text = String(decoding: try PolicyIO.encode(policy, as: .text), as: UTF8.self)
        #expect(text.contains("read: allow\nwrite: fd == 1 || fd == 2\n"))
        try AtomicFile.write(text, to: dir + "/out.policy")
        #expect(try PolicyIO.load(path: dir + "/out.policy") == policy)
    }

    @Test("a policy file is read up to its limit and refused one byte beyond it")
    func sizeLimit() throws {
        let dir = try Self.directory([:])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try String(repeating: " ", count: 100).write(toFile: dir + "/small.json", atomically: true, encoding: .utf8)
        #expect(throws: FileError(path: dir + "/small.json", reason: "the file is larger than the limit of 99 bytes")) {
            try PolicyIO.readPolicyFile(path: dir + "/small.json", limit: 99)
        }
        #expect(try PolicyIO.readPolicyFile(path: dir + "/small.json", limit: 100).count == 100)
    }

    @Test("bad input: the error names the file, line and column; a missing include says so")
    func errors() throws {
        let dir = try Self.directory([
            "bad.policy": "@default kill\nwrite: fd = 1\n",
            "missing.policy": "@default kill\n@include inc/none.policy\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: TextPolicyDiagnostic(file: dir + "/bad.policy", line: 2, column: 11,
                                             message: "expected '==' (a single '=' is not an operator)")) {
            try PolicyIO.load(path: dir + "/bad.policy")
        }
        #expect(throws: TextPolicyDiagnostic(file: dir + "/missing.policy", line: 2, column: 10,
                                             message: "cannot read included file '\(dir)/inc/none.policy': \(dir)/inc/none.policy: cannot read: no such file")) {
            try PolicyIO.load(path: dir + "/missing.policy")
        }
        #expect(throws: FileError.self) { try PolicyIO.load(path: dir + "/absent.policy") }
        try FileManager.default.createDirectory(atPath: dir + "/folder.policy", withIntermediateDirectories: true)
        #expect(throws: FileError.self) { try PolicyIO.load(path: dir + "/folder.policy") }
    }

}

/// Which reader a policy file gets when its name does not say.
@Suite struct PolicyIOSniffTests {
    @Test("a text policy exported under another name (.txt, no extension) reads back as text; OCI JSON as OCI")
    func byContent() throws {
        let dir = try PolicyIOTextTests.directory([
            "p.policy": "@default errno 1\n@arch x86_64\nread: allow\nwrite: fd == 1\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let policy = try PolicyIO.load(path: dir + "/p.policy")
        for name in ["p.txt", "policy"] {
            try AtomicFile.write(try PolicyIO.encode(policy, as: .text), to: dir + "/" + name)
            #expect(try PolicyIO.load(path: dir + "/" + name) == policy)
        }
        let oci = try PolicyIO.encode(policy, as: .oci)
        try AtomicFile.write(oci, to: dir + "/oci.json")
        try AtomicFile.write(oci, to: dir + "/oci.profile")
        #expect(try PolicyIO.load(path: dir + "/oci.profile") == PolicyIO.load(path: dir + "/oci.json"))
        // The OCI form of `fd == 1` is a masked test on the low 32 bits.
        #expect(try PolicyIO.load(path: dir + "/oci.profile").rules.map(\.syscall) == policy.rules.map(\.syscall))
        #expect(try PolicyIO.load(path: dir + "/oci.profile").rules[1].conditions.map(\.op) == [.maskedEq])
    }

    @Test("a compiled filter given as a policy is refused, naming what it is and what to give instead")
    func compiled() throws {
        let dir = try PolicyIOTextTests.directory(["p.policy": "@default kill\n@arch x86_64\nread: allow\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let policy = try PolicyIO.load(path: dir + "/p.policy")
        try AtomicFile.write(try PolicyIO.encode(policy, as: .bpf), to: dir + "/p.bpf")
        let error = try #require(throws: FileError.self) { try PolicyIO.load(path: dir + "/p.bpf") }
        #expect(error.description.hasPrefix(dir + "/p.bpf: is a compiled filter (raw BPF), not a policy"))
    }
}
