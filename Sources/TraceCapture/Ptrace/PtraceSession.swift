import CTraceCapture
import Glibc
import PolicyModel

/// The state of one ptrace trace. Lives on, and is only touched from, the backend's tracing
/// thread: every ptrace request of a trace is made by the same thread, as the kernel requires.
final class PtraceSession: @unchecked Sendable {
    /// One traced thread.
    struct Tracee {
        var tgid: Int32
        /// The entry of a syscall whose exit stop is awaited (`--returns`, attach mode).
        var pending: SyscallEvent?
        /// Resumed with PTRACE_SYSCALL to see the exit of the current syscall.
        var awaitingExit = false
    }

    let target: TraceTarget
    let options: TraceOptions
    let batcher: EventBatcher
    /// Attached to a running process (detach on stop) rather than spawned.
    let attached: Bool
    /// Traced with PTRACE_SYSCALL (two stops per syscall) rather than a `RET TRACE` filter:
    /// attached processes, and spawned ones that must survive a detach (`keepRunning`), since a
    /// `RET TRACE` filter without a tracer fails every syscall with ENOSYS.
    let syscallStops: Bool
    private(set) var mainPid: Int32 = 0
    private(set) var end: TraceEnd?
    private var tracees: [Int32: Tracee] = [:]
    private var execSeen = false
    private var stopRequested: () -> Bool
    private let pathArguments: PathArguments
    private var pathBuffer = [CChar](repeating: 0, count: 256)
    private var info = CTraceCapture_syscall_info()

    static let seizeOptionsSpawn: UInt = UInt(CTraceCapture_PTRACE_O_EXITKILL | CTraceCapture_PTRACE_O_TRACESYSGOOD
        | CTraceCapture_PTRACE_O_TRACEFORK | CTraceCapture_PTRACE_O_TRACEVFORK | CTraceCapture_PTRACE_O_TRACECLONE
        | CTraceCapture_PTRACE_O_TRACEEXEC | CTraceCapture_PTRACE_O_TRACESECCOMP)
    static let seizeOptionsAttach: UInt = UInt(CTraceCapture_PTRACE_O_TRACESYSGOOD
        | CTraceCapture_PTRACE_O_TRACEFORK | CTraceCapture_PTRACE_O_TRACEVFORK | CTraceCapture_PTRACE_O_TRACECLONE
        | CTraceCapture_PTRACE_O_TRACEEXEC)

    init(target: TraceTarget, options: TraceOptions, batcher: EventBatcher, stopRequested: @escaping () -> Bool) {
        self.target = target
        self.options = options
        self.batcher = batcher
        self.stopRequested = stopRequested
        if case .attach = target { attached = true } else { attached = false }
        syscallStops = attached || options.keepRunning
        pathArguments = options.readPaths ? PathArguments(table: .shared) : .none
    }

    // MARK: - Starting

    /// Spawns the command and runs the trace until its exec succeeded (returns the pid) or failed.
    func spawn(_ command: [String]) throws(TraceError) -> Int32 {
        let child = try Spawn.start(command, filter: options.spawnFilter ?? (syscallStops ? [] : Spawn.traceEverything),
                                    noNewPrivs: .unlessCapSysAdmin, stopSelf: true, takeTerminal: options.takeTerminal,
                                    environment: options.terminalType.map(Spawn.environment(terminal:)))
        mainPid = child.pid
        var status: Int32 = 0
        let r = CTraceCapture_waitpid(child.pid, &status, CTraceCapture_WSTOPPED())
        guard r == child.pid, CTraceCapture_WIFSTOPPED(status) != 0 else {
            _ = Spawn.result(of: child, command: command)
            throw .systemCall("waitpid", pid: child.pid, errno: r < 0 ? -r : ECHILD)
        }
        if case .failure(let e) = Errno.result(CTraceCapture_ptrace_seize(child.pid, Self.seizeOptionsSpawn)) {
            kill(child.pid, SIGKILL)
            _ = CTraceCapture_waitpid(child.pid, &status, 0)
            _ = Spawn.result(of: child, command: command)
            throw .systemCall("PTRACE_SEIZE", pid: child.pid, errno: e.rawValue)
        }
        tracees[child.pid] = Tracee(tgid: child.pid)
        kill(child.pid, SIGCONT)
        while !execSeen && end == nil {
            guard step(blocking: true) else { break }
        }
        if let failure = Spawn.result(of: child, command: command) {
            batcher.discardPending()
            // The child exits 127 after reporting; trace it to its end so it is reaped.
            while !tracees.isEmpty, step(blocking: true) {}
            throw failure
        }
        return child.pid
    }

