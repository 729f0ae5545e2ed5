import CTraceCapture
import Dispatch
import Foundation
import Glibc
import PolicyModel

/// How `enforce` runs a command under a policy.
public enum EnforceMode: Sendable, Equatable {
    /// The compiled policy is installed as it is; nothing is traced.
    case enforce
    /// As `enforce`, under a light tracer that sees only signals and process creation: kills
    /// become `trap`, so each refused call that raises SIGSYS is named from its siginfo.
    case report
    /// Nothing is refused: every call the policy would refuse stops our tracer (`RET_TRACE`),
    /// is reported, and runs.
    case complain
    /// Nothing is refused: every call the policy would refuse is logged by the kernel (`RET_LOG`).
    case logOnly
}

/// Why a command was not run (fail closed), or could not be.
public enum EnforceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The policy cannot become a filter.
    case compile(String)
    /// The filter refuses `execve` on the host: the command could never start.
    case refusesExec(command: String, arch: Arch, action: Action)
    /// The child could not set NO_NEW_PRIVS or install the filter; the command did not run.
    case install(command: String, errno: Int32)
    /// The command could not be executed or traced.
    case start(TraceError)

    public var description: String {
        switch self {
        case .compile(let why): return "the policy cannot be compiled: \(why)"
        case .refusesExec(let c, let arch, let action):
            return "the policy refuses execve on \(arch.rawValue) (\(action)): '\(c)' cannot start; nothing was run"
        case .install(let c, let e):
            return "cannot install the filter for '\(c)': \(TraceError.message(e)); nothing was run"
        case .start(let e): return "\(e)"
        }
    }
}

/// Runs a command confined by a compiled policy (`enforce`), or watched by it (`--complain`).
public enum Enforcer {
    /// The `RET_TRACE` data of the complain filter's stops.
    public static let complainTraceData: UInt16 = 0x5EC

    /// The filter the child installs in `mode`: the policy, or its transformed form.
    public static func filter(for policy: Policy, mode: EnforceMode) throws(EnforceError) -> [SockFilter] {
        let installed: Policy
        switch mode {
        case .enforce: installed = policy.refusesWithErrno ? policy.notifyingErrnoRefusals() : policy
        case .report: installed = policy.reportingRefusals()
        case .complain: installed = policy.replacingRefusals(with: .trace(complainTraceData))
        case .logOnly: installed = policy.replacingRefusals(with: .log)
        }
        do {
            return try BPFCompiler.compile(installed)
        } catch let e as BPFCompileError {
            throw .compile(e.description)
        } catch {
            throw .compile("\(error)")
        }
    }

    /// The flags the filter is installed with: the policy's, but for those that need a user
    /// notification supervisor (`enforce` has none: `user_notif` calls then fail with ENOSYS),
    /// which are returned as `dropped`.
    public static func installFlags(for policy: Policy) -> (bits: UInt32, dropped: [FilterFlag]) {
        let unsupported: Set<FilterFlag> = [.newListener, .waitKillableRecv]
        let kept = policy.flags.filter { !unsupported.contains($0) }
        return (kept.reduce(0) { $0 | $1.bit }, policy.flags.filter { unsupported.contains($0) })
    }

    /// Refuses to start `command` under `program` when the filter refuses `execve` on the host
    /// whatever its arguments: the exec would fail (or kill the child) before the program ran.
    /// The refusal is named as `policy` says it (the supervised filter returns user_notif for
    /// the policy's errnos).
    public static func checkExec(_ program: [SockFilter], command: String, policy: Policy? = nil) throws(EnforceError) {
        let arch = Arch.host
        guard let nr = SyscallTable.shared.number(of: "execve", arch: arch) else { return }
        if case .constant(let action) = FilterSummary.outcome(of: program, arch: arch, nr: nr), !action.letsCallRun {
            let named = action == .userNotif ? policy?.decide(SeccompData(nr: nr, arch: arch)) ?? action : action
            throw .refusesExec(command: command, arch: arch, action: named)
        }
    }

    /// The trace options that run a command in complain mode under `PtraceBackend`: the events
    /// delivered are exactly the calls `policy` would refuse. For front ends (the TUI) that run
    /// the backend themselves.
    public static func complainOptions(for policy: Policy) throws(EnforceError) -> TraceOptions {
        TraceOptions(readPaths: true, spawnFilter: try filter(for: policy, mode: .complain))
    }

