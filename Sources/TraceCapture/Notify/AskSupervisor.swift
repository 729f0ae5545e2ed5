import CTraceCapture
import Foundation
import Glibc
import PolicyModel

/// Runs a command in ask mode: the policy is installed so that every call it does not decide
/// explicitly waits in the kernel (`SECCOMP_RET_USER_NOTIF`) until this supervisor answers it.
/// Calls that an earlier "always" answer covers are answered at once from the supervised set
/// (`AskRules`): only the task itself can install a filter, so the kernel's filter cannot grow
/// while the program runs. The others are handed to `onAsk` in arrival order and wait for
/// `answer(_:_:)`, from any thread.
///
/// Fail safe: the listener is held only by this process; when it closes (`stop()`, or the
/// process dies) every waiting and later notified call fails with ENOSYS, so the program is never
/// left blocked. Children (`fork`, `clone`) inherit the filter and keep asking, and so does a
/// program started by `execve`. Not a security boundary: an allowed call continues
/// (`SECCOMP_USER_NOTIF_FLAG_CONTINUE`) and the kernel reads its arguments again, so a racing
/// thread can change what a path argument points to after the supervisor read it.
public final class AskSupervisor: @unchecked Sendable {
    /// Counts of what the supervisor did.
    public struct Statistics: Sendable, Equatable {
        /// Calls handed to `onAsk`.
        public var asked = 0
        /// Calls answered from the supervised set (earlier "always" answers).
        public var answeredByRules = 0
        /// Calls the policy decides that the filter still sends (`execve` and `execveat`).
        public var decidedByPolicy = 0
        /// Calls that went away before they were answered (thread killed, call interrupted).
        public var gone = 0
    }

    /// The policy given (nil: none; every call asks).
    public let base: Policy?
    /// The policy the filter is compiled from (`Policy.askingUndecided`).
    public let installed: Policy
    private let command: [String]
    private let readPaths: PathArguments
    private let onAsk: @Sendable (AskedCall) -> Void
    private let onResolved: @Sendable ([UInt64]) -> Void
    private let onCall: @Sendable (SyscallEvent) -> Void

    private let lock = NSLock()
    private var listener: NotificationListener?
    private var pending: [UInt64: AskedCall] = [:]
    private var rules = AskRules()
    private var profile: Profile
    private var launchedExec = false
    private var stats = Statistics()
    private var child: Int32 = 0
    /// The command has exited (not yet reaped, or reaped): its pid may no longer be signalled.
    private var childEnded = false
    private var terminating = false
    private var wake: (read: Int32, write: Int32) = (-1, -1)
    private let loopDone = DispatchSemaphore(value: 0)
    private var pathBuffer = [CChar](repeating: 0, count: 256)

    /// `onAsk` receives each call that needs an answer, on the supervisor's thread, in arrival
    /// order; it must return promptly (no other call is received meanwhile): it may call `answer`
    /// at once, or queue the call and answer later from any thread. `onResolved` receives the ids of waiting
    /// calls that were settled without their own answer: covered by a later "always" answer, or
    /// gone (after `onAsk`, a call may go away: its answer is then ignored). `onCall` receives
    /// every call the asked-calls profile counts, as it is counted (for live statistics).
    public init(policy: Policy?, command: [String], readPaths: Bool = true,
                onAsk: @escaping @Sendable (AskedCall) -> Void,
                onResolved: @escaping @Sendable ([UInt64]) -> Void = { _ in },
                onCall: @escaping @Sendable (SyscallEvent) -> Void = { _ in }) {
        precondition(!command.isEmpty, "empty command")
        base = policy
        installed = (policy ?? Policy(defaultAction: .userNotif)).askingUndecided()
        self.command = command
        self.readPaths = readPaths ? PathArguments(table: .shared) : .none
        self.onAsk = onAsk
        self.onResolved = onResolved
        self.onCall = onCall
        profile = Profile(metadata: ProfileMetadata(command: command, backend: "seccomp user notification (ask)",
                                                    startTime: Date().timeIntervalSince1970))
    }

    deinit {
        if wake.read >= 0 { close(wake.read); close(wake.write) }
    }

    // MARK: - Starting

    /// The filter flags: the policy's that apply to one thread before exec (`log`, `spec_allow`).
    var installFlags: UInt32 {
        (base?.flags ?? []).filter { $0 == .log || $0 == .specAllow }.reduce(0) { $0 | $1.bit }
    }

