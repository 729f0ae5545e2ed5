import Foundation
import Testing
import TUI
import TestSupport

@Suite struct OutputPreflightTests {
    @Test("record refuses an unwritable -o before running the program; a new file or a device passes")
    func refusedBeforeRunning() throws {
        let dir = try TestScratch.directory("preflight").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let marker = dir + "/ran"
        try "@default errno EPERM\n".write(toFile: dir + "/p.policy", atomically: false, encoding: .utf8)
        #expect(try EnforceTestSupport.failure(["record", "-o", dir, "--", "/bin/touch", marker])
                == "\(dir): cannot write: is a directory")
        #expect(try EnforceTestSupport.failure(["record", "-o", dir + "/none/p.json", "--", "/bin/touch", marker])
                == "\(dir)/none/p.json: cannot write: no such file or directory")
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(throws: Never.self) { try AtomicFile.checkWritable(dir + "/new.json") }
        #expect(throws: Never.self) { try AtomicFile.checkWritable("/dev/null") }
    }
}
