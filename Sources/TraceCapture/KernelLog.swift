import Glibc
import PolicyModel

/// The seccomp audit records the kernel writes to its log (`/dev/kmsg`) from now on: opened
/// before a command starts, read after it ended. The kernel logs there when no audit daemon
/// takes the records, and rate-limits it (`kernel.printk_ratelimit`).
public final class KernelLog {
    private let fd: Int32

    /// nil when the kernel log cannot be read (no CAP_SYSLOG, no /dev/kmsg).
    public init?() {
        fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        // Skip everything already there.
        lseek(fd, 0, SEEK_END)
    }

    deinit { close(fd) }

    /// The seccomp records written since the last call (or since the log was opened).
    public func seccompRecords() -> [SeccompAuditRecord] {
        var out: [SeccompAuditRecord] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            // One read returns one record; EAGAIN when there is none left, EPIPE when records
            // were overwritten before we read them (the next read continues).
            let n: Int
            switch valueOrErrno(retryOnInterrupt: true, { buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }) {
            case .success(let count): n = count
            case .failure(let e) where e.rawValue == EPIPE: continue
            case .failure: return out
            }
            if n == 0 { break }
            let text = String(decoding: buffer[0..<n], as: UTF8.self)
            // "PRIORITY,SEQ,TIME,FLAGS;MESSAGE\n" and continuation lines.
            guard let semicolon = text.firstIndex(of: ";") else { continue }
            let message = text[text.index(after: semicolon)...].prefix { $0 != "\n" }
            if let r = SeccompAuditRecord(line: message) { out.append(r) }
        }
        return out
    }
}