    /// Seizes every thread of `pid` and starts syscall tracing; returns `pid`.
    func attach(_ pid: Int32) throws(TraceError) -> Int32 {
        mainPid = pid
        guard kill(pid, 0) == 0 || errno == EPERM else { throw .noSuchProcess(pid) }
        var tried = Set<Int32>()
        // Threads may appear while we seize; those created by a seized thread are followed by
        // TRACECLONE, the rest are found by reading the task list again. Each thread is tried
        // once: one that a seized thread created is already ours (PTRACE_SEIZE fails with EPERM)
        // and is taken in at its first stop.
        while true {
            let tasks = ProcFS.threads(of: pid).filter { !tried.contains($0) }
            if tasks.isEmpty { break }
            for t in tasks {
                tried.insert(t)
                if case .failure(let e) = Errno.result(CTraceCapture_ptrace_seize(t, Self.seizeOptionsAttach)) {
                    // A thread that exited meanwhile (ESRCH) is skipped; failing on the first
                    // thread (EPERM: not ours, or already traced) fails the attach.
                    if e.rawValue != ESRCH && tracees.isEmpty {
                        throw TraceError.seizeFailed(pid: t, errno: e.rawValue)
                    }
                    continue
                }
                tracees[t] = Tracee(tgid: pid)
                CTraceCapture_ptrace_interrupt(t)
            }
        }
        guard !tracees.isEmpty else { throw .noSuchProcess(pid) }
        return pid
    }

    // MARK: - The loop

    /// Traces until every tracee is gone or a stop is requested.
    func run() {
        while !tracees.isEmpty {
            if stopRequested() {
                finishEarly()
                return
            }
            guard step(blocking: true) else { break }
        }
    }

    /// Waits for one stop or exit and handles it. Returns false when there is nothing left to
    /// wait for.
    @discardableResult
    func step(blocking: Bool) -> Bool {
        var status: Int32 = 0
        let tid = CTraceCapture_waitpid_once(-1, &status, blocking ? 0 : CTraceCapture_WNOHANG())
        if tid < 0 {
            if tid == -EINTR { return true }
            tracees.removeAll()
            return false
        }
        if tid == 0 { return true }
        handle(tid: tid, status: status)
        return true
    }

