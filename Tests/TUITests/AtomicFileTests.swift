import Foundation
import Testing
@testable import TUI
import TestSupport

@Suite struct AtomicFileTests {
    static func scratch() throws -> String {
        let dir = try TestScratch.directory("atomic").path
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
        #expect(throws: FileError(path: dir + "/none/p.json", reason: "cannot write: no such file or directory")) {
            try AtomicFile.write("x", to: dir + "/none/p.json")
        }
    }
}

/// `-o` in hostile places: links planted by another user, files owned by others, hard links,
/// a full disk, a read-only directory.
@Suite struct AtomicFileHostileTests {
    /// A sticky world-writable directory like /tmp, owned by root.
    static func stickyDirectory() throws -> String {
        let dir = try AtomicFileTests.scratch()
        chmod(dir, 0o1777)
        return dir
    }

    @Test("a link planted by another user in a sticky world-writable directory is not followed; the target is untouched")
    func plantedLinkRefused() throws {
        let dir = try Self.stickyDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let victim = try AtomicFileTests.scratch() + "/victim.conf"
        try "precious".write(toFile: victim, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/out.policy", withDestinationPath: victim)
        lchown(dir + "/out.policy", 65534, 65534)  // planted by nobody
        #expect(throws: FileError.self) { try AtomicFile.write("@default allow\n", to: dir + "/out.policy") }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        // A link of the caller's own in the same directory is followed.
        lchown(dir + "/out.policy", geteuid(), getegid())
        try AtomicFile.write("mine", to: dir + "/out.policy")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "mine")
    }

    @Test("a planted link met on the way (a directory component) is refused too")
    func plantedDirectoryLinkRefused() throws {
        let dir = try Self.stickyDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let elsewhere = try AtomicFileTests.scratch()
        try FileManager.default.createSymbolicLink(atPath: dir + "/d", withDestinationPath: elsewhere)
        lchown(dir + "/d", 65534, 65534)
        #expect(throws: FileError.self) { try AtomicFile.write("x", to: dir + "/d/out.json") }
        #expect(!FileManager.default.fileExists(atPath: elsewhere + "/out.json"))
    }

    @Test("a replaced file keeps its owner, group and mode")
    func ownerKept() throws {
        let dir = try AtomicFileTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/theirs.json"
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        try #require(chown(path, 65534, 65534) == 0, "needs root")
        chmod(path, 0o604)
        try AtomicFile.write("new", to: path)
        var st = stat()
        try #require(stat(path, &st) == 0)
        #expect(st.st_uid == 65534 && st.st_gid == 65534)
        #expect(st.st_mode & 0o7777 == 0o604)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
    }

    @Test("a file with other hard links is refused, and both names keep the old bytes")
    func hardLinksRefused() throws {
        let dir = try AtomicFileTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "old".write(toFile: dir + "/a.json", atomically: false, encoding: .utf8)
        try #require(link(dir + "/a.json", dir + "/b.json") == 0)
        #expect(throws: FileError.self) { try AtomicFile.write("new", to: dir + "/a.json") }
        #expect(try String(contentsOfFile: dir + "/a.json", encoding: .utf8) == "old")
        #expect(try String(contentsOfFile: dir + "/b.json", encoding: .utf8) == "old")
    }

    @Test("a full disk (/dev/full) is an error that says so")
    func diskFull() throws {
        #expect(throws: FileError(path: "/dev/full", reason: "cannot write: no space left on device")) {
            try AtomicFile.write("bytes", to: "/dev/full")
        }
    }

    @Test("a fifo is written to in place, not replaced")
    func fifoWrittenInPlace() throws {
        let dir = try AtomicFileTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/out.fifo"
        try #require(mkfifo(fifo, 0o600) == 0)
        let reader = Thread {
            let fd = open(fifo, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(fd, &buffer, buffer.count) > 0 {}
            close(fd)
        }
        reader.start()
        try AtomicFile.write("through the fifo", to: fifo)
        var st = stat()
        try #require(lstat(fifo, &st) == 0)
        #expect(st.st_mode & S_IFMT == S_IFIFO)
    }
}
