import ArgumentParser
import Dispatch
import Foundation
import PolicyModel
import TUI
import TraceCapture

extension BackendKind: ExpressibleByArgument {}

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Record a program's syscalls headless into a profile.",
        discussion: """
            Runs CMD (or attaches to PID) and records every syscall of every process and thread \
            it starts. At the end a table of calls per syscall is printed to stderr and the exit \
            status is CMD's (128+N when a signal N killed it; 127 when it cannot be found, 126 when \
            it cannot be executed).

            With the ptrace backend a spawned CMD runs with PR_SET_NO_NEW_PRIVS unless seccomp-tui \
            has CAP_SYS_ADMIN (its tracing filter needs it): setuid and setgid programs then run \
            without their privilege. Run as root, or attach with -p, to record them as they run.
            SIGINT, SIGTERM or SIGHUP ends the recording: an attached process is detached and keeps \
            running; a spawned one is killed (detached with --keep-running).
            --runs N runs CMD N times (stopping at the first run that fails), writes the merged \
            profile and prints what each run added (run 3: +2 syscalls, +5 argument values; \
            run 4: nothing new).
            """)

    @Option(name: .shortAndLong, help: "Write the profile (JSON) to this file.")
    var output: String?

    @OptionGroup var trace: TraceTargetOptions

    @Flag(help: "Also record return values (ptrace: an extra stop per syscall; perf: the sys_exit tracepoint).")
    var returns = false

    @Flag(help: "On SIGINT/SIGTERM/SIGHUP detach a spawned command instead of killing it (traced with two stops per syscall then, since a tracing filter cannot be removed).")
    var keepRunning = false

    @Option(help: "Run CMD this many times and merge the profiles.")
    var runs: Int = 1


    func validate() throws {
        try trace.validateTarget()
        if runs < 1 { throw ValidationError("--runs takes a number above 0, not \(runs)") }
        if runs > 1 && trace.command.isEmpty { throw ValidationError("--runs needs a command: an attached process runs once") }
    }

    func run() throws {
        if let output { try AtomicFile.checkWritable(output) }
        var recordings: [Recording] = []
        if let container = trace.container {
            let found = try ContainerProcesses.find(container)
            FileHandle.standardError.write(Data((ContainerProcesses.attachWarning(found, container: container) + "\n").utf8))
            recordings.append(try Recording.run(target: .attach(pid: found.mainPid),
                                                backend: ProcessSetBackend(kind: trace.backend, pids: found.pids),
                                                options: TraceOptions(returns: returns, keepRunning: keepRunning)))
        } else {
            for _ in 0..<runs {
                let recording = try record(trace.target)
                recordings.append(recording)
                if recording.end.shellStatus != 0 { break }
            }
        }
        var profile = recordings[0].profile
        for r in recordings.dropFirst() { profile.merge(r.profile) }
        if let output {
            try AtomicFile.write(profile.encodeJSON(), to: output)
        }
        FileHandle.standardError.write(Data(profile.summaryTable().utf8))
        for r in recordings {
            for warning in [Recording.lostEventsWarning(r.profile.metadata),
                            Recording.unknownArchitectureWarning(r.profile.metadata)].compactMap({ $0 }) {
                FileHandle.standardError.write(Data((warning + "\n").utf8))
            }
        }
        ProfileIO.printConvergence(recordings.map(\.profile), names: [])
        let status = recordings[recordings.count - 1].end.shellStatus
        if status != 0 { throw ExitCode(status) }
    }

    /// Records a command or an attached process.
    private func record(_ target: TraceTarget) throws -> Recording {
        do {
            return try Recording.run(target: target, backend: trace.backend,
                                     options: TraceOptions(returns: returns, keepRunning: keepRunning))
        } catch TraceError.execFailed(let command, let errno) {
            // As a shell (and enforce) reports it: 127 not found, 126 found but not executable.
            FileHandle.standardError.write(Data("Error: \(TraceError.execFailed(command: command, errno: errno))\n".utf8))
            throw ExitCode(errno == ENOENT ? 127 : 126)
        }
    }
}
