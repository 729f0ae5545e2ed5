import ArgumentParser
import Foundation
import PolicyModel
import TUI
import TraceCapture

/// `seccomp-tui hook`: the OCI hook that records a container from its first call.
struct Hook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "OCI prestart hook: record a container annotated io.containers.trace-syscall=of:/PATH.json.",
        discussion: """
            A container runtime (podman, or runc/crun with hooks in config.json) runs the hook with \
            the container's state on standard input, before the container's program starts. When \
            the container carries the annotation io.containers.trace-syscall=of:/OUT.json (or \
            if:/EARLIER.json;of:/OUT.json to merge an earlier profile), the hook starts a tracer \
            attached to the container's init process and returns; the tracer follows the container's \
            processes until the last one ends and then writes the profile to OUT.json. Containers \
            without the annotation are left alone.

            The calls the runtime's init makes after installing the container's seccomp filter and \
            before exec'ing the program are kept apart in the profile (metadata.runtimeSyscalls): \
            'generate --runtime runc' allows them. Install: see docs/containers.md \
            (hooks.d/seccomp-tui-hook.json).
            """)

    @Option(help: "Tracing backend: auto (perf when permitted, else ptrace), ptrace or perf.")
    var backend: BackendKind = .auto

    @Option(help: "Append what the tracer did (written profiles, errors after the hook returned) to this file.")
    var log: String = "/var/log/seccomp-tui-hook.log"

    @Option(help: .hidden) var tracePid: Int32?
    @Option(help: .hidden) var traceId: String?
    @Option(help: .hidden) var traceBundle: String?
    @Option(help: .hidden) var traceAnnotation: String?

    func run() throws {
        if let pid = tracePid, let id = traceId, let annotation = traceAnnotation {
            return try HookTracer(pid: pid, id: id, bundle: traceBundle ?? "", backend: backend, log: log,
                                  request: try TraceSyscallAnnotation(parsing: annotation)).run()
        }
        let stdin = FileHandle.standardInput.readDataToEndOfFile()
        let state = try OCIHookState.decode(Array(stdin), source: "container state (standard input)")
        guard let annotation = state.annotations[TraceSyscallAnnotation.key] else { return }
        let request = try TraceSyscallAnnotation(parsing: annotation)
        try startTracer(state: state, annotation: annotation, request: request)
    }

    /// Starts `seccomp-tui hook --trace-pid ...` in its own session and waits until it is attached
    /// (it writes `ready` to its standard output) or has failed (its error, which the hook reports:
    /// the runtime then refuses to start the container, rather than run it unrecorded).
    func startTracer(state: OCIHookState, annotation: String, request: TraceSyscallAnnotation) throws {
        let tracer = Process()
        tracer.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        tracer.arguments = ["hook", "--backend", backend.rawValue, "--log", log, "--trace-pid", String(state.pid),
                            "--trace-id", state.id, "--trace-bundle", state.bundle, "--trace-annotation", annotation]
        let ready = Pipe()
        tracer.standardInput = FileHandle.nullDevice
        tracer.standardOutput = ready
        tracer.standardError = HookLog.open(log) ?? FileHandle.nullDevice
        try tracer.run()
        try? ready.fileHandleForWriting.close()
        var said = Data()
        while !said.contains(UInt8(ascii: "\n")) {
            let chunk = ready.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said.append(chunk)
        }
        let line = String(decoding: said, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard line == "ready" else {
            throw CommandFailure(line.isEmpty
                ? "container \(state.id): the tracer ended before it was attached (see \(log))" : line)
        }
    }
}

enum HookLog {
    /// The log file opened for appending, or nil when it cannot be.
    static func open(_ path: String) -> FileHandle? {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        return fd >= 0 ? FileHandle(fileDescriptor: fd, closeOnDealloc: true) : nil
    }

    /// One line on standard error (the log), with the time.
    static func write(_ line: String) {
        let stamp = ISO8601DateFormatter().string(from: Date())
        FileHandle.standardError.write(Data("\(stamp) seccomp-tui hook: \(line)\n".utf8))
    }
}

/// The tracer the hook starts: attaches to the container's init process, tells the hook it is
/// ready, records until the container's last process ended, then writes the profile.
struct HookTracer {
    var pid: Int32
    var id: String
    var bundle: String
    var backend: BackendKind
    var log: String
    var request: TraceSyscallAnnotation

