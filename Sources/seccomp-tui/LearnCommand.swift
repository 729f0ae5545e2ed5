import Foundation
import ArgumentParser
import PolicyModel
import TUI
import CursesTerminal
import TraceCapture

struct Learn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Trace a program (or attach to one) and learn its policy in the TUI.",
        discussion: """
            Examples:
              seccomp-tui -o server.json -- ./server --port 8080
              seccomp-tui learn -p 1234
              seccomp-tui --policy server.json -- ./server
            Press F1 or ? in the TUI for its keys. A started command runs on a terminal of the \
            TUI's: w shows what it wrote and gives it the keys (^] gives them back); \
            --child-output also copies its output to a file. Quitting kills a started command and \
            detaches from an attached process, which keeps running.

            With the ptrace backend a started command runs with PR_SET_NO_NEW_PRIVS unless \
            seccomp-tui has CAP_SYS_ADMIN (its tracing filter needs it): setuid and setgid programs \
            then run without their privilege. Run as root, or attach with -p, to learn them as they run.
            """)

    @Option(name: .shortAndLong, help: "Save the policy here (format by extension: .json, .policy, .bpf, .h).")
    var output: String?

    @Option(name: .long, help: "Show this policy's rules and highlight the seen calls it would refuse.")
    var policy: String?

    @OptionGroup var trace: TraceTargetOptions

    @Option(name: .long, help: "Also copy what the started program writes on its terminal (the output pane, w) to this file.")
    var childOutput: String = "/dev/null"

    @Flag(help: "Also record return values, to show errors (an extra stop per syscall).")
    var returns = false

    @Flag(name: .long, help: "No colours, attributes only.")
    var monochrome = false

    @Option(name: .long, help: .hidden)
    var uiStats: String?

    @Option(name: .long, help: .hidden)
    var syntheticRate: Int?

    @Option(name: .long, help: .hidden)
    var syntheticSeconds: Double = 0

    func validate() throws {
        if syntheticRate == nil { try trace.validateTarget() }
    }

    /// What attaching misses, and what that means for `enforce`.
    static func attachWarning(pid: Int32) -> String {
        "attached to running pid \(pid): its start-up calls (execve and the loader's mmap, openat, "
            + "mprotect, arch_prctl, …) were made before and are not seen; enforce -- CMD starts the program "
            + "under the policy, which must allow them too: learn it started (seccomp-tui -- CMD) to see them"
    }

    func run() throws {
        if let output { try AtomicFile.checkWritable(output) }
        var options = TUISession.Options(title: "", outputPath: output, policyPath: policy,
                                         childOutput: childOutput, monochrome: monochrome, uiStatsPath: uiStats,
                                         makeDriver: CursesDriver.make)
        if let rate = syntheticRate {
            options.title = "synthetic feed, \(rate) events/s"
            try TUISession.live(SyntheticBackend(rate: rate, duration: syntheticSeconds),
                                target: .spawn(command: ["synthetic"]), traceOptions: TraceOptions(),
                                options: options)
            return
        }
        if let container = trace.container {
            let found = try ContainerProcesses.find(container)
            // Said before the TUI takes the screen, and kept in the scrollback after it.
            FileHandle.standardError.write(Data((ContainerProcesses.attachWarning(found, container: container) + "\n").utf8))
            options.title = "container \(container): " + Self.commandLine(of: found.mainPid)
            try TUISession.live(ProcessSetBackend(kind: trace.backend, pids: found.pids), target: .attach(pid: found.mainPid),
                                traceOptions: TraceOptions(returns: returns), options: options)
            return
        }
        if let pid = trace.pid {
            // Said before the TUI takes the screen (kept in the scrollback) and on its message line.
            let warning = Self.attachWarning(pid: pid)
            FileHandle.standardError.write(Data(("warning: " + warning + "\n").utf8))
            options.notice = warning
        }
        options.title = trace.pid.map { "attached: " + Self.commandLine(of: $0) } ?? trace.command.joined(separator: " ")
        try TUISession.live(TraceBackends.make(kind: trace.backend), target: trace.target, traceOptions: TraceOptions(returns: returns),
                            options: options)
    }

    /// The command line of a running process, for the header (`/proc/PID/cmdline`).
    static func commandLine(of pid: Int32) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else {
            return "process \(pid)"
        }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }
}
