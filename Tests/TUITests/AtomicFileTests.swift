import Foundation
import Testing
@testable import TUI
import TestScratch

@Suite struct AtomicFileTests {
    static func scratch() throws -> String {
        let dir = TestScratch.root.appendingPathComponent("atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("a symbolic link is written through: the link stays, its target gets the bytes, no temporary is left")
    func symlinkWrittenThrough() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "old".write(toFile: dir + "/target.json", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.json", withDestinationPath: "target.json")
        try AtomicFile.write("new", to: dir + "/link.json")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.json") == "target.json")
        #expect(try String(contentsOfFile: dir + "/target.json", encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["link.json", "target.json"])
    }

    @Test("a link to a device (as /dev/stdout is) is written to, never replaced by a regular file")
    func deviceNotReplaced() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir + "/out", withDestinationPath: "/dev/null")
        try AtomicFile.write("bytes", to: dir + "/out")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/out") == "/dev/null")
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
        #expect(type == .typeCharacterSpecial)
    }

    @Test("an existing file keeps its permissions; a directory or a missing directory is a clear error")
    func modesAndErrors() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "old".write(toFile: dir + "/p.json", atomically: false, encoding: .utf8)
        chmod(dir + "/p.json", 0o640)
        try AtomicFile.write("new", to: dir + "/p.json")
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/p.json")[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(throws: FileError(path: dir, reason: "cannot write: is a directory")) {
            try AtomicFile.write("x", to: dir)
        }
        #expect(throws: FileError(path: dir + "/none/p.json", reason: "cannot write: No such file or directory")) {
            try AtomicFile.write("x", to: dir + "/none/p.json")
        }
    }
}
