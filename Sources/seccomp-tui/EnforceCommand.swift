import ArgumentParser
import Foundation
import PolicyModel
import TUI
import CursesTerminal
import TraceCapture

struct Enforce: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enforce", abstract: "Run a program confined by a policy.",
        discussion: """
            The child installs the compiled policy right before exec (with PR_SET_NO_NEW_PRIVS \
            unless it has CAP_SYS_ADMIN); the exit status is CMD's (128+N when signal N killed \
            it). Fail closed: when the policy cannot be read, compiled or installed, or refuses \
            execve, CMD is not run and the error says why (exit status 125; 126/127 when CMD \
            cannot be executed).

            Calls the policy refuses with an errno are answered by a supervisor in this process \
            (the filter sends only them to a user-notification listener; allowed calls never \
            leave the kernel) and listed at the end of the run: name, count, the first call's \
            decoded arguments, pid. Nothing is printed when none was refused. If the supervisor \
            dies, the kernel refuses those calls with ENOSYS.

            --report enforces the policy unchanged and names each call it refused with SIGSYS: \
            calls a trap rule refused from a light tracer (signals and process creation only), \
            calls a kill rule refused from the kernel log (a kill is never made survivable). \
            When the kernel log cannot be read (no /dev/kmsg, no CAP_SYSLOG, kills not in \
            /proc/sys/kernel/seccomp/actions_logged) and the policy can kill, --report is refused. \
            Calls refused with an errno are not traced: list those with --complain.

            --complain refuses nothing: each call the policy would refuse stops our tracer \
            (RET_TRACE), runs, and is reported once with its count, decoded arguments and pid. \
            With --log-only the kernel logs them instead (RET_LOG, no tracer). -o writes them as \
            a profile that merge and the TUI accept. With --tui the calls appear live in the TUI \
            as rows to decide on, over the loaded policy's rules; saving (-o or the dialog) writes \
            the loaded policy extended with those decisions.

            Examples:
              seccomp-tui enforce --policy srv.json -- ./server --port 8080
              seccomp-tui enforce --policy srv.json --complain -o missed.json -- ./server
              seccomp-tui enforce --policy srv.json --complain --tui -- ./server
            """)

    @Option(help: "The policy: OCI JSON, or a text policy (.policy; other names are read by content).")
    var policy: String

    @Flag(help: "Refuse nothing; report each call the policy would refuse.")
    var complain = false

    @Flag(help: "With --complain: let the kernel log the calls (RET_LOG) instead of tracing them.")
    var logOnly = false

    @Flag(help: "With --complain: show the calls the policy would refuse live in the TUI, to decide on; -o is where the TUI saves the policy.")
    var tui = false

    @Option(name: .long, help: "With --tui: also copy what CMD writes on its terminal (the output pane, w) to this file.")
    var childOutput: String = "/dev/null"

    @Flag(help: "Name the calls the policy refuses with SIGSYS (a light ptrace tracer).")
    var report = false

    @Flag(help: "Ask: every call the policy does not decide waits for an answer in the TUI ('seccomp-tui ask --policy'; not a security boundary: see its help).")
    var ask = false

    @Option(name: .shortAndLong, help: "With --complain: write the calls the policy would refuse as a profile.")
    var output: String?

    @Argument(parsing: .captureForPassthrough, help: "The command to run (after --).")
    var command: [String] = []

    func validate() throws {
        if commandLine.isEmpty { throw ValidationError("give the command to run after --") }
        if ask && (complain || logOnly || report || tui) { throw ValidationError("--ask cannot be combined with --complain, --report or --tui") }
        if report && (complain || logOnly) { throw ValidationError("--report enforces the policy; it cannot be combined with --complain") }
        if tui && (!complain || logOnly) { throw ValidationError("--tui needs --complain without --log-only") }
        if output != nil && !ask && (!complain || logOnly) {
            throw ValidationError("-o needs --complain without --log-only (the calls are only seen when traced)")
        }
    }

    var commandLine: [String] { command.first == "--" ? Array(command.dropFirst()) : command }

    var mode: EnforceMode {
        if logOnly { return .logOnly }
        if complain { return .complain }
        return report ? .report : .enforce
    }

    func run() throws {
        let cmd = commandLine
        if ask {
            try Ask.inTUI(cmd, policyPath: policy, output: output, childOutput: childOutput)
            return
        }
        let loaded: Policy
        do {
            loaded = try PolicyIO.load(path: policy)
            if let output { try AtomicFile.checkWritable(output) }
        } catch {
            Enforce.fail("\(error); '\(cmd[0])' was not run")
        }
        PolicyIO.warnBlindSpots(loaded)
        if tui {
            try Self.complainInTUI(cmd, policy: loaded, policyPath: policy, output: output, childOutput: childOutput)
            return
        }
        let collector = RefusalCollector(command: cmd, live: mode == .complain)
        let dropped = Enforcer.installFlags(for: loaded).dropped
        if !dropped.isEmpty {
            Enforce.note("ignoring \(dropped.map(\.rawValue).joined(separator: ", ")): enforce has no user-notification "
                + "supervisor (user_notif calls fail with ENOSYS)")
        }
        if !loaded.flags.isEmpty && (mode == .complain || mode == .report) {
            Enforce.note("the filter flags are not applied under the tracer (--complain, --report)")
        }
        if mode == .logOnly { Enforce.note(Enforce.logOnlyNote()) }
        // The kernel logs kills (and RET_LOG) to its log when no audit daemon takes them: read
        // from now on, it can name a call that killed the command without tracing it.
        let kernelLog = mode == .complain ? nil : KernelLog()
        if mode == .report, loaded.mayKill, let why = Self.unreportableKills(kernelLog) {
            Enforce.fail("--report cannot name the calls the policy kills: \(why); it never turns a kill into "
                + "something a program could survive, so run without --report (a SIGSYS death is still detected); "
                + "'\(cmd[0])' was not run")
        }
        let pid = PidBox()
        let end: TraceEnd
        do {
            end = try Enforcer.run(cmd, policy: loaded, mode: mode, started: { pid.value = $0 }) { collector.add($0) }
        } catch {
            if case .start(.execFailed(_, let e)) = error { Enforce.fail("\(error)", status: e == ENOENT ? 127 : 126) }
            if case .compile = error { Enforce.fail("\(policy): \(error); '\(cmd[0])' was not run") }
            Enforce.fail("\(error)")
        }
        let refused = collector.finish(end: end)
        var logged = kernelLog?.seccompRecords() ?? []
        // The kernel hands audit records to its log from a thread of its own (kauditd): a kill's
        // record may come a little after the death.
        if end == .signaled(SIGSYS) || end == .exited(128 + SIGSYS), let kernelLog {
            for _ in 0..<40 where !logged.contains(where: { $0.signal == SIGSYS && $0.pid >= pid.value }) {
                usleep(25_000)
                logged += kernelLog.seccompRecords()
            }
        }
        switch mode {
        case .complain:
            if refused.entries.isEmpty {
                Enforce.note("the policy would have refused no call")
            } else {
                let total = refused.entries.reduce(0) { $0 + $1.count }
                Enforce.note("the policy would have refused \(refused.entries.count) syscall\(refused.entries.count == 1 ? "" : "s") "
                    + "(\(total) call\(total == 1 ? "" : "s")):\n" + refused.lines(policy: loaded).joined(separator: "\n"))
            }
            if let output { try AtomicFile.write(collector.profile().encodeJSON(), to: output) }
        case .report, .enforce:
            if mode == .report && !refused.entries.isEmpty {
                Enforce.note("the policy refused with SIGSYS:\n" + refused.lines(policy: loaded, arguments: false).joined(separator: "\n"))
            }
            let kills = logged.filter { $0.signal == SIGSYS && $0.pid > pid.value }
            if mode == .report && !kills.isEmpty {
                Enforce.note("the policy killed in processes CMD started (from the kernel log): " + kills.map(Enforce.describe).joined(separator: ", "))
            }
            if mode == .enforce && !refused.entries.isEmpty {
                Enforce.note(Enforce.errnoSummary(refused, policy: loaded, policyPath: policy, command: cmd))
            }
            if end == .signaled(SIGSYS) {
                let record = logged.last { $0.pid == pid.value && $0.signal == SIGSYS }
                let fromLog = record.flatMap { r in r.arch.map { (SyscallTable.shared.name(of: r.nr, arch: $0) ?? "nr \(r.nr)", $0, r.nr) } }
                // In report mode the entries are the SIGSYS refusals; in enforce mode errno ones.
                let named = (mode == .report ? refused.entries.last : nil).map { " when it called \($0.name) (\($0.arch.rawValue), nr \($0.nr))" }
                    ?? fromLog.map { " when it called \($0.0) (\($0.1.rawValue), nr \($0.2); from the kernel log)" }
                Enforce.note("'\(cmd[0])' was killed by SIGSYS: the policy refused a system call"
                    + (named ?? (mode == .report ? "" : "; run with --report to name it")))
            } else if case .signaled(let sig) = end, [SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE].contains(sig) {
                // Programs rarely expect EPERM from calls such as futex or rseq and may crash on it.
                Enforce.note("'\(cmd[0])' was killed by \(signalName(sig) ?? "signal \(sig)") (exit status \(128 + sig)); "
                    + "if a call the policy refused with an errno made it crash, --complain lists the calls "
                    + "the policy would refuse")
            } else if end == .exited(128 + SIGSYS) && mode == .enforce {
                // A process CMD started was killed (a shell reports it as 159): the kernel log
                // names the calls of processes started after CMD (larger pids, barring wrap-around).
                let kills = logged.filter { $0.signal == SIGSYS && $0.pid > pid.value }
                if !kills.isEmpty {
                    Enforce.note("exit status \(128 + SIGSYS) is 128+SIGSYS; the kernel log shows the filter killing "
                        + kills.map(Enforce.describe).joined(separator: ", "))
                }
            }
        case .logOnly:
            let records = logged.filter { $0.action == .log }
            if !records.isEmpty {
                var counts: [String: Int] = [:]
                var order: [String] = []
                for r in records {
                    let name = r.arch.flatMap { SyscallTable.shared.name(of: r.nr, arch: $0) } ?? "nr \(r.nr)"
                    if counts[name] == nil { order.append(name) }
                    counts[name, default: 0] += 1
                }
                Enforce.note("the kernel log received \(records.count) RET_LOG record\(records.count == 1 ? "" : "s") while it ran "
                    + "(from any process; some may be dropped by the rate limit): "
                    + order.map { "\($0) ×\(counts[$0]!)" }.joined(separator: ", "))
            }
        }
        let status = end.shellStatus
        if status != 0 { throw ExitCode(status) }
    }

    /// The end-of-run summary of the calls the policy refused with an errno: programs often
    /// take such a refusal for an ordinary failure and go on, or exit 0 having done nothing.
    static func errnoSummary(_ refused: RefusedCalls, policy: Policy, policyPath: String, command: [String]) -> String {
        let total = refused.entries.reduce(0) { $0 + $1.count }
        let quoted = command.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        return "the policy refused \(total) call\(total == 1 ? "" : "s") of \(refused.entries.count) "
            + "syscall\(refused.entries.count == 1 ? "" : "s") with an errno (the program saw them fail):\n"
            + refused.lines(policy: policy).joined(separator: "\n")
            + "\nto see every call the policy would refuse without refusing it: seccomp-tui enforce --policy \(policyPath) --complain -- \(quoted)"
            + "\nto decide on them and extend the policy: seccomp-tui learn --policy \(policyPath) -- \(quoted)"
    }

    /// `getcwd (x86_64) in pid 12 (pwd)`.
    static func describe(_ r: SeccompAuditRecord) -> String {
        let name = r.arch.flatMap { SyscallTable.shared.name(of: r.nr, arch: $0) } ?? "nr \(r.nr)"
        return "\(name) (\(r.arch?.rawValue ?? "audit arch 0x" + String(r.auditArch, radix: 16))) in pid \(r.pid) (\(r.comm))"
    }

    /// Why killed calls cannot be named from the kernel log, or nil when they can.
    static func unreportableKills(_ log: KernelLog?) -> String? {
        guard log != nil else { return "the kernel log (/dev/kmsg) cannot be read" }
        let path = "/proc/sys/kernel/seccomp/actions_logged"
        guard let logged = try? String(contentsOfFile: path, encoding: .utf8) else { return "\(path) cannot be read" }
        let names = logged.split(whereSeparator: \.isWhitespace)
        let missing = ["kill_process", "kill_thread"].filter { !names.contains(Substring($0)) }
        return missing.isEmpty ? nil : "the kernel does not log \(missing.joined(separator: " and ")) (\(path))"
    }

    /// Where `--log-only`'s records go, and whether the kernel is set to write them.
    static func logOnlyNote() -> String {
        var text = "--log-only: the kernel logs each call the policy would refuse as an audit record "
            + "(type=1326 SECCOMP, code=0x7ffc0000): in /var/log/audit/audit.log when auditd runs, otherwise in "
            + "the kernel log (dmesg, journalctl -k), rate-limited by kernel.printk_ratelimit"
        let path = "/proc/sys/kernel/seccomp/actions_logged"
        if let logged = try? String(contentsOfFile: path, encoding: .utf8),
           !logged.split(whereSeparator: \.isWhitespace).contains("log") {
            text += "; but \(path) lacks \"log\", so nothing will be logged"
        }
        return text
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data("seccomp-tui enforce: \(text)\n".utf8))
    }

    /// `--complain --tui`: the ptrace backend traces exactly the calls the policy would refuse
    /// (its refusals become RET_TRACE), and the TUI shows them as rows to decide on.
    static func complainInTUI(_ cmd: [String], policy: Policy, policyPath: String, output: String?,
                              childOutput: String) throws {
        let traceOptions: TraceOptions
        do {
            traceOptions = try Enforcer.complainOptions(for: policy)
        } catch {
            fail("\(error); '\(cmd[0])' was not run")
        }
        let options = TUISession.Options(title: "complain: " + cmd.joined(separator: " "), outputPath: output,
                                         policyPath: policyPath, childOutput: childOutput,
                                         makeDriver: CursesDriver.make)
        try TUISession.live(PtraceBackend(), target: .spawn(command: cmd), traceOptions: traceOptions, options: options)
    }

    static func fail(_ text: String, status: Int32 = 125) -> Never {
        note(text)
        Foundation.exit(status)
    }
}

