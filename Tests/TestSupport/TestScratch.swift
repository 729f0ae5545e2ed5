import Foundation

/// Scratch space for tests: one directory per test process under the system's temporary
/// directory (`seccomp-tui-tests-PID`), removed with everything in it when the process exits,
/// so that test runs leave nothing in /tmp.
public enum TestScratch {
    /// The process's scratch root, made on first use.
    public static let root: URL = {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
            .appendingPathComponent("seccomp-tui-tests-\(getpid())", isDirectory: true)
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        atexit { TestScratch.removeRoot() }
        return dir
    }()

    /// A fresh directory `LABEL-XXXXXXXX` under the root.
    public static func directory(_ label: String) throws -> URL {
        let dir = root.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A fresh directory `LABEL-XXXXXXXX` holding `files` (path relative to it → text; the
    /// directories of a path are made); returns its path.
    public static func directory(_ label: String, files: [String: String]) throws -> String {
        let dir = try directory(label)
        for (name, text) in files {
            let file = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        return dir.path
    }

    private static func removeRoot() {
        try? FileManager.default.removeItem(at: root)
    }
}
