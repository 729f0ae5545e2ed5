import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that a reader never sees a half-written one: the bytes go to a temporary
/// file in the same directory, which is then renamed over the destination.
///
/// A destination that is a symbolic link is written through (the link stays, its target is
/// replaced). A destination that is not a regular file (`/dev/stdout`, a pipe, a terminal,
/// `/dev/null`) is written to directly: renaming over it would replace the device node.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let (target, kind) = try destination(path)
        let existingMode: mode_t?
        switch kind {
        case .device: return try writeDirectly(bytes, to: target, reported: path)
        case .regularFile(let mode): existingMode = mode
        case .newFile: existingMode = nil  // 0666 less the umask, as any file the user creates
        }
        let url = URL(fileURLWithPath: target)
        let directory = url.deletingLastPathComponent().path
        var fd: Int32 = -1
        var tempPath = ""
        repeat {
            tempPath = directory + "/." + url.lastPathComponent + "." + String(UInt32.random(in: .min ... .max), radix: 36)
            fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        } while fd < 0 && errno == EEXIST
        guard fd >= 0 else { throw FileError(path: path, reason: "cannot write: \(errnoText())") }
        do {
            defer { close(fd) }
            try writeAll(bytes, to: fd, reported: path)
            if let existingMode { fchmod(fd, existingMode) }
            guard fsync(fd) == 0 else { throw FileError(path: path, reason: "cannot write: \(errnoText())") }
        } catch {
            unlink(tempPath)
            throw error
        }
        guard rename(tempPath, target) == 0 else {
            let reason = "cannot write: \(errnoText())"
            unlink(tempPath)
            throw FileError(path: path, reason: reason)
        }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Fails, with the error `write` would give, when `path` cannot be written: for commands
    /// that trace a program first (record, enforce --complain -o), so that the trace is not
    /// taken only to be lost.
    public static func checkWritable(_ path: String) throws {
        let (target, kind) = try destination(path)
        let (checked, mode) = kind == .device
            ? (target, W_OK) : (URL(fileURLWithPath: target).deletingLastPathComponent().path, W_OK | X_OK)
        guard access(checked, mode) == 0 else { throw FileError(path: path, reason: "cannot write: \(errnoText())") }
    }

    /// What `path` names once its links are followed: a regular file (with its permission
    /// bits), nothing yet, or something else that is written in place; a directory is an error.
    private enum Destination: Equatable {
        case newFile
        case regularFile(mode_t)
        case device
    }

    private static func destination(_ path: String) throws -> (target: String, kind: Destination) {
        let target = resolvedPath(path)
        var st = stat()
        guard stat(target, &st) == 0 else { return (target, .newFile) }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: throw FileError(path: path, reason: "cannot write: is a directory")
        case S_IFREG: return (target, .regularFile(st.st_mode & 0o7777))
        default: return (target, .device)
        }
    }

    /// `path` with its symbolic links followed, when it exists (else `path` itself).
    private static func resolvedPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func writeDirectly(_ bytes: [UInt8], to target: String, reported path: String) throws {
        let fd = open(target, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, reason: "cannot write: \(errnoText())") }
        defer { close(fd) }
        try writeAll(bytes, to: fd, reported: path)
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, reported path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw FileError(path: path, reason: "cannot write: \(errnoText())") }
            offset += n
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// A file that could not be read or written, with the reason.
public struct FileError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
