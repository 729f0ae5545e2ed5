import ArgumentParser
import TraceCapture

/// The command to run, after `--`: what `ask` runs, and one of the targets of `learn` and `record`.
struct TraceCommand: ParsableArguments {
    @Argument(parsing: .postTerminator, help: "The command to run, after --.")
    var command: [String] = []
}

/// What `learn` and `record` trace, and with which backend: a command after `--`, a running
/// process (`-p/--pid`) or a container's processes (`--container`).
struct TraceTargetOptions: ParsableArguments {
    @Option(help: "Tracer: \(BackendKind.allCases.map(\.rawValue).joined(separator: ", ")) (auto: perf when permitted, else ptrace).")
    var backend: BackendKind = .auto

    @Option(name: .shortAndLong, help: "Attach to this running process instead of starting a command.")
    var pid: Int32?

    @Option(help: ArgumentHelp("Attach to every process of this running podman or docker container.", valueName: "name|id"))
    var container: String?

    @OptionGroup var program: TraceCommand

    /// The command to start (empty when attaching).
    var command: [String] { program.command }

    /// Exactly one target, and a pid above 0. Called by the commands' `validate()` (learn's
    /// synthetic feed needs none).
    func validateTarget() throws {
        let given = [pid != nil, !command.isEmpty, container != nil].filter { $0 }.count
        if given > 1 { throw ValidationError("give one of -p PID, --container NAME or a command after --") }
        if given == 0 {
            throw ValidationError("nothing to trace: give a command after -- (seccomp-tui -- CMD), -p PID or --container NAME")
        }
        if let p = pid, p <= 0 { throw ValidationError("-p takes a process id above 0, not \(p)") }
    }

    /// The process to attach to or the command to start (a container is found by the caller).
    var target: TraceTarget { pid.map { .attach(pid: $0) } ?? .spawn(command: command) }

    /// Whether the trace may use perf: then its set-up is started as soon as the arguments are parsed.
    var mayUsePerf: Bool { backend != .ptrace }
}
