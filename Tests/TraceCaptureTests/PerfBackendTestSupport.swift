import Foundation
import PolicyModel
import Testing
import TraceCapture

/// Helpers shared by the perf backend tests: C programs compiled on the spot, traces collected
/// into arrays, and strace's view of the same command.
enum PerfTestSupport {
    final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [SyscallEvent] = []
        private var batchCount = 0
        func add(_ batch: [SyscallEvent]) {
            lock.lock()
            stored += batch
            batchCount += 1
            lock.unlock()
        }
        var events: [SyscallEvent] {
            lock.lock()
            defer { lock.unlock() }
            return stored
        }
    }

    struct Trace {
        var pid: Int32
        var events: [SyscallEvent]
        var end: TraceEnd
        var lost: UInt64

        var numbers: Set<Int32> { Set(events.map(\.nr)) }
        func count(of nr: Int32) -> Int { events.filter { $0.nr == nr }.count }
    }

    static func trace(_ backend: TraceBackend, _ command: [String], options: TraceOptions = TraceOptions(),
                      whileRunning: ((TraceBackend) -> Void)? = nil) throws -> Trace {
        let collector = Collector()
        let pid = try backend.start(.spawn(command: command), options: options) { collector.add($0.events) }
        whileRunning?(backend)
        let end = backend.wait()
        return Trace(pid: pid, events: collector.events, end: end, lost: backend.lostEvents)
    }

    /// Compiles `source` with cc (-O2 -pthread) and returns the executable's path.
    static func compileC(_ source: String, name: String) throws -> String {
        let dir = try TestSupport.tempDir("perf")
        let src = dir + "/\(name).c"
        let exe = dir + "/\(name)"
        try source.write(toFile: src, atomically: true, encoding: .utf8)
        let status = try run(["/usr/bin/cc", "-O2", "-pthread", "-o", exe, src]).status
        guard status == 0 else { throw SupportError("cc failed on \(name).c") }
        return exe
    }

    struct SupportError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    @discardableResult
    static func run(_ argv: [String], cwd: String? = nil) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// strace -f's view of `command`: every syscall number it printed (`-n`), with counts of
    /// calls (a call split into "unfinished" and "resumed" lines counts once).
    static func strace(_ command: [String], cwd: String? = nil) throws -> [Int32: Int] {
        let dir = try TestSupport.tempDir("perf")
        let out = dir + "/strace.txt"
        let r = try run(["/usr/bin/strace", "-f", "-qq", "-n", "-o", out] + command, cwd: cwd)
        guard r.status == 0 else { throw SupportError("strace \(command) exited \(r.status): \(r.output)") }
        var counts: [Int32: Int] = [:]
        for line in try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n") {
            guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]"), open < close,
                  let nr = Int32(line[line.index(after: open)..<close].trimmingCharacters(in: .whitespaces))
            else { continue }
            if line.contains("<... ") { continue }
            counts[nr, default: 0] += 1
        }
        return counts
    }

    /// The host's syscall numbers for `names`, from libseccomp (python3-seccomp).
    static func numbers(_ names: [String]) throws -> [String: Int32] {
        let script = "import seccomp,sys\nfor n in sys.argv[1:]: print(n, seccomp.resolve_syscall(seccomp.Arch.NATIVE, n))"
        let r = try run(["/usr/bin/python3", "-c", script] + names)
        guard r.status == 0 else { throw SupportError("python3-seccomp: \(r.output)") }
        var result: [String: Int32] = [:]
        for line in r.output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let nr = Int32(parts[1]) { result[String(parts[0])] = nr }
        }
        return result
    }

    static func number(_ name: String) throws -> Int32 {
        try #require(try numbers([name])[name])
    }

    /// Names for readable failure messages, from libseccomp.
    static func names(_ numbers: Set<Int32>) -> [String] {
        let script = "import seccomp,sys\nfor n in sys.argv[1:]: print(seccomp.resolve_syscall(seccomp.Arch.NATIVE, int(n)).decode())"
        let sorted = numbers.sorted()
        guard let r = try? run(["/usr/bin/python3", "-c", script] + sorted.map(String.init)), r.status == 0 else {
            return sorted.map { "#\($0)" }
        }
        return r.output.split(separator: "\n").map(String.init)
    }
}