    private func handle(tid: Int32, status: Int32) {
        if CTraceCapture_WIFEXITED(status) != 0 || CTraceCapture_WIFSIGNALED(status) != 0 {
            if let t = tracees.removeValue(forKey: tid), let p = t.pending { emit(p) }
            if tid == mainPid && end == nil {
                end = CTraceCapture_WIFEXITED(status) != 0
                    ? .exited(CTraceCapture_WEXITSTATUS(status)) : .signaled(CTraceCapture_WTERMSIG(status))
            }
            return
        }
        guard CTraceCapture_WIFSTOPPED(status) != 0 else { return }
        if tracees[tid] == nil {
            // A new child or thread whose first stop came before its parent's fork/clone event.
            tracees[tid] = Tracee(tgid: ProcFS.tgid(of: tid) ?? tid)
        }
        let sig = CTraceCapture_WSTOPSIG(status)
        let event = CTraceCapture_ptrace_event(status)
        switch event {
        case 0 where sig == SIGTRAP | 0x80:
            syscallStop(tid)
        case 0:
            // Signal-delivery-stop: pass the signal on unchanged.
            if sig == SIGSYS && options.seccompSignals { seccompSignal(tid) }
            resume(tid, signal: sig)
        case Int32(CTraceCapture_PTRACE_EVENT_SECCOMP):
            seccompStop(tid)
        case Int32(CTraceCapture_PTRACE_EVENT_FORK), Int32(CTraceCapture_PTRACE_EVENT_VFORK),
             Int32(CTraceCapture_PTRACE_EVENT_CLONE):
            var msg: UInt = 0
            if CTraceCapture_ptrace_geteventmsg(tid, &msg) == 0 {
                let child = Int32(truncatingIfNeeded: msg)
                if tracees[child] == nil {
                    let tgid = event == Int32(CTraceCapture_PTRACE_EVENT_CLONE) ? (ProcFS.tgid(of: child) ?? child) : child
                    tracees[child] = Tracee(tgid: tgid)
                }
            }
            resume(tid, signal: 0)
        case Int32(CTraceCapture_PTRACE_EVENT_EXEC):
            execStop(tid)
        case Int32(CTraceCapture_PTRACE_EVENT_STOP):
            if sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU {
                // Group-stop: stay stopped, but let the tracer see SIGCONT and other events.
                CTraceCapture_ptrace_listen(tid)
            } else {
                resume(tid, signal: 0)
            }
        default:
            resume(tid, signal: 0)
        }
    }

    private func execStop(_ tid: Int32) {
        var msg: UInt = 0
        if CTraceCapture_ptrace_geteventmsg(tid, &msg) == 0 {
            let former = Int32(truncatingIfNeeded: msg)
            if former != tid, var t = tracees.removeValue(forKey: former) {
                // A non-leader thread exec'd: it now has the leader's tid; the leader is gone
                // without an exit report.
                t.tgid = tid
                t.pending?.tid = tid
                tracees[tid] = t
            }
        }
        // exec killed every other thread of the process.
        let tgid = tracees[tid]?.tgid ?? tid
        for (other, t) in tracees where other != tid && t.tgid == tgid {
            if let p = t.pending { emit(p) }
            tracees[other] = nil
        }
        if tid == mainPid { execSeen = true }
        resume(tid, signal: 0)
    }

    private func seccompStop(_ tid: Int32) {
        guard CTraceCapture_ptrace_get_syscall_info(tid, &info) == 0,
              info.op == UInt8(CTraceCapture_SYSCALL_INFO_SECCOMP) || info.op == UInt8(CTraceCapture_SYSCALL_INFO_ENTRY)
        else { resume(tid, signal: 0); return }
        let e = makeEvent(tid)
        if options.returns {
            tracees[tid]!.pending = e
            tracees[tid]!.awaitingExit = true
        } else {
            emit(e)
        }
        resume(tid, signal: 0)
    }

    private func syscallStop(_ tid: Int32) {
        guard CTraceCapture_ptrace_get_syscall_info(tid, &info) == 0 else { resume(tid, signal: 0); return }
        switch Int(info.op) {
        case Int(CTraceCapture_SYSCALL_INFO_ENTRY), Int(CTraceCapture_SYSCALL_INFO_SECCOMP):
            let e = makeEvent(tid)
            if options.returns { tracees[tid]!.pending = e } else { emit(e) }
        case Int(CTraceCapture_SYSCALL_INFO_EXIT):
            if var p = tracees[tid]!.pending {
                p.returnValue = info.rval
                emit(p)
                tracees[tid]!.pending = nil
            }
            tracees[tid]!.awaitingExit = false
        default:
            break
        }
        resume(tid, signal: 0)
    }

