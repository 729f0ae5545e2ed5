import Foundation
import Testing
import TUI
import TestSupport

/// `seccomp-tui hook` as a runtime calls it, without a runtime: the state on standard input.
@Suite struct HookCommandTests {
    typealias S = EnforceTestSupport

    func hook(state: String) throws -> ProcessOutput {
        let dir = try TestScratch.directory("hook")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("state.json")
        try state.write(to: input, atomically: true, encoding: .utf8)
        return try ProcessRunner.run([try SeccompTUIBinary.path(), "hook", "--log", dir.appendingPathComponent("hook.log").path], stdin: input)
    }

    @Test("a container without the annotation is left alone: exit 0, nothing said, nothing traced")
    func noAnnotation() throws {
        let r = try hook(state: #"{"ociVersion":"1.0.2","id":"c1","status":"created","pid":\#(getpid()),"bundle":"/nonexistent","annotations":{"other":"x"}}"#)
        #expect(r == ProcessOutput(status: 0, stdout: "", stderr: ""))
    }

    @Test("a bad annotation or state fails the hook with one line naming it (the runtime then does not start the container)")
    func badInput() throws {
        let bad = try hook(state: #"{"ociVersion":"1.0.2","id":"c1","status":"created","pid":\#(getpid()),"bundle":"/b","annotations":{"io.containers.trace-syscall":"if:/a.json"}}"#)
        #expect(bad.status != 0)
        #expect(bad.stderr == "Error: annotation io.containers.trace-syscall: 'if:/a.json' names no output: give of:/absolute/path.json\n")
        let noPid = try hook(state: #"{"ociVersion":"1.0.2","id":"c1","status":"stopped","bundle":"/b"}"#)
        #expect(noPid.status != 0)
        #expect(noPid.stderr.hasPrefix("Error: container state (standard input): field 'pid'"))
    }

    @Test("an output that cannot be written fails the hook before the container starts")
    func unwritableOutput() throws {
        let r = try hook(state: #"{"ociVersion":"1.0.2","id":"c1","status":"created","pid":\#(getpid()),"bundle":"/b","annotations":{"io.containers.trace-syscall":"of:/nonexistent-dir/p.json"}}"#)
        #expect(r.status != 0)
        #expect(r.stderr.contains("container c1: cannot record into /nonexistent-dir/p.json"), "\(r.stderr)")
    }
}