    func run() throws {
        _ = setsid()  // not the runtime's: a signal to its process group must not end the recording
        let splitter = LockedSplitter(ContainerCallSplitter(initPid: pid))
        let earlier: Profile?
        let backend: ContainerSplitBackend
        do {
            try AtomicFile.checkWritable(request.output)
            earlier = try request.input.map(ProfileIO.load(path:))
            backend = ContainerSplitBackend(try TraceBackends.make(kind: self.backend), splitter: splitter)
        } catch {
            return fail("container \(id): cannot record into \(request.output): \(error)")
        }
        // perf: `returns` makes the reader order every CPU's samples by time, so the filter point
        // and the exec are seen in the order the init thread made them.
        let options = TraceOptions(returns: backend.name == "perf", readPaths: true)
        backend.onStarted = {
            FileHandle.standardOutput.write(Data("ready\n".utf8))
            // The hook has returned: nothing may hold its pipes open any longer.
            let null = Glibc.open("/dev/null", O_RDWR)
            if null >= 0 { dup2(null, 1); close(null) }
        }
        let recording: Recording
        do {
            recording = try Recording.run(target: .attach(pid: pid), backend: backend, options: options)
        } catch {
            return fail("container \(id): cannot record into \(request.output): \(error)")
        }
        var profile = recording.profile
        profile.metadata.command = Self.containerCommand(bundle: bundle)
        let split = splitter.finish()
        profile.metadata.runtimeSyscalls = split.runtimeSyscalls
        if !split.sawFilterPoint {
            HookLog.write("container \(id): no seccomp filter was installed; every call the runtime's init made before exec is counted as the runtime's")
        }
        if var merged = earlier {
            merged.merge(profile)
            profile = merged
        }
        do {
            try AtomicFile.write(profile.encodeJSON(), to: request.output)
            let runtime = profile.metadata.runtimeSyscalls.values.reduce(0) { $0 + $1.count }
            HookLog.write("container \(id): wrote \(request.output): \(profile.metadata.totalCalls) calls of \(profile.syscalls.count) syscalls, \(runtime) of the runtime's"
                + (profile.metadata.lostEvents > 0 ? ", \(profile.metadata.lostEvents) events lost" : "")
                + (profile.metadata.unknownArchitectureCalls > 0
                    ? ", \(profile.metadata.unknownArchitectureCalls) calls of unknown architecture left out" : ""))
        } catch {
            HookLog.write("container \(id): \(error)")
            throw ExitCode(1)
        }
    }

    /// Reports a failure before the tracer is ready: to the log, and to the hook waiting on
    /// standard output, which fails with it.
    private func fail(_ message: String) {
        HookLog.write(message)
        FileHandle.standardOutput.write(Data((message + "\n").utf8))
    }

    /// The container's command line from the bundle's config.json (`process.args`), for the
    /// profile's metadata; empty when it cannot be read.
    static func containerCommand(bundle: String) -> [String] {
        guard !bundle.isEmpty,
              let bytes = try? InputFile.read(path: bundle + "/config.json", limit: 16 << 20),
              let config = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let process = config["process"] as? [String: Any],
              let args = process["args"] as? [String] else { return [] }
        return args
    }
}

/// A backend whose batches pass through the splitter (only the program's calls reach the
/// profile), and which says when it is attached.
final class ContainerSplitBackend: TraceBackend, @unchecked Sendable {
    private let inner: TraceBackend
    private let splitter: LockedSplitter
    /// Called once the inner backend is attached, before the trace is waited on.
    var onStarted: () -> Void = {}

    init(_ inner: TraceBackend, splitter: LockedSplitter) {
        self.inner = inner
        self.splitter = splitter
    }

    var name: String { inner.name }

    func start(_ target: TraceTarget, options: TraceOptions,
               onEvents: @escaping @Sendable (EventBatch) -> Void) throws -> Int32 {
        let pid = try inner.start(target, options: options) { [splitter] batch in
            onEvents(EventBatch(events: splitter.program(batch.events), lostSoFar: batch.lostSoFar))
        }
        onStarted()
        return pid
    }

    func wait() -> TraceEnd { inner.wait() }
    func stop() { inner.stop() }
    var lostEvents: UInt64 { inner.lostEvents }
    var unknownArchitectureCalls: UInt64 { inner.unknownArchitectureCalls }
}

/// The splitter, shared between the thread that delivers batches and the one that finishes.
final class LockedSplitter: @unchecked Sendable {
    private let lock = NSLock()
    private var splitter: ContainerCallSplitter

    init(_ splitter: ContainerCallSplitter) { self.splitter = splitter }

    func program(_ batch: [SyscallEvent]) -> [SyscallEvent] { lock.withLock { splitter.program(batch) } }

    func finish() -> ContainerCallSplitter { lock.withLock { splitter } }
}
