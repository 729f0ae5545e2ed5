import Foundation
import PolicyModel
import TraceCapture
import TUI
import TestScratch

/// Running real programs for the enforce, runtime and bwrap tests.
enum EnforceTestSupport {
    struct Output: Equatable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func tempDir(_ prefix: String) throws -> URL {
        let dir = TestScratch.root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs `arguments[0]` (an absolute path) with the rest, optionally feeding `stdin` from a file.
    static func run(_ arguments: [String], stdin: URL? = nil, in directory: URL? = nil) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: arguments[0])
        p.arguments = Array(arguments.dropFirst())
        if let directory { p.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        if let stdin { p.standardInput = try FileHandle(forReadingFrom: stdin) } else { p.standardInput = FileHandle.nullDevice }
        try p.run()
        // Read both pipes concurrently so neither fills up.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !errData.done { usleep(1000) }
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        return Output(status: status, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.value, as: UTF8.self))
    }

    final class LockedData: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private var finished = false
        func set(_ d: Data) { lock.withLock { data = d; finished = true } }
        var done: Bool { lock.withLock { finished } }
        var value: Data { lock.withLock { data } }
    }

    /// The first child of `parent` whose command name is `comm`, waited for up to two seconds.
    static func child(of parent: Int32, named comm: String) -> Int32? {
        for _ in 0..<200 {
            let children = (try? String(contentsOfFile: "/proc/\(parent)/task/\(parent)/children", encoding: .utf8)) ?? ""
            if let pid = children.split(separator: " ").first.flatMap({ Int32($0) }),
               (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) == comm + "\n" {
                return pid
            }
            usleep(10_000)
        }
        return nil
    }

    /// The built `seccomp-tui`.
    static func binary() throws -> String {
        guard let url = ExportCommandTests.executable() else { throw CocoaError(.fileNoSuchFile) }
        return url.path
    }

    /// Runs the built `seccomp-tui` with `arguments`.
    static func seccompTUI(_ arguments: [String], in directory: URL? = nil) throws -> Output {
        try run([try binary()] + arguments, in: directory)
    }

    /// The error `seccomp-tui` reports for `arguments` (its first stderr line without "Error: "),
    /// or nil when it succeeds.
    static func failure(_ arguments: [String]) throws -> String? {
        let out = try seccompTUI(arguments)
        return out.status == 0 ? nil : Failure(output: out).message
    }

    /// A run of `seccomp-tui` that failed.
    struct Failure: Error, CustomStringConvertible {
        var output: Output
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
    static func learn(_ command: [String], in dir: URL, defaultAction: String = "kill") throws -> Policy {
        let profilePath = dir.appendingPathComponent("learned-profile.json").path
        let policyPath = dir.appendingPathComponent("generated.json").path
        let recorded = try run([try binary(), "record", "--backend", "ptrace", "-o", profilePath, "--"] + command, in: dir)
        guard recorded.status == 0 else { throw CocoaError(.executableLoad, userInfo: ["stderr": recorded.stderr]) }
        let generated = try run([try binary(), "generate", profilePath, "-o", policyPath, "--default-action", defaultAction])
        guard generated.status == 0 else { throw CocoaError(.executableLoad, userInfo: ["stderr": generated.stderr]) }
        return try PolicyIO.load(path: policyPath)
    }

    /// Writes `policy` as OCI JSON (with our writer) and returns the path.
    static func writeOCI(_ policy: Policy, to dir: URL, name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(try PolicyIO.encode(policy, as: .oci)).write(to: URL(fileURLWithPath: path))
        return path
    }
}
