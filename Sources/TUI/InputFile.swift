import Foundation
#if canImport(Glibc)
import Glibc
import TraceCapture
#endif

/// Reading an untrusted input file: at most `limit` bytes are ever held (a larger file, or an
/// endless one such as /dev/zero, is refused after `limit + 1` bytes), directories are refused,
/// pipes and /dev/stdin are read to their end. Every error names the file and says why.
public enum InputFile {
    public static func read(path: String, limit: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, reason: "cannot read: \(reason(errno))") }
        defer { close(fd) }
        var st = stat()
        let known = fstat(fd, &st) == 0
        if known && (st.st_mode & S_IFMT) == S_IFDIR {
            throw FileError(path: path, reason: "cannot read: is a directory, not a file")
        }
        var bytes: [UInt8] = []
        // A regular file's size is known: one buffer of that size, not a doubling one (which
        // holds up to twice the file, and three times while it grows).
        if known && (st.st_mode & S_IFMT) == S_IFREG && st.st_size > 0 {
            bytes.reserveCapacity(min(Int(st.st_size), limit) + 1)
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= limit {
            let want = min(chunk.count, limit + 1 - bytes.count)
            let n: Int
            switch valueOrErrno({ chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, want) } }) {
            case .success(let got): n = got
            case .failure(let e): throw FileError(path: path, reason: "cannot read: \(reason(e.rawValue))")
            }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
        }
        let size = limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit) bytes"
        throw FileError(path: path, reason: "the file is larger than the limit of \(size)")
    }

    /// Why an open or read failed, in words.
    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EACCES: return "permission denied"
        case ELOOP: return "too many levels of symbolic links"
        case EISDIR: return "is a directory, not a file"
        default: return Errno(code).description
        }
    }
}