    /// Compiles the filter, spawns the command with it, takes its listener and answers the
    /// command's own exec; returns the command's pid once it runs. Nothing runs when the policy
    /// cannot be compiled, refuses `execve`, or the kernel lacks user notifications.
    public func start() throws(EnforceError) -> Int32 {
        guard lock.withLock({ child == 0 && wake.read < 0 }) else { throw .start(.alreadyStarted) }
        if let e = NotificationListener.kernelSupport() { throw .start(e) }
        let program: [SockFilter]
        do {
            program = try BPFCompiler.compile(installed)
        } catch {
            throw .compile("\(error)")
        }
        try checkExec(program)
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw .start(.systemCall("pipe", pid: nil, errno: errno)) }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        wake = (fds[0], fds[1])
        let spawned = try spawn(program)
        let l = NotificationListener(fd: spawned.listener)
        do {
            try launch(spawned.child, listener: l)
        } catch {
            l.close()
            var status: Int32 = 0
            _ = CTraceCapture_waitpid(spawned.child.pid, &status, 0)
            throw Enforcer.map(error)
        }
        lock.withLock {
            child = spawned.child.pid
            listener = l
        }
        Thread.detachNewThread { [self] in
            serve(l)
            loopDone.signal()
        }
        return spawned.child.pid
    }

    /// Refuses a filter that refuses `execve` whatever its arguments (the command cannot start).
    private func checkExec(_ program: [SockFilter]) throws(EnforceError) {
        guard let nr = SyscallTable.shared.number(of: "execve", arch: .host) else { return }
        if case .constant(let action) = FilterSummary.outcome(of: program, arch: .host, nr: nr),
           !action.letsCallRun, action != .userNotif {
            throw .refusesExec(command: command[0], arch: .host, action: action)
        }
    }

    /// Forks the child with the filter and takes its listener (`Spawn.startSupervised`: the child
    /// makes no call between the install and the moment this process holds the listener).
    private func spawn(_ program: [SockFilter]) throws(EnforceError) -> (child: Spawn.Child, listener: Int32) {
        let started: (child: Spawn.Child, listener: Int32)
        do {
            started = try Spawn.startSupervised(command, filter: program, filterFlags: installFlags,
                                                noNewPrivs: .unlessCapSysAdmin)
        } catch {
            throw .start(error)
        }
        guard started.listener >= 0 else {
            // The child failed before the install (NO_NEW_PRIVS, the filter) and reported it.
            let failure = Spawn.result(of: started.child, command: command) ?? .systemCall("seccomp", pid: started.child.pid, errno: ECHILD)
            var status: Int32 = 0
            _ = waitpid(started.child.pid, &status, 0)
            throw Enforcer.map(failure)
        }
        return started
    }

    /// Answers the child's calls between the install and the exec (its `execve`; after a failed
    /// exec, the report written into the pipe) until the pipe says whether the exec succeeded.
    /// The pipe is checked first: it closes in the exec, before the program's first call.
    private func launch(_ child: Spawn.Child, listener l: NotificationListener) throws(TraceError) {
        while true {
            switch try l.wait(wake: child.errorFD) {
            case .woken, .hangup:
                if let failure = Spawn.result(of: child, command: command) { throw failure }
                return
            case .call:
                guard let n = try l.receive() else { continue }
                let arch = Arch.ofCall(auditArch: n.data.arch, nr: n.data.nr)
                let name = SyscallTable.shared.name(of: n.data.nr, arch: arch)
                if n.tid == child.pid, let name, Policy.execSyscalls.contains(name) {
                    var e = SyscallEvent(pid: child.pid, tid: n.tid, arch: arch, nr: n.data.nr, args: n.data.args)
                    readPaths.read(into: &e, from: n.tid, buffer: &pathBuffer)
                    lock.withLock {
                        launchedExec = true
                        profile.add(e)
                    }
                    onCall(e)
                }
                l.respond(n.id, .continueCall)
            case .timeout:
                continue
            }
        }
    }

    // MARK: - Serving

    /// Receives calls until every task using the filter is gone or `stop()`; then closes the
    /// listener (calls still waiting fail with ENOSYS).
    private func serve(_ l: NotificationListener) {
        defer {
            let ids = lock.withLock { () -> [UInt64] in
                listener = nil
                let ids = Array(pending.keys)
                pending.removeAll()
                return ids
            }
            l.close()
            if !ids.isEmpty { onResolved(ids) }
        }
        while true {
            guard let ready = try? l.wait(wake: wake.read) else { return }
            switch ready {
            case .woken, .hangup: return
            case .timeout: continue
            case .call:
                guard let n = try? l.receive() else { continue }
                handle(n, l)
            }
        }
    }

    private func handle(_ n: SeccompNotification, _ l: NotificationListener) {
        let arch = Arch.ofCall(auditArch: n.data.arch, nr: n.data.nr)
        if let decided = base?.ruleDecision(n.data), decided != .userNotif {
            lock.withLock { stats.decidedByPolicy += 1 }
            apply(decided, to: n.id, tid: n.tid, l)
            return
        }
        var e = SyscallEvent(pid: n.tid, tid: n.tid, arch: arch, nr: n.data.nr, args: n.data.args)
        readPaths.read(into: &e, from: n.tid, buffer: &pathBuffer)
        // What was read belongs to the caller only if its call still waits (else the thread may
        // be gone and its id reused).
        guard l.isValid(n.id) else {
            lock.withLock { stats.gone += 1 }
            return
        }
        let ruled: Action? = lock.withLock {
            profile.add(e)
            return rules.decision(for: n.data, architectures: installed.architectures)
        }
        onCall(e)
        if let ruled {
            lock.withLock { stats.answeredByRules += 1 }
            apply(ruled, to: n.id, tid: n.tid, l)
            return
        }
        e.pid = ProcFS.tgid(of: n.tid) ?? n.tid
        let call = AskedCall(id: n.id, event: e, name: SyscallTable.shared.name(of: n.data.nr, arch: arch),
                             received: Self.monotonicNanoseconds())
        lock.withLock {
            stats.asked += 1
            pending[n.id] = call
        }
        onAsk(call)
    }

    /// Answers call `id` as a filter returning `action` would have (a kill kills the caller's
    /// process); returns whether the call still waited for the answer.
    @discardableResult
    private func apply(_ action: Action, to id: UInt64, tid: Int32, _ l: NotificationListener) -> Bool {
        switch action {
        case .allow, .log: return l.respond(id, .continueCall)
        case .errno(let e): return l.respond(id, .fail(errno: Int32(e)))
        case .killProcess, .killThread, .trap:
            // Only while the call waits is `tid` surely still the caller (a waiting thread cannot exit).
            guard l.isValid(id), let tgid = ProcFS.tgid(of: tid) else { return false }
            kill(tgid, SIGKILL)
            return true
        case .trace, .userNotif: return l.respond(id, .fail(errno: ENOSYS))
        }
    }

    static func monotonicNanoseconds() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    // MARK: - Answering

    /// Answers a call `onAsk` received. An "always" answer adds its rule to the supervised set
    /// and settles the other waiting calls it covers (reported to `onResolved`). Returns false
    /// when the call is no longer waiting (answered already, or gone).
    @discardableResult
    public func answer(_ id: UInt64, _ answer: AskAnswer) -> Bool {
        let (call, l): (AskedCall?, NotificationListener?) = lock.withLock {
            guard let call = pending.removeValue(forKey: id) else { return (nil, nil) }
            if let name = call.name, let rule = answer.rule(for: name) { rules.add(rule) }
            return (call, listener)
        }
        guard let call, let l else { return false }
        let answered = apply(answer.action, to: id, tid: call.event.tid, l)
        settleCovered()
        return answered
    }

    /// Replaces the supervised set with `newRules` (a front end whose decisions are the rules)
    /// and settles the waiting calls they now cover.
    public func replaceRules(_ newRules: [Rule]) {
        lock.withLock { rules = AskRules(rules: newRules) }
        settleCovered()
    }

    /// Answers the waiting calls the supervised set covers, each with the action of its rule,
    /// and reports them to `onResolved`.
    private func settleCovered() {
        let (settled, l) = lock.withLock { () -> ([(id: UInt64, tid: Int32, action: Action)], NotificationListener?) in
            var settled: [(id: UInt64, tid: Int32, action: Action)] = []
            for (id, c) in pending {
                if let action = rules.decision(for: seccompData(c.event), architectures: installed.architectures) {
                    settled.append((id, c.event.tid, action))
                }
            }
            for s in settled { pending[s.id] = nil }
            stats.answeredByRules += settled.count
            return (settled, listener)
        }
        guard !settled.isEmpty, let l else { return }
        for s in settled { apply(s.action, to: s.id, tid: s.tid, l) }
        onResolved(settled.map(\.id))
    }

    /// Forgets the waiting calls that went away without an answer (the thread was killed, or a
    /// signal interrupted the call: a restarted call is notified anew with another id) and
    /// returns their ids. For front ends that show the waiting calls.
    @discardableResult
    public func pruneGone() -> [UInt64] {
        let (ids, l) = lock.withLock { (Array(pending.keys), listener) }
        guard let l else { return [] }
        let gone = ids.filter { !l.isValid($0) }
        guard !gone.isEmpty else { return [] }
        lock.withLock {
            for id in gone { pending[id] = nil }
            stats.gone += gone.count
        }
        return gone
    }

    private func seccompData(_ e: SyscallEvent) -> SeccompData {
        SeccompData(nr: e.nr, arch: e.arch.auditArch, args: e.args)
    }

    // MARK: - Ending

    /// Waits for the command to end (SIGINT, SIGTERM and SIGHUP are passed on to it), then goes
    /// on answering its remaining descendants until none is left or `stop()`.
    public func wait() -> TraceEnd {
        let child = lock.withLock { self.child }
        precondition(child > 0, "wait() before a successful start()")
        let forwarding = Enforcer.forwardSignals(to: child)
        defer { forwarding.cancel() }
        // Wait for the exit without reaping, so that `terminate` never signals a reused pid.
        var info = siginfo_t()
        while waitid(P_PID, id_t(child), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        let stopNow = lock.withLock { () -> Bool in
            childEnded = true
            return terminating
        }
        if stopNow { stop() }
        // Not CTraceCapture_waitpid: its __WNOTHREAD would miss a child that `start()` forked
        // on another thread (the TUI waits on a thread of its own).
        var status: Int32 = 0
        var reaped: pid_t
        repeat { reaped = waitpid(child, &status, 0) } while reaped < 0 && errno == EINTR
        let end: TraceEnd
        if reaped != child {
            end = .detached
        } else if CTraceCapture_WIFSIGNALED(status) != 0 {
            end = .signaled(CTraceCapture_WTERMSIG(status))
        } else {
            end = .exited(CTraceCapture_WEXITSTATUS(status))
        }
        loopDone.wait()
        loopDone.signal()
        lock.withLock {
            profile.metadata.endTime = Date().timeIntervalSince1970
            switch end {
            case .exited(let c): profile.metadata.exitCode = c
            case .signaled(let s): profile.metadata.exitSignal = s
            case .detached: break
            }
        }
        return end
    }

    /// Ends the run: SIGTERM to the command while it runs (SIGKILL `grace` seconds later if it
    /// still does), and no more answers once it has ended (its remaining descendants' calls that
    /// would ask then fail with ENOSYS). For `--timeout` and for quitting a front end.
    public func terminate(grace: Double = 5) {
        let (pid, ended) = lock.withLock { () -> (Int32, Bool) in
            terminating = true
            if !childEnded && child > 0 { kill(child, SIGTERM) }
            return (child, childEnded)
        }
        if ended { stop(); return }
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [self] in
            lock.withLock { if !childEnded { kill(pid, SIGKILL) } }
        }
    }

    /// Stops answering: the listener closes, and every call waiting now or later fails with
    /// ENOSYS (the program runs on). Idempotent; callable from any thread or a signal source.
    public func stop() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    // MARK: - Results

    /// The rules answered "always" so far.
    public var answeredRules: AskRules { lock.withLock { rules } }

    /// The calls not decided by the policy (asked, or answered from earlier answers), and the
    /// command's own exec.
    public var askedProfile: Profile { lock.withLock { profile } }

    public var statistics: Statistics { lock.withLock { stats } }

    /// The calls waiting for an answer, in arrival order.
    public var waiting: [AskedCall] { lock.withLock { pending.values.sorted { $0.received < $1.received } } }

    /// The policy to save: the given policy with the "always" answers (`AskRules.savedPolicy`).
    public var savedPolicy: Policy {
        lock.withLock { rules.savedPolicy(base: base, launchedExec: launchedExec) }
    }
}
