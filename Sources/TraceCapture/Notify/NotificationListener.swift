import CTraceCapture
import Foundation
import Glibc
import PolicyModel

/// One call waiting in the kernel for the supervisor's answer (`struct seccomp_notif`).
public struct SeccompNotification: Sendable, Hashable {
    /// The kernel's cookie for this call; answers and validity checks name it.
    public var id: UInt64
    /// The calling thread, in the supervisor's pid namespace.
    public var tid: Int32
    public var data: SeccompData

    init(_ n: CTraceCapture_notification) {
        id = n.id
        tid = Int32(bitPattern: n.pid)
        let a = n.args
        data = SeccompData(nr: n.nr, arch: n.arch, instructionPointer: n.instruction_pointer,
                           args: [a.0, a.1, a.2, a.3, a.4, a.5])
    }
}

/// How a waiting call is answered.
public enum NotificationResponse: Sendable, Hashable {
    /// The call runs as if the filter had allowed it (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`). The
    /// kernel reads the arguments again: a pointer's contents may have changed since the
    /// supervisor read them (this is why ask mode is not a security boundary).
    case continueCall
    /// The call fails with this errno.
    case fail(errno: Int32)
    /// The call does not run and returns `value`.
    case result(Int64)
}

/// A seccomp user-notification listener (the descriptor `SECCOMP_FILTER_FLAG_NEW_LISTENER`
/// returns): receive the calls that a filter's `SECCOMP_RET_USER_NOTIF` holds, and answer them.
/// General: used by `ask`, usable by any supervisor. Closing it (or the process ending) makes
/// every waiting and later notified call fail with ENOSYS: a program is never left blocked.
public final class NotificationListener: @unchecked Sendable {
    /// The listener descriptor (owned: closed by `close()` or deinit).
    public let fd: Int32
    private let lock = NSLock()
    private var closed = false
    private var released = false

    /// Takes ownership of `fd`.
    public init(fd: Int32) { self.fd = fd }

    deinit {
        close()
        if !released { _ = Glibc.close(fd) }
    }

    /// Whether the running kernel's notification structures fit ours (nil), else the error.
    public static func kernelSupport() -> TraceError? {
        let r = CTraceCapture_notif_check_sizes()
        return r == 0 ? nil : .systemCall("seccomp(SECCOMP_GET_NOTIF_SIZES)", pid: nil, errno: -r)
    }

    /// What waiting on the listener found.
    public enum Readiness: Sendable, Equatable {
        /// A call waits to be received.
        case call
        /// Every task using the filter is gone: nothing will ever be notified again.
        case hangup
        /// The `wake` descriptor became readable.
        case woken
        case timeout
    }

    /// Waits for a call, the filter's last user to go, or `wake` (a pipe's read end) to become
    /// readable, for at most `timeoutMS` (-1: forever).
    public func wait(wake: Int32 = -1, timeoutMS: Int32 = -1) throws(TraceError) -> Readiness {
        let m = CTraceCapture_notif_poll(fd, wake, timeoutMS)
        if m < 0 { throw .systemCall("poll", pid: nil, errno: -m) }
        if m & 4 != 0 { return .woken }
        if m & 1 != 0 { return .call }
        if m & 2 != 0 { return .hangup }
        return .timeout
    }

    /// Receives the next waiting call (blocks until there is one); nil when the call went away
    /// between the wake-up and the receive (its thread was killed).
    public func receive() throws(TraceError) -> SeccompNotification? {
        var n = CTraceCapture_notification()
        let r = CTraceCapture_notif_recv(fd, &n)
        if r == -ENOENT { return nil }
        if r < 0 { throw .systemCall("SECCOMP_IOCTL_NOTIF_RECV", pid: nil, errno: -r) }
        return SeccompNotification(n)
    }

    /// Whether call `id` still waits. Check it after reading the caller's memory: if it does
    /// not, the thread may be gone and its pid reused, and what was read is not its.
    public func isValid(_ id: UInt64) -> Bool {
        CTraceCapture_notif_id_valid(fd, id) == 0
    }

    /// Answers call `id`. Returns false when the call no longer waits (its thread was killed or
    /// a signal interrupted the call, which the program then restarts or sees as EINTR).
    @discardableResult
    public func respond(_ id: UInt64, _ response: NotificationResponse) -> Bool {
        let r: Int32
        switch response {
        case .continueCall: r = CTraceCapture_notif_send(fd, id, 0, 0, UInt32(CTraceCapture_NOTIF_FLAG_CONTINUE))
        case .fail(let e): r = CTraceCapture_notif_send(fd, id, 0, -e, 0)
        case .result(let v): r = CTraceCapture_notif_send(fd, id, v, 0, 0)
        }
        return r == 0
    }

    /// Closes the listener: calls waiting now and later fail with ENOSYS. Idempotent. The
    /// descriptor number stays taken (by /dev/null) until deinit, so that an answer racing with
    /// the close can never reach another file that reused the number.
    public func close() {
        let doClose = lock.withLock { () -> Bool in
            if closed { return false }
            closed = true
            return true
        }
        guard doClose else { return }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if null >= 0, dup2(null, fd) == fd {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = Glibc.close(null)
        } else {
            if null >= 0 { _ = Glibc.close(null) }
            _ = Glibc.close(fd)
            lock.withLock { released = true }
        }
    }
}
