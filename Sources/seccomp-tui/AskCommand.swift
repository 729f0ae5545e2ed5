import ArgumentParser
import Dispatch
import Foundation
import Glibc
import PolicyModel
import TraceCapture
import CursesTerminal
import TUI

/// The rule `--answer` applies to every asked call: `allow`, `deny` (EPERM) or `deny:ERRNO`.
struct AskRuleAnswer: ExpressibleByArgument, Equatable {
    /// nil: allow; else the errno of a denial.
    var errno: UInt16?

    init?(argument: String) {
        let parts = argument.split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first {
        case "allow" where parts.count == 1: errno = nil
        case "deny":
            guard parts.count == 2 else { errno = UInt16(EPERM); return }
            if let n = UInt16(parts[1]), n > 0, n <= Action.maxErrno {
                errno = n
            } else if let v = ValueDecoders.named("errno")?.value(named: parts[1].uppercased()), v > 0, v <= UInt64(Action.maxErrno) {
                errno = UInt16(v)
            } else {
                return nil
            }
        default: return nil
        }
    }

    /// The answer for one call: "always" (a rule for the syscall) unless `once`.
    func answer(once: Bool) -> AskAnswer {
        switch (errno, once) {
        case (nil, true): return .allowOnce
        case (nil, false): return .allowAlways(conditions: [])
        case (let e?, true): return .denyOnce(errno: e)
        case (let e?, false): return .denyAlways(errno: e, conditions: [])
        }
    }
}