    /// Runs `command` under `policy` in `mode` and returns how it ended. In `complain` mode
    /// `onRefused` receives (in batches, off the calling thread) each call the policy would
    /// refuse; in `report` mode each call a filter refused with SIGSYS; in `enforce` mode each
    /// call the policy refused with an errno (answered by `RefusalSupervisor`). Nothing runs when the
    /// policy cannot be compiled or refuses `execve`; SIGINT, SIGTERM and SIGHUP are passed on
    /// to the command. `started` receives the command's pid once it runs.
    public static func run(_ command: [String], policy: Policy, mode: EnforceMode,
                           started: (Int32) -> Void = { _ in },
                           onRefused: @escaping @Sendable ([SyscallEvent]) -> Void = { _ in }) throws(EnforceError) -> TraceEnd {
        precondition(!command.isEmpty, "empty command")
        let program = try filter(for: policy, mode: mode)
        if mode == .enforce || mode == .report { try checkExec(program, command: command[0], policy: policy) }
        switch mode {
        case .enforce where policy.refusesWithErrno:
            return try runSupervised(command, program: program, policy: policy, flags: installFlags(for: policy).bits,
                                     started: started, onRefused: onRefused)
        case .enforce, .logOnly:
            return try runPlain(command, program: program, flags: installFlags(for: policy).bits, started: started)
        case .report:
            return try runTraced(command, options: TraceOptions(readPaths: false, spawnFilter: program, seccompSignals: true),
                                 started: started, onEvents: onRefused)
        case .complain:
            return try runTraced(command, options: TraceOptions(readPaths: true, spawnFilter: program),
                                 started: started, onEvents: onRefused)
        }
    }

    /// fork, install, exec, wait: no tracer.
    static func runPlain(_ command: [String], program: [SockFilter], flags: UInt32,
                         started: (Int32) -> Void) throws(EnforceError) -> TraceEnd {
        let child: Spawn.Child
        do {
            child = try Spawn.start(command, filter: program, filterFlags: flags, noNewPrivs: .unlessCapSysAdmin, stopSelf: false)
        } catch {
            throw .start(error)
        }
        return try waitForExec(child, command: command, started: started)
    }

    /// Waits until `child` exec'd (reaps it and throws when it failed), then until it ends,
    /// passing SIGINT, SIGTERM and SIGHUP on.
    static func waitForExec(_ child: Spawn.Child, command: [String], started: (Int32) -> Void) throws(EnforceError) -> TraceEnd {
        var status: Int32 = 0
        if let failure = Spawn.result(of: child, command: command) {
            _ = CTraceCapture_waitpid(child.pid, &status, 0)
            throw map(failure)
        }
        started(child.pid)
        let forwarding = forwardSignals(to: child.pid)
        defer { forwarding.cancel() }
        guard CTraceCapture_waitpid(child.pid, &status, 0) == child.pid else { return .detached }
        if CTraceCapture_WIFSIGNALED(status) != 0 { return .signaled(CTraceCapture_WTERMSIG(status)) }
        return .exited(CTraceCapture_WEXITSTATUS(status))
    }

    /// fork, install with a listener this process takes, exec, answer refusals, wait.
    static func runSupervised(_ command: [String], program: [SockFilter], policy: Policy, flags: UInt32,
                              started: (Int32) -> Void,
                              onRefused: @escaping @Sendable ([SyscallEvent]) -> Void) throws(EnforceError) -> TraceEnd {
        // With a listener, TSYNC needs TSYNC_ESRCH (the child has one thread: it cannot fail).
        let bits = flags & FilterFlag.tsync.bit != 0 ? flags | FilterFlag.tsyncEsrch.bit : flags
        let child: Spawn.Child
        let listener: Int32
        do {
            (child, listener) = try Spawn.startSupervised(command, filter: program, filterFlags: bits,
                                                          noNewPrivs: .unlessCapSysAdmin)
        } catch {
            throw .start(error)
        }
        var status: Int32 = 0
        guard listener >= 0 else {
            _ = CTraceCapture_waitpid(child.pid, &status, 0)
            throw map(Spawn.result(of: child, command: command) ?? .systemCall("seccomp", pid: child.pid, errno: EIO))
        }
        let supervisor = RefusalSupervisor(listener: listener, policy: policy, onRefused: onRefused)
        do {
            try supervisor.start()
        } catch {
            close(listener)  // the child's refused calls now fail with ENOSYS: still refused
            kill(child.pid, SIGKILL)
            _ = CTraceCapture_waitpid(child.pid, &status, 0)
            throw .start(error)
        }
        defer { supervisor.stop() }
        return try waitForExec(child, command: command, started: started)
    }

    static func runTraced(_ command: [String], options: TraceOptions, started: (Int32) -> Void,
                          onEvents: @escaping @Sendable ([SyscallEvent]) -> Void) throws(EnforceError) -> TraceEnd {
        let backend = PtraceBackend()
        let pid: Int32
        do {
            pid = try backend.start(.spawn(command: command), options: options) { onEvents($0.events) }
        } catch let e as TraceError {
            throw map(e)
        } catch {
            throw .start(.systemCall("trace", pid: nil, errno: EIO))
        }
        started(pid)
        let forwarding = forwardSignals(to: pid)
        defer { forwarding.cancel() }
        return backend.wait()
    }

    static func map(_ e: TraceError) -> EnforceError {
        if case .filterFailed(let c, let errno) = e { return .install(command: c, errno: errno) }
        return .start(e)
    }

    /// Passes SIGINT, SIGTERM and SIGHUP on to `pid` until cancelled (the default dispositions
    /// are restored then).
    static func forwardSignals(to pid: Int32) -> QuitHandling {
        ProcessSignals.catchQuit { sig, _ in _ = kill(pid, sig) }
    }
}