    /// A SIGSYS raised by a seccomp filter (`RET_TRAP`): the refused call, from the siginfo.
    private func seccompSignal(_ tid: Int32) {
        var si = CTraceCapture_sigsys_info()
        guard CTraceCapture_ptrace_getsiginfo(tid, &si) == 0, si.code == Int32(CTraceCapture_SYS_SECCOMP) else { return }
        let nr = si.syscall_nr
        let arch = Arch(auditArch: si.arch, nr: nr) ?? .host
        emit(SyscallEvent(pid: tracees[tid]?.tgid ?? tid, tid: tid, arch: arch, nr: nr, args: []))
    }

    private func makeEvent(_ tid: Int32) -> SyscallEvent {
        let nr = Int32(truncatingIfNeeded: info.nr)
        // An audit value that is none of ours (an ABI without a table here) is counted as the host's.
        let arch = Arch(auditArch: info.arch, nr: nr) ?? .host
        let a = info.args
        var e = SyscallEvent(pid: tracees[tid]?.tgid ?? tid, tid: tid, arch: arch, nr: nr,
                             arguments: CallArguments(a.0, a.1, a.2, a.3, a.4, a.5))
        pathArguments.read(into: &e, from: tid, buffer: &pathBuffer)
        return e
    }

    @inline(__always)
    private func emit(_ e: SyscallEvent) { batcher.append(e) }

    /// Restarts a stopped tracee: PTRACE_SYSCALL when syscall stops are wanted (attach mode, or
    /// the exit of the current syscall), else PTRACE_CONT (the seccomp filter stops it).
    private func resume(_ tid: Int32, signal: Int32) {
        if syscallStops || tracees[tid]?.awaitingExit == true {
            CTraceCapture_ptrace_syscall(tid, signal)
        } else {
            CTraceCapture_ptrace_cont(tid, signal)
        }
    }

    // MARK: - Stopping early

    /// Ends the trace now: attached (or `keepRunning`) tracees are detached and left running,
    /// spawned ones are killed. Every tracee is waited for, so none is left stopped.
    private func finishEarly() {
        let detach = attached || options.keepRunning
        if detach {
            for tid in tracees.keys { CTraceCapture_ptrace_interrupt(tid) }
        } else {
            for tgid in Set(tracees.values.map(\.tgid)) { kill(tgid, SIGKILL) }
        }
        var detached = Set<Int32>()
        while !tracees.isEmpty {
            var status: Int32 = 0
            let tid = CTraceCapture_waitpid(-1, &status, 0)
            if tid < 0 { break }
            if CTraceCapture_WIFEXITED(status) != 0 || CTraceCapture_WIFSIGNALED(status) != 0 {
                handle(tid: tid, status: status)
                continue
            }
            guard CTraceCapture_WIFSTOPPED(status) != 0 else { continue }
            let sig = CTraceCapture_WSTOPSIG(status)
            let event = CTraceCapture_ptrace_event(status)
            if !detach {
                // Killed processes leave every stop by themselves; a child born meanwhile is killed too.
                if tracees[tid] == nil {
                    tracees[tid] = Tracee(tgid: tid)
                    kill(tid, SIGKILL)
                }
                continue
            }
            if let p = tracees[tid]?.pending { emit(p) }
            tracees[tid] = nil
            if event == Int32(CTraceCapture_PTRACE_EVENT_FORK) || event == Int32(CTraceCapture_PTRACE_EVENT_VFORK)
                || event == Int32(CTraceCapture_PTRACE_EVENT_CLONE) {
                var msg: UInt = 0
                if CTraceCapture_ptrace_geteventmsg(tid, &msg) == 0 {
                    let child = Int32(truncatingIfNeeded: msg)
                    if !detached.contains(child) { tracees[child] = Tracee(tgid: child) }
                }
            }
            // A signal-delivery-stop keeps its signal; any other stop detaches with none.
            let pass = (event == 0 && sig != (SIGTRAP | 0x80)) ? sig : 0
            CTraceCapture_ptrace_detach(tid, pass)
            detached.insert(tid)
        }
        if detach { end = end ?? .detached }
    }
}
