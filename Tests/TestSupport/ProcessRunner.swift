import Foundation

/// What a finished program left: its exit status (128 + N when signal N killed it) and what it
/// wrote on standard output and standard error.
public struct ProcessOutput: Equatable, Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    /// Standard output, then standard error.
    public var combined: String { stdout + stderr }
}

/// The one way the tests run a program to its end.
public enum ProcessRunner {
    /// Runs `arguments[0]` (a path, or a name looked up on PATH) with the rest in `directory`,
    /// its standard input from the file `stdin` or the bytes `input` (else /dev/null), and waits
    /// for it. Input is written and both output pipes are read at the same time, so that no pipe
    /// fills up.
    @discardableResult
    public static func run(_ arguments: [String], stdin: URL? = nil, input: Data? = nil, in directory: URL? = nil,
                           environment: [String: String]? = nil) throws -> ProcessOutput {
        let out = Pipe(), err = Pipe()
        let inputPipe = input.map { _ in Pipe() }
        let p = try start(arguments, stdin: try inputPipe ?? stdin.map { try FileHandle(forReadingFrom: $0) },
                          stdout: out, stderr: err, in: directory, environment: environment)
        if let input, let inputPipe {
            Thread {
                inputPipe.fileHandleForWriting.write(input)
                try? inputPipe.fileHandleForWriting.close()
            }.start()
        }
        let errData = Locked(Data())
        let readErr = DispatchSemaphore(value: 0)
        let reader = Thread {
            errData.update { $0 = err.fileHandleForReading.readDataToEndOfFile() }
            readErr.signal()
        }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        readErr.wait()
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        return ProcessOutput(status: status, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData.value, as: UTF8.self))
    }

    /// Starts `arguments[0]` (a path, or a name looked up on PATH) with the rest in the
    /// background and returns it; what is not given is /dev/null (`stdout` and `stderr` take a
    /// `Pipe` or a `FileHandle`).
    public static func start(_ arguments: [String], stdin: Any? = nil, stdout: Any? = nil, stderr: Any? = nil,
                             in directory: URL? = nil, environment: [String: String]? = nil) throws -> Process {
        let p = Process()
        if arguments[0].contains("/") {
            p.executableURL = URL(fileURLWithPath: arguments[0])
            p.arguments = Array(arguments.dropFirst())
        } else {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = arguments
        }
        if let directory { p.currentDirectoryURL = directory }
        if let environment { p.environment = environment }
        p.standardInput = stdin ?? FileHandle.nullDevice
        p.standardOutput = stdout ?? FileHandle.nullDevice
        p.standardError = stderr ?? FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Compiles the C program `source` with `/usr/bin/cc -pthread` and `flags` in a fresh
    /// scratch directory; returns the executable's path. Throws with the compiler's messages.
    public static func compileC(_ source: String, name: String, flags: [String] = ["-O1"]) throws -> String {
        let dir = try TestScratch.directory("cc").path
        let src = dir + "/\(name).c", exe = dir + "/\(name)"
        try source.write(toFile: src, atomically: true, encoding: .utf8)
        let r = try run(["/usr/bin/cc"] + flags + ["-pthread", "-o", exe, src])
        guard r.status == 0 else { throw Failure("cc failed on \(name).c: \(r.stderr)") }
        return exe
    }

    /// A program that could not be built or did not do what a test needs from it.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }
}
