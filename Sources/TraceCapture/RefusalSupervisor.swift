import CTraceCapture
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
    private let listener: Int32
    private let policy: Policy
    private let onRefused: @Sendable ([SyscallEvent]) -> Void
    private var stopPipe: [Int32] = [-1, -1]
    private let done = DispatchSemaphore(value: 0)
    /// (arch, nr) pairs already described with their paths: only a syscall's first call is read.
    private var described = Set<Int64>()
    private let pathIndices: [String: [Int]]

    init(listener: Int32, policy: Policy, onRefused: @escaping @Sendable ([SyscallEvent]) -> Void) {
        self.listener = listener
        self.policy = policy
        self.onRefused = onRefused
        var paths: [String: [Int]] = [:]
        for d in SyscallTable.shared.definitions {
            let i = d.arguments.indices.filter { d.arguments[$0].isPath }
            if !i.isEmpty { paths[d.name] = i }
        }
        pathIndices = paths
    }

    /// Starts answering on a thread of its own.
    func start() throws(TraceError) {
        guard pipe(&stopPipe) == 0 else { throw .systemCall("pipe", pid: nil, errno: errno) }
        for fd in stopPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let thread = Thread { [self] in
            serve()
            // Stopped, or the listener failed: closed, the kernel refuses what waits with ENOSYS.
            close(listener)
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
        var n = CTraceCapture_notif()
        while CTraceCapture_notif_receive(listener, stopPipe[0], &n) == 1 {
            let args = withUnsafeBytes(of: n.args) { Array($0.bindMemory(to: UInt64.self)) }
            let data = SeccompData(nr: n.nr, arch: n.arch, instructionPointer: n.instruction_pointer, args: args)
            // A call the policy does not refuse with an errno cannot come here unless the filter
            // and the policy disagree: refuse it (EPERM) rather than let it run.
            let err = policy.notifiedErrno(for: data) ?? EPERM
            let event = describe(n, data: data)
            _ = CTraceCapture_notif_respond(listener, n.id, err)
            if let event { onRefused([event]) }
        }
    }

    /// The call as an event; the path arguments of a syscall's first call are read from the
    /// caller's memory (kept only when the call is still waiting, so the pid was not reused).
    private func describe(_ n: CTraceCapture_notif, data: SeccompData) -> SyscallEvent? {
        guard let arch = policy.architecture(of: data) ?? Arch.candidates(auditArch: n.arch).first else { return nil }
        let pid = Int32(bitPattern: n.pid)
        var event = SyscallEvent(pid: pid, tid: pid, arch: arch, nr: n.nr, args: data.args)
        let key = Int64(n.arch) << 32 | Int64(UInt32(bitPattern: n.nr))
        guard described.insert(key).inserted,
              let name = SyscallTable.shared.name(of: n.nr, arch: arch), let indices = pathIndices[name] else { return event }
        var paths: [Int: String] = [:]
        var buffer = [UInt8](repeating: 0, count: 4096)
        for i in indices {
            let addr = data.args[i] & (arch.is32Bit ? 0xFFFF_FFFF : .max)
            guard addr != 0 else { continue }
            let got = buffer.withUnsafeMutableBufferPointer {
                $0.withMemoryRebound(to: CChar.self) { CTraceCapture_read_string(pid, addr, $0.baseAddress, UInt($0.count)) }
            }
            if got >= 0 { paths[i] = String(decoding: buffer[..<got], as: UTF8.self) }
        }
        if CTraceCapture_notif_id_valid(listener, n.id) != 0 { event.paths = paths }
        return event
    }
}
