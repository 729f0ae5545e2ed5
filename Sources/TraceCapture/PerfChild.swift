import CTraceCapture
import Dispatch
import Foundation
import Glibc

/// The command the perf backend starts, forked by a thread of its own that stays its parent
/// until it ends. That thread reaps it, lets it go when it calls `PTRACE_TRACEME` (which makes
/// the forking thread its tracer; only that thread can detach it), and is the thread whose end
/// kills it (`PR_SET_PDEATHSIG`) when the trace should not outlive the tool: SIGKILL of the
/// tool then ends the command too, as ptrace's EXITKILL does for the ptrace backend.
final class PerfChild: @unchecked Sendable {
    let pid: pid_t
    /// Write end: `CTraceCapture_perf_release` lets the held child exec.
    let releaseFD: Int32
    /// Read end: an exec failure's errno.
    let statusFD: Int32

    private let lock = NSLock()
    private let ended = DispatchSemaphore(value: 0)

    /// Forks `command`, held before its exec. With `dieWithTracer` it is killed if this process dies.
    /// `environment` replaces this process's for the command (nil: the same).
    init(_ command: [String], dieWithTracer: Bool, takeTerminal: Bool,
         environment: [String]? = nil) throws(PerfBackendError) {
        let forked = DispatchSemaphore(value: 0)
        let box = ForkResult()
        let thread = Thread { [lock, ended] in
            var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
            var release: Int32 = -1, status: Int32 = -1
            var envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup($0) } + [nil] }
            let pid = envp.withOptionalBuffer { env in
                CTraceCapture_perf_spawn_held(command[0], &argv, env, dieWithTracer ? 1 : 0, takeTerminal ? 1 : 0,
                                              &release, &status)
            }
            for p in argv + (envp ?? []) { free(p) }
            box.values = (pid, release, status)
            forked.signal()
            guard pid > 0 else { return }
            // Blocks until the command ends: a PTRACE_TRACEME stop is answered here. Its end is
            // seen without reaping it (WNOWAIT): a command let go to run on (`letGo`) is left for
            // its new waiter, who would otherwise race this thread for its status.
            var end: Int32?
            while true {
                var info = siginfo_t()
                guard case .success = valueOrErrno({ waitid(P_PID, id_t(pid), &info, WEXITED | WSTOPPED | WNOWAIT) }) else { break }
                if info.si_code == CLD_TRAPPED || info.si_code == CLD_STOPPED {
                    // Takes the stop and lets the child go. A child killed since it stopped (stop()
                    // sends SIGSTOP, then SIGKILL) is reaped by that wait: its status is the end.
                    if let status = ChildWait.status(of: pid, flags: WNOHANG) {
                        end = status
                        break
                    }
                    continue
                }
                lock.lock()
                let reap = !box.letGo
                lock.unlock()
                if reap { end = ChildWait.status(of: pid) }
                break
            }
            lock.lock()
            box.status = end
            lock.unlock()
            ended.signal()
        }
        thread.name = "seccomp-tui perf child"
        thread.start()
        forked.wait()
        let (pid, release, status) = box.values
        if pid < 0 { throw PerfBackendError.system(operation: "fork", errno: -pid) }
        self.pid = pid
        self.releaseFD = release
        self.statusFD = status
        self.box = box
    }

    private let box: ForkResult

    enum Outcome {
        case running
        /// Its wait status.
        case ended(Int32)
        /// `waitpid` failed: someone else reaped it.
        case lost
    }

    /// How the command stands at `deadline` (or once it ended, when that is sooner).
    @discardableResult
    func end(by deadline: DispatchTime = .distantFuture) -> Outcome {
        guard ended.wait(timeout: deadline) == .success else { return .running }
        ended.signal()
        lock.lock()
        defer { lock.unlock() }
        return box.status.map { .ended($0) } ?? .lost
    }

    /// The command runs on after the trace: its end is not reaped here.
    func letGo() {
        lock.lock()
        box.letGo = true
        lock.unlock()
    }

    private final class ForkResult: @unchecked Sendable {
        var values: (pid: pid_t, release: Int32, status: Int32) = (-1, -1, -1)
        var status: Int32?
        var letGo = false
    }
}