/// The command's pid, set once it runs.
final class PidBox: @unchecked Sendable {
    var value: Int32 = 0
}

/// Collects the refused calls of an `enforce` run (delivered in batches off the main thread):
/// counts per syscall, the first call of each printed at once when `live`, and a profile.
final class RefusalCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var refused = RefusedCalls()
    private var collected: Profile
    private let live: Bool

    init(command: [String], live: Bool) {
        self.live = live
        collected = Profile(metadata: ProfileMetadata(command: command, backend: "ptrace (enforce --complain)",
                                                      startTime: Date().timeIntervalSince1970))
    }

    func add(_ batch: [SyscallEvent]) {
        var firsts: [SyscallEvent] = []
        lock.withLock {
            collected.add(batch)
            for e in batch where refused.add(e) { firsts.append(e) }
        }
        guard live else { return }
        for e in firsts {
            Enforce.note("would refuse \(RefusedCalls.describe(e)) in pid \(e.pid)")
        }
    }

    func finish(end: TraceEnd) -> RefusedCalls {
        lock.withLock {
            collected.metadata.endTime = Date().timeIntervalSince1970
            switch end {
            case .exited(let c): collected.metadata.exitCode = c
            case .signaled(let s): collected.metadata.exitSignal = s
            case .detached: break
            }
            return refused
        }
    }

    func profile() -> Profile { lock.withLock { collected } }
}
