import Foundation
import PolicyModel
#if canImport(Glibc)
import Glibc
import TraceCapture
#endif

/// Writes files so that a reader never sees a half-written one: the bytes go to a temporary
/// file in the same directory, which is then renamed over the destination.
///
/// A destination that is a symbolic link is written through (the link stays, its target is
/// replaced), but only a link the kernel's `protected_symlinks` rule would follow: a link in a
/// sticky world-writable directory (`/tmp`) is followed only when its owner is the caller or the
/// directory's owner, so that a link planted by another user cannot choose what is replaced.
/// An existing file keeps its owner, group and mode; a file with other hard links is refused
/// (a rename would split them). A destination that is not a regular file (`/dev/stdout`, a
/// pipe, a terminal, `/dev/null`) is written to directly: renaming over it would replace the
/// device node.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let (target, kind) = try destination(path)
        let existing: stat?
        switch kind {
        case .device: return try writeDirectly(bytes, to: target, reported: path)
        case .regularFile(let st): existing = st
        case .newFile: existing = nil  // 0666 less the umask, as any file the user creates
        }
        let url = URL(fileURLWithPath: target)
        let directory = url.deletingLastPathComponent().path
        var fd: Int32 = -1
        var tempPath = ""
        repeat {
            tempPath = directory + "/." + url.lastPathComponent + "." + String(UInt32.random(in: .min ... .max), radix: 36)
            fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        } while fd < 0 && errno == EEXIST
        guard fd >= 0 else { throw FileError(path: path, reason: "cannot write: \(errnoText())") }
        do {
            defer { close(fd) }
            try writeAll(bytes, to: fd, reported: path)
            try keepAttributes(of: existing, on: fd, reported: path)
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

    /// The replaced file's owner, group and permission bits on the new one (the owner first:
    /// chown clears set-user-ID bits); a new file gets 0666 less the umask. An owner or group
    /// the caller cannot give is refused rather than silently changed.
    private static func keepAttributes(of existing: stat?, on fd: Int32, reported path: String) throws {
        guard let existing else {
            let mask = umask(0)
            umask(mask)
            guard fchmod(fd, 0o666 & ~mask) == 0 else { throw FileError(path: path, reason: "cannot write: \(errnoText())") }
            return
        }
        if existing.st_uid != geteuid() || existing.st_gid != getegid() {
            guard fchown(fd, existing.st_uid, existing.st_gid) == 0 else {
                throw FileError(path: path, reason: "cannot replace it: it belongs to uid \(existing.st_uid), gid \(existing.st_gid), "
                                + "which the new file cannot keep (\(errnoText()))")
            }
        }
        guard fchmod(fd, existing.st_mode & 0o7777) == 0 else { throw FileError(path: path, reason: "cannot write: \(errnoText())") }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Fails, with the error `write` would give, when `path` cannot be written: for commands
    /// that trace a program first (record, enforce --complain -o), so that the trace is not
    /// taken only to be lost.
    public static func checkWritable(_ path: String) throws {
        let (target, kind) = try destination(path)
        let (checked, mode) = kind.isDevice
            ? (target, W_OK) : (URL(fileURLWithPath: target).deletingLastPathComponent().path, W_OK | X_OK)
        guard access(checked, mode) == 0 else { throw FileError(path: path, reason: "cannot write: \(errnoText())") }
    }

    /// What `path` names once its links are followed: a regular file (its status), nothing
    /// yet, or something else that is written in place; a directory is an error.
    private enum Destination {
        case newFile
        case regularFile(stat)
        case device

        var isDevice: Bool {
            if case .device = self { return true }
            return false
        }
    }

    private static func destination(_ path: String) throws -> (target: String, kind: Destination) {
        let target = try resolvedPath(path)
        var st = stat()
        guard stat(target, &st) == 0 else { return (target, .newFile) }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: throw FileError(path: path, reason: "cannot write: is a directory")
        case S_IFREG:
            guard st.st_nlink <= 1 else {
                throw FileError(path: path, reason: "cannot replace it: it has \(st.st_nlink) hard links, which a new file "
                                + "would not keep (write to another name, or remove the other links)")
            }
            return (target, .regularFile(st))
        default: return (target, .device)
        }
    }

    /// The most symbolic links followed in one path, as the kernel's MAXSYMLINKS.
    static let maxLinks = 40

    /// `path` with its symbolic links followed one component at a time (an absolute path
    /// without links; a missing tail is kept as written). Every link must pass the kernel's
    /// `protected_symlinks` rule: in a sticky world-writable directory, a link is followed only
    /// when the caller or the directory's owner owns it.
    private static func resolvedPath(_ path: String) throws -> String {
        var pending = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var resolved: [String] = []
        if !path.hasPrefix("/") {
            resolved = FileManager.default.currentDirectoryPath.split(separator: "/").map(String.init)
        }
        func joined(_ parts: [String]) -> String { "/" + parts.joined(separator: "/") }
        var links = 0
        while !pending.isEmpty {
            let name = pending.removeFirst()
            if name == "." { continue }
            if name == ".." {
                _ = resolved.popLast()
                continue
            }
            let candidate = joined(resolved + [name])
            var st = stat()
            guard lstat(candidate, &st) == 0 else { return joined(resolved + [name] + pending) }
            guard st.st_mode & S_IFMT == S_IFLNK else {
                resolved.append(name)
                continue
            }
            links += 1
            guard links <= maxLinks else { throw FileError(path: path, reason: "cannot write: too many levels of symbolic links") }
            let directory = joined(resolved)
            var dir = stat()
            if stat(directory, &dir) == 0, dir.st_mode & S_ISVTX != 0, dir.st_mode & S_IWOTH != 0,
               st.st_uid != geteuid(), st.st_uid != dir.st_uid {
                throw FileError(path: path, reason: "cannot write: \(candidate) is a symbolic link owned by uid \(st.st_uid) "
                                + "in the sticky world-writable directory \(directory); it is not followed (as the kernel's "
                                + "protected_symlinks rule does not follow it)")
            }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(candidate, &buffer, buffer.count - 1)
            guard n >= 0 else { throw FileError(path: path, reason: "cannot write: \(errnoText())") }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if link.hasPrefix("/") { resolved = [] }
            pending = link.split(separator: "/").map(String.init) + pending
        }
        return joined(resolved)
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
            switch valueOrErrno({ bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } }) {
            case .success(let written) where written > 0: offset += written
            case .success: throw FileError(path: path, reason: "cannot write: the write made no progress")
            case .failure(let e): throw FileError(path: path, reason: "cannot write: \(e)")
            }
        }
    }

    private static func errnoText() -> String { Errno.current.description }
}

/// A file that could not be read or written, with the reason.
public struct FileError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)".printableForMessage() }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