struct Ask: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask", abstract: "Run a program confined; every call the policy does not decide waits for an answer.",
        discussion: """
            CMD runs under the policy (empty when none is given) installed so that every call \
            no rule of the policy decides returns SECCOMP_RET_USER_NOTIF: the call blocks in \
            the kernel until it is answered: allowed (the call runs) or denied with an errno. \
            An "always" answer becomes a rule: later calls it covers are answered at once \
            without asking, and the saved policy has it. Children (fork, clone) and programs \
            started by execve keep asking. The exit status is CMD's.

            Without --answer the TUI is the prompt: each waiting call is a prompt row (pid, \
            thread, decoded arguments, paths read from the caller's memory) in arrival order; \
            a allows always, d denies always with EPERM, e with another errno, K kills \
            (the decisions are the rules, as in learn); A allows once, D denies once. s saves.

            --answer answers every asked call by rule without a terminal (for CI): allow, or \
            deny with EPERM or the errno given (deny:EACCES, deny:13). Each answer is "always" \
            (one rule per syscall) unless --once. -o writes the policy (OCI JSON, or text for \
            .policy), --profile the asked calls as a profile (default: OUT with .profile.json).

            Fail safe: if the supervisor dies, the calls waiting and all later ones that would \
            ask fail with ENOSYS; the program is never left blocked.

            Not a security boundary while learning: an allowed call continues \
            (SECCOMP_USER_NOTIF_FLAG_CONTINUE) and the kernel reads its arguments again, so a \
            racing thread can change a path after it was shown. Enforce the saved policy with \
            'seccomp-tui enforce'.

            Examples:
              seccomp-tui ask --answer allow -o app.json -- ./app
              seccomp-tui ask --policy base.policy --answer deny:EACCES --timeout 30 -o app.policy -- ./server
            """)

    @Option(help: "The policy to start from: OCI JSON, or a text policy (.policy). Default: none (every call asks).")
    var policy: String?

    @Option(help: ArgumentHelp("Answer every asked call by rule, without a terminal: allow, deny or deny:ERRNO.",
                               valueName: "allow|deny[:ERRNO]"))
    var answer: AskRuleAnswer?

    @Flag(help: "With --answer: answer each call once instead of always (every call of the syscall asks again).")
    var once = false

    @Option(help: ArgumentHelp("Stop after S seconds: CMD gets SIGTERM (SIGKILL 5 s later), calls of processes left over fail with ENOSYS; the files are written.",
                               valueName: "S"))
    var timeout: Double?

    @Option(name: .shortAndLong, help: "Where to write the policy: the given policy with the \"always\" answers.")
    var output: String?

    @Option(help: "Where to write the asked calls as a profile (default: OUT with .profile.json).")
    var profile: String?

    @Flag(help: "Do not list each asked call on standard error.")
    var quiet = false

    @Option(name: .long, help: "In the TUI: where CMD's standard output and error go.")
    var childOutput: String = "/dev/null"

    /// What to run: the command of `learn` and `record` (ask starts it confined: it cannot attach
    /// to a running process, and the kernel, not a tracer, stops the calls).
    @OptionGroup var program: TraceCommand

    var commandLine: [String] { program.command }

    func validate() throws {
        if commandLine.isEmpty { throw ValidationError("give the command to run after --") }
        if answer == nil && (once || profile != nil || quiet || timeout != nil) {
            throw ValidationError("--once, --profile, --quiet and --timeout need --answer (the TUI saves with s and -o)")
        }
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
        if profile != nil && output == nil { throw ValidationError("--profile needs -o") }
        if let output, profile ?? Self.profilePath(for: output) == output {
            throw ValidationError("--profile and -o name the same file '\(output)'")
        }
    }

    /// `OUT` without its extension, with `.profile.json`.
    static func profilePath(for output: String) -> String {
        let url = URL(fileURLWithPath: output)
        let stem = url.pathExtension.isEmpty ? output : String(output.dropLast(url.pathExtension.count + 1))
        return stem + ".profile.json"
    }

    func run() throws {
        let cmd = commandLine
        guard let answer else {
            try Self.inTUI(cmd, policyPath: policy, output: output, childOutput: childOutput)
            return
        }
        let profilePath = output.map { profile ?? Self.profilePath(for: $0) }
        let base: Policy?
        do {
            base = try policy.map { try PolicyIO.load(path: $0) }
            if let output { try AtomicFile.checkWritable(output) }
            if let profilePath { try AtomicFile.checkWritable(profilePath) }
        } catch {
            Self.fail("\(error); '\(cmd[0])' was not run")
        }
        // The program runs under the base policy, as under enforce: its blind spots first.
        let warned = base.map { PolicyIO.warnBlindSpots($0) } ?? []
        let reply = answer.answer(once: once)
        let quiet = self.quiet
        let box = SupervisorBox()
        let supervisor = AskSupervisor(policy: base, command: cmd, onAsk: { call in
            if !quiet {
                Self.note("asked: \(RefusedCalls.describe(call.event)) in pid \(call.event.pid) (tid \(call.event.tid)): "
                    + Self.describe(reply))
            }
            box.value?.answer(call.id, reply)
        })
        box.value = supervisor
        let pid: Int32
        do {
            pid = try supervisor.start()
        } catch {
            if case .start(.execFailed(_, let e)) = error { Self.fail("\(error)", status: e == ENOENT ? 127 : 126) }
            if case .compile = error, let policy { Self.fail("\(policy): \(error); '\(cmd[0])' was not run") }
            Self.fail("\(error)")
        }
        let timer = timeout.map { Self.stopAfter($0, supervisor, pid: pid, command: cmd[0]) }
        let end = supervisor.wait()
        timer?.cancel()
        let stats = supervisor.statistics
        Self.note("asked \(stats.asked) call\(stats.asked == 1 ? "" : "s"); \(stats.answeredByRules) more answered by "
            + "the \(supervisor.answeredRules.rules.count) \"always\" answer\(supervisor.answeredRules.rules.count == 1 ? "" : "s")")
        if let output, let profilePath {
            let saved = supervisor.savedPolicy
            try AtomicFile.write(try PolicyIO.encode(saved, as: PolicyFormat(path: output) ?? .oci, naming: output,
                                                     warned: warned), to: output)
            try AtomicFile.write(supervisor.askedProfile.encodeJSON(), to: profilePath)
            Self.note("policy written to \(output), asked calls to \(profilePath)")
        }
        if case .signaled(let sig) = end {
            Self.note("'\(cmd[0])' was killed by signal \(sig) (exit status \(128 + sig))"
                + (stats.asked > 0 && answer.errno != nil ? "; a denied call may have made it crash" : ""))
        }
        let status = end.shellStatus
        if status != 0 { throw ExitCode(status) }
    }

    /// Without --answer: the TUI is the prompt.
    static func inTUI(_ cmd: [String], policyPath: String?, output: String?, childOutput: String) throws {
        if let output {
            do { try AtomicFile.checkWritable(output) } catch { fail("\(error); '\(cmd[0])' was not run") }
        }
        let options = TUISession.Options(title: "ask: " + cmd.joined(separator: " "), outputPath: output,
                                         policyPath: policyPath, childOutput: childOutput, makeDriver: CursesDriver.make)
        do {
            try TUISession.ask(cmd, options: options)
        } catch let e as EnforceError {
            if case .start(.execFailed(_, let errno)) = e { fail("\(e)", status: errno == ENOENT ? 127 : 126) }
            fail("\(e)")
        }
    }

    static func describe(_ a: AskAnswer) -> String {
        switch a {
        case .allowOnce: return "allowed once"
        case .allowAlways: return "allowed always"
        case .denyOnce(let e): return "denied once (\(errnoName(e)))"
        case .denyAlways(let e, _): return "denied always (\(errnoName(e)))"
        case .kill: return "killed"
        }
    }

    /// `EACCES` for 13, else the number.
    static func errnoName(_ value: UInt16) -> String {
        guard let name = ValueDecoders.named("errno")?.describe(UInt64(value)), name.first == "E", !name.contains("|") else {
            return String(value)
        }
        return name
    }

    /// Ends the run after `seconds`: SIGTERM to CMD (SIGKILL 5 s later), and no more answers once it ended.
    static func stopAfter(_ seconds: Double, _ supervisor: AskSupervisor, pid: Int32, command: String) -> DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + seconds)
        timer.setEventHandler {
            note("--timeout: \(seconds) s passed; stopping '\(command)' (pid \(pid)) with SIGTERM")
            supervisor.terminate()
        }
        timer.resume()
        return timer
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data("seccomp-tui ask: \(text)\n".utf8))
    }

    static func fail(_ text: String, status: Int32 = 125) -> Never {
        note(text)
        Foundation.exit(status)
    }
}

/// The supervisor, for its own `onAsk` to answer through.
final class SupervisorBox: @unchecked Sendable {
    var value: AskSupervisor?
}
