import Foundation
import PolicyModel
import TraceCapture
import TUI
import TestSupport

/// The built `seccomp-tui` run for the command tests, and what they share around it.
enum EnforceTestSupport {
    /// The first child of `parent` whose command name is `comm`, waited for up to two seconds.
    static func child(of parent: Int32, named comm: String) -> Int32? {
        var found: Int32?
        waitFor(timeout: 2) {
            found = childProcesses(of: parent).first { pid in
                (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) == comm + "\n"
            }
            return found != nil
        }
        return found
    }

    /// Runs the built `seccomp-tui` with `arguments`.
    static func seccompTUI(_ arguments: [String], in directory: URL? = nil) throws -> ProcessOutput {
        try ProcessRunner.run([try SeccompTUIBinary.path()] + arguments, in: directory)
    }

    /// The error `seccomp-tui` reports for `arguments` (its first stderr line without "Error: "),
    /// or nil when it succeeds.
    static func failure(_ arguments: [String]) throws -> String? {
        let out = try seccompTUI(arguments)
        return out.status == 0 ? nil : Failure(output: out).message
    }

    /// A run of `seccomp-tui` that failed.
    struct Failure: Error, CustomStringConvertible {
        var output: ProcessOutput
        /// Stderr without "Error: " and the usage lines after a command-line error.
        var message: String {
            var text = output.stderr
            if let usage = text.range(of: "\nUsage: ") { text = String(text[..<usage.lowerBound]) }
            if text.hasPrefix("Error: ") { text.removeFirst(7) }
            while text.last == "\n" { text.removeLast() }
            return text
        }
        var description: String { "exit status \(output.status): \(output.stderr)" }
    }

    /// Learns `command` with `seccomp-tui record` run in `dir` (the environment of the later runs:
    /// a shell calls getcwd only when started outside $PWD), then `seccomp-tui generate` with
    /// `defaultAction` for everything unseen; returns the policy read back.
    /// With `runs` above 1 the command is recorded that many times and the profiles merged, as a
    /// user learns a program whose calls depend on timing (a thread that finishes before it is
    /// joined makes no futex call; xz polls a pipe only when a write would block).
    static func learn(_ command: [String], in dir: URL, defaultAction: String = "kill", runs: Int = 1) throws -> Policy {
        let profilePath = dir.appendingPathComponent("learned-profile.json").path
        let policyPath = dir.appendingPathComponent("generated.json").path
        let runPaths = runs == 1 ? [profilePath] : (1...runs).map { dir.appendingPathComponent("learned-profile-\($0).json").path }
        for path in runPaths {
            let recorded = try seccompTUI(["record", "--backend", "ptrace", "-o", path, "--"] + command, in: dir)
            guard recorded.status == 0 else { throw CocoaError(.executableLoad, userInfo: ["stderr": recorded.stderr]) }
        }
        if runs > 1 {
            let merged = try seccompTUI(["merge"] + runPaths + ["-o", profilePath])
            guard merged.status == 0 else { throw CocoaError(.executableLoad, userInfo: ["stderr": merged.stderr]) }
        }
        let generated = try seccompTUI(["generate", profilePath, "-o", policyPath, "--default-action", defaultAction])
        guard generated.status == 0 else { throw CocoaError(.executableLoad, userInfo: ["stderr": generated.stderr]) }
        return try PolicyIO.load(path: policyPath)
    }

    /// Writes `policy` as OCI JSON (with our writer) and returns the path.
    static func writeOCI(_ policy: Policy, to dir: URL, name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(try PolicyIO.encode(policy, as: .oci)).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `sleep 20` under two stacked filters: `outer` installed by our own spawn, then `inner`
    /// (written to `inner.json` in `dir`) by `seccomp-tui enforce` before it execs sleep.
    struct StackedSleep {
        var enforce: Spawn.Child
        var sleeper: Int32
        var innerPath: String

        /// Kills both outright (the test runner's signal mask may block SIGTERM in its children)
        /// and reaps enforce.
        func stop() {
            kill(sleeper, SIGKILL)
            kill(enforce.pid, SIGKILL)
            var status: Int32 = 0
            _ = valueOrErrno { waitpid(enforce.pid, &status, 0) }
        }
    }

    static func sleepUnderTwoFilters(outer: Policy, inner: Policy, in dir: URL) throws -> StackedSleep {
        let innerPath = try writeOCI(inner, to: dir, name: "inner.json")
        let enforce = try Spawn.start([try SeccompTUIBinary.path(), "enforce", "--policy", innerPath, "--", "/bin/sleep", "20"],
                                      filter: try BPFCompiler.compile(outer), noNewPrivs: .always, stopSelf: false)
        let failure = Spawn.result(of: enforce, command: ["seccomp-tui"])
        let sleeper = child(of: enforce.pid, named: "sleep")
        guard failure == nil, let sleeper else {
            StackedSleep(enforce: enforce, sleeper: sleeper ?? -1, innerPath: innerPath).stop()
            throw ProcessRunner.Failure("enforce under the outer filter did not start sleep: \(failure.map { "\($0)" } ?? "no sleep")")
        }
        return StackedSleep(enforce: enforce, sleeper: sleeper, innerPath: innerPath)
    }
}
