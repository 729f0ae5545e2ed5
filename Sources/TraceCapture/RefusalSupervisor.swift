import Foundation
import Glibc
import PolicyModel

/// The user-notification supervisor of `enforce`: the filter installed is
/// `policy.notifyingErrnoRefusals()`, so every call the policy refuses with an errno waits on the
/// listener; a thread here answers each with the policy's errno (the call never runs) and hands
/// it to `onRefused`. Calls the policy allows never reach it (they stay `RET_ALLOW`, cached by the
/// kernel). Fail closed: when the listener is closed (this process ends or `stop` ran), the
/// kernel answers waiting and later notified calls with ENOSYS — still a refusal.
final class RefusalSupervisor: @unchecked Sendable {
    private let listener: NotificationListener
    private let policy: Policy
    private let onRefused: @Sendable ([SyscallEvent]) -> Void
    private var stopPipe: [Int32] = [-1, -1]
    private let done = DispatchSemaphore(value: 0)
    /// (arch, nr) pairs already described with their paths: only a syscall's first call is read.
    private var described = Set<Int64>()
    private let pathArguments = PathArguments()
    private var pathBuffer = [CChar](repeating: 0, count: 4096)

    /// Takes ownership of `listener`.
    init(listener: Int32, policy: Policy, onRefused: @escaping @Sendable ([SyscallEvent]) -> Void) {
        self.listener = NotificationListener(fd: listener)
        self.policy = policy
        self.onRefused = onRefused
    }

    /// Starts answering on a thread of its own.
    func start() throws(TraceError) {
        guard pipe(&stopPipe) == 0 else { throw .systemCall("pipe", pid: nil, errno: errno) }
        for fd in stopPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let thread = Thread { [self] in
            serve()
            // Stopped, or the listener failed: closed, the kernel refuses what waits with ENOSYS.
            listener.close()
            done.signal()
        }
        thread.name = "seccomp-tui refusal supervisor"
        thread.start()
    }

    /// Stops answering; the listener is closed (calls still waiting, and any later refused call
    /// of a process the command left behind, then fail with ENOSYS).
    func stop() {
        var byte: UInt8 = 1
        _ = write(stopPipe[1], &byte, 1)
        done.wait()
        close(stopPipe[0])
        close(stopPipe[1])
    }

    private func serve() {
        while true {
            let ready: NotificationListener.Readiness
            do { ready = try listener.wait(wake: stopPipe[0]) } catch { return }
            guard ready == .call else {
                if ready == .timeout { continue }
                return  // stopped, or every process using the filter is gone
            }
            let n: SeccompNotification?
            do { n = try listener.receive() } catch { return }
            guard let n else { continue }  // the caller went away before it was received
            // A call the policy does not refuse with an errno cannot come here unless the filter
            // and the policy disagree: refuse it (EPERM) rather than let it run.
            let err = policy.notifiedErrno(for: n.data) ?? EPERM
            let event = describe(n)
            listener.respond(n.id, .fail(errno: err))
            if let event { onRefused([event]) }
        }
    }

    /// The call as an event; the path arguments of a syscall's first call are read from the
    /// caller's memory (kept only when the call is still waiting, so the pid was not reused).
    private func describe(_ n: SeccompNotification) -> SyscallEvent? {
        let data = n.data
        guard let arch = policy.architecture(of: data) ?? Arch(auditArch: data.arch, nr: data.nr) else { return nil }
        let pid = n.tid
        var event = SyscallEvent(pid: pid, tid: pid, arch: arch, nr: data.nr, args: data.args)
        let key = Int64(data.arch) << 32 | Int64(UInt32(bitPattern: data.nr))
        guard described.insert(key).inserted else { return event }
        pathArguments.read(into: &event, from: pid, buffer: &pathBuffer)
        if !listener.isValid(n.id) { event.paths = [:] }
        return event
    }
}
