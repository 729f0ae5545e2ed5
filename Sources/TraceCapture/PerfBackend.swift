import CTraceCapture
import Foundation
import PolicyModel
#if canImport(Glibc)
import Glibc
#endif

/// Traces system calls through the `raw_syscalls:sys_enter` (and, with `returns`, `sys_exit`)
/// tracepoints with `perf_event_open`: one sampling event per CPU (and, for `attach`, per
/// thread), `inherit` so children and threads are followed, one ring buffer per CPU read by one
/// thread. The tracee never stops. Needs root, CAP_PERFMON or `perf_event_paranoid` = -1.
/// A sample names its thread (the raw record's `common_pid`); the thread's process comes from
/// PERF_RECORD_FORK records (see `PerfThreadProcesses`), or from PERF_SAMPLE_TID outside the
/// initial pid namespace.
///
/// Limits, by construction of the tracepoint:
/// - path arguments are not read: the tracepoint carries only the six argument registers, and
///   by the time a sample is read the tracee may have changed or freed that memory (or exited),
///   so a string read then could be wrong. Events carry no paths; the spawned command's own
///   `execve` (which happens before its events are enabled and is recorded by this backend
///   from what it knows) carries the resolved program path.
/// - the tracepoint has no architecture field: on x86_64 each sys_enter sample carries rcx and
///   rip (PERF_SAMPLE_REGS_USER), from which `PerfCallArchitecture` tells i386 (compat) calls —
///   `int $0x80`, 32-bit programs — from native ones (x32 by `__X32_SYSCALL_BIT`). A call it
///   cannot tell is not recorded: `unknownArchitectureCalls` counts it. Other hosts report every
///   call in the host's architecture.
/// - when the consumer or the reader falls behind, the kernel drops records; `lostEvents` counts
///   them (so a profile may then be incomplete: rerun with the ptrace backend).
/// - `attach` cannot learn the exit status of a process that is not our child: `wait()` then
///   returns `.detached` once every traced thread and its descendants ended.
public final class PerfBackend: TraceBackend, @unchecked Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Data pages per CPU ring buffer (a power of two); nil: 4 MiB per CPU, at most 32 MiB
        /// over all CPUs, at least 256 KiB per CPU.
        public var ringPages: Int?
        /// Events per batch handed to `onEvents`.
        public var batchSize: Int
        /// Batches queued for `onEvents` before the reader waits.
        public var queuedBatches: Int
        /// How often the reader looks at the rings when the watermark was not reached.
        public var pollMilliseconds: Int32
        /// Whether samples carry PERF_SAMPLE_TID. Without it (one field less for the traced
        /// thread to write on every call) the process of each thread comes from FORK records,
        /// which needs the raw `common_pid` to be the thread id we see; nil: with it only
        /// outside the initial pid namespace.
        public var sampleTID: Bool?

        public init(ringPages: Int? = nil, batchSize: Int = 4096, queuedBatches: Int = 16,
                    pollMilliseconds: Int32 = 50, sampleTID: Bool? = nil) {
            self.ringPages = ringPages
            self.batchSize = batchSize
            self.queuedBatches = queuedBatches
            self.pollMilliseconds = pollMilliseconds
            self.sampleTID = sampleTID
        }

        /// The ring size used for `cpus` CPUs.
        public func ringPages(cpus: Int) -> Int {
            if let ringPages { return ringPages }
            let pageSize = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))
            let wanted = min(4 << 20, (32 << 20) / max(1, cpus), Int.max) / pageSize
            var pages = 1
            while pages * 2 <= wanted { pages *= 2 }
            return max(pages, (256 << 10) / pageSize)
        }
    }

    public let name = "perf"
    public let configuration: Configuration

    private let lock = NSLock()
    private var lost: UInt64 = 0
    private var unknownArchitecture: UInt64 = 0
    private var stopRequested = false
    private var detachedByStop = false
    private var childReaped = false
    private var finished: TraceEnd?

    private var fds: [Int32] = []
    private var rings: [UnsafeMutablePointer<CTraceCapture_perf_ring>] = []
    private var ringOwner: [Int32: Int32] = [:]  // cpu -> fd that owns that CPU's ring
    private var ownIDs: [Int32: Set<UInt64>] = [:]  // attach: tid -> ids of the events opened for it
    /// `configuration.sampleTID`, decided.
    private let samplesCarryTID: Bool
    private var child: PerfChild?
    private var attached: pid_t?
    private var options = TraceOptions()
    private var queue: EventQueue?
    private let readerDone = DispatchSemaphore(value: 0)
    private var startAttempted = false
    /// Set once the reader thread runs: `wait` then waits for it.
    private var started = false
    /// The tracepoints, when the caller already read them.
    private let loadedTracepoints: PerfTracepoints?

    /// `tracepoints`: as `requirements()` returns them, when the caller has them (`start` checks
    /// and reads them otherwise).
    public init(configuration: Configuration = Configuration(), tracepoints: PerfTracepoints? = nil) {
        self.configuration = configuration
        loadedTracepoints = tracepoints
        samplesCarryTID = configuration.sampleTID ?? !ProcFS.inInitialPIDNamespace()
    }

    deinit {
        closeEvents()
    }

    public var lostEvents: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return lost
    }

    /// Calls left out because their architecture could not be told (see `PerfCallArchitecture`).
    public var unknownArchitectureCalls: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return unknownArchitecture
    }

    /// How sys_enter samples are told apart by architecture (set before `start`; tests replace it).
    var architectures = PerfCallArchitecture()

    // MARK: start

    public func start(_ target: TraceTarget, options: TraceOptions,
                      onEvents: @escaping @Sendable (EventBatch) -> Void) throws -> Int32 {
        lock.lock()
        if started || startAttempted {
            lock.unlock()
            throw TraceError.alreadyStarted
        }
        startAttempted = true
        lock.unlock()
        self.options = options
        // Once this start has opened its events (or failed), the warm-up event is not needed.
        defer { CTraceCapture_perf_warm_up_finish() }
        let tracepoints = try loadedTracepoints ?? Self.requirements()
        let cpus = Self.onlineCPUs()
        var pairer = PerfSyscallPairer(withReturns: options.returns)
        var first: [SyscallEvent] = []
        let pid: pid_t
        let knownThreads: [Int32: Int32]  // traced from the start, with their process
        switch target {
        case .spawn(let command):
            guard let file = command.first, !file.isEmpty else {
                throw TraceError.execFailed(command: "", errno: ENOENT)
            }
            pid = try spawn(command, tracepoints: tracepoints, cpus: cpus)
            knownThreads = [pid: pid]
            // The command's execve ran before its events were enabled: record it from what we know.
            var exec = SyscallEvent(pid: pid, tid: pid, arch: .host,
                                    nr: Int32(CTraceCapture_perf_nr_execve()), args: [])
            if options.readPaths { exec.paths = [0: Spawn.resolve(file)] }
            if options.returns { pairer.expect(exec) } else { first.append(exec) }
        case .attach(let target):
            let tids = try attach(target, tracepoints: tracepoints, cpus: cpus)
            knownThreads = Dictionary(uniqueKeysWithValues: tids.map { ($0, target) })
            pid = target
        }
        let queue = EventQueue(capacity: configuration.queuedBatches, name: "seccomp-tui perf delivery", deliver: onEvents)
        self.queue = queue
        queue.push(first)
        let known = samplesCarryTID ? nil : knownThreads
        let reader = Thread { [self, pairer] in
            readLoop(layout: tracepoints.layout, pairer: pairer, knownThreads: known, queue: queue)
            readerDone.signal()
        }
        reader.name = "seccomp-tui perf reader"
        lock.lock()
        started = true
        lock.unlock()
        reader.start()
        return pid
    }

    private func spawn(_ command: [String], tracepoints: PerfTracepoints, cpus: [Int32]) throws -> pid_t {
        // A trace that may be left running (keepRunning) must not die with the tool.
        let held = try PerfChild(command, dieWithTracer: !options.keepRunning, takeTerminal: options.takeTerminal,
                                 environment: options.terminalType.map(Spawn.environment(terminal:)))
        do {
            try openEvents(tracepoints: tracepoints, tids: [held.pid], cpus: cpus, enableOnExec: true)
        } catch {
            kill(held.pid, SIGKILL)
            close(held.releaseFD)
            close(held.statusFD)
            held.end()
            closeEvents()
            throw error
        }
        if case .failure(let e) = Errno.result(CTraceCapture_perf_release(held.releaseFD, held.statusFD)) {
            held.end()
            closeEvents()
            throw TraceError.execFailed(command: command[0], errno: e.rawValue)
        }
        child = held
        return held.pid
    }

    /// Opens events for every thread of `pid`; returns those threads.
    private func attach(_ pid: pid_t, tracepoints: PerfTracepoints, cpus: [Int32]) throws -> Set<Int32> {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { throw TraceError.noSuchProcess(pid) }
        // Threads that exist now get their own events; threads and children created later by a
        // traced thread inherit them. A thread created while we open events may be missed by
        // inheritance, so list the threads again until no new one appears. A thread covered both
        // ways would be seen twice: samples of a thread we opened events for are taken only from
        // its own events (`ownIDs`).
        var covered = Set<Int32>()
        for _ in 0..<100 {
            let tids = Set(ProcFS.threads(of: pid))
            if tids.isEmpty && covered.isEmpty { throw TraceError.noSuchProcess(pid) }
            let new = tids.subtracting(covered)
            if new.isEmpty { break }
            do {
                try openEvents(tracepoints: tracepoints, tids: new.sorted(), cpus: cpus, enableOnExec: false)
            } catch TraceError.noSuchProcess where !covered.isEmpty {
                // a thread ended between listing and opening: it needs no events
            } catch {
                closeEvents()
                throw error
            }
            covered.formUnion(new)
        }
        attached = pid
        return covered
    }

    private func openEvents(tracepoints: PerfTracepoints, tids: [Int32], cpus: [Int32], enableOnExec: Bool) throws {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let ringPages = configuration.ringPages(cpus: cpus.count)
        let watermark = UInt32(min(ringPages * pageSize / 4, 1 << 20))
        // The traced thread writes every sample field on every syscall: TIME only to pair enters
        // with exits read from different CPUs, the event id only to drop duplicates when attaching,
        // TID only where FORK records cannot name each thread's process.
        // The enter events also carry the two registers that tell i386 calls (x86_64 hosts).
        let sampleType = CTraceCapture_perf_sample_type(options.returns ? 1 : 0, enableOnExec ? 0 : 1,
                                                        samplesCarryTID ? 1 : 0, architectures.checks ? 1 : 0)
        let exitSampleType = CTraceCapture_perf_sample_type(options.returns ? 1 : 0, enableOnExec ? 0 : 1,
                                                            samplesCarryTID ? 1 : 0, 0)
        for cpu in cpus {
            for tid in tids {
                var ids: [UInt64] = []
                let enter = try openEvent(tracepoints.enterID, "sys_enter", tid: tid, cpu: cpu,
                                          enableOnExec: enableOnExec, forkRecords: !samplesCarryTID,
                                          watermark: watermark, sampleType: sampleType)
                ids.append(CTraceCapture_perf_event_id(enter))
                if let owner = ringOwner[cpu] {
                    try redirect(enter, to: owner)
                } else {
                    let ring = UnsafeMutablePointer<CTraceCapture_perf_ring>.allocate(capacity: 1)
                    ring.initialize(to: CTraceCapture_perf_ring())
                    let r = CTraceCapture_perf_ring_map(ring, enter, ringPages, sampleType)
                    if r < 0 {
                        ring.deallocate()
                        throw PerfBackendError.system(
                            operation: "mapping a \(ringPages)-page perf ring buffer", errno: -r)
                    }
                    rings.append(ring)
                    ringOwner[cpu] = enter
                }
                if options.returns {
                    let exit = try openEvent(tracepoints.exitID, "sys_exit", tid: tid, cpu: cpu,
                                             enableOnExec: enableOnExec, forkRecords: false,
                                             watermark: watermark, sampleType: exitSampleType)
                    ids.append(CTraceCapture_perf_event_id(exit))
                    try redirect(exit, to: ringOwner[cpu]!)
                }
                if !enableOnExec { ownIDs[tid, default: []].formUnion(ids) }
            }
        }
    }

    private func openEvent(_ id: UInt32, _ name: String, tid: Int32, cpu: Int32, enableOnExec: Bool,
                           forkRecords: Bool, watermark: UInt32, sampleType: UInt64) throws -> Int32 {
        let fd = CTraceCapture_perf_open(id, tid, cpu, 1, enableOnExec ? 1 : 0, forkRecords ? 1 : 0,
                                         watermark, sampleType)
        if fd >= 0 {
            fds.append(fd)
            return fd
        }
        let e = -fd
        switch e {
        case EACCES, EPERM:
            throw PerfBackendError.notPermitted(PerfPermission.problem()
                ?? "perf_event_open on raw_syscalls:\(name) was refused (\(Errno(e))); use --backend ptrace")
        case ESRCH:
            throw TraceError.noSuchProcess(tid)
        case EMFILE, ENFILE:
            throw PerfBackendError.system(
                operation: "perf_event_open (\(fds.count) events open; raise `ulimit -n`)", errno: e)
        default:
            throw PerfBackendError.system(operation: "perf_event_open on raw_syscalls:\(name) for tid \(tid), cpu \(cpu)",
                                          errno: e)
        }
    }

    private func redirect(_ fd: Int32, to owner: Int32) throws {
        let r = CTraceCapture_perf_set_output(fd, owner)
        if r < 0 { throw PerfBackendError.system(operation: "PERF_EVENT_IOC_SET_OUTPUT", errno: -r) }
    }

    // MARK: reading

    private var isStopRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopRequested
    }

    private func addLost(_ n: UInt64) {
        guard n > 0 else { return }
        lock.lock()
        lost += n
        lock.unlock()
    }

    private func readLoop(layout: CTraceCapture_perf_layout, pairer: PerfSyscallPairer,
                          knownThreads: [Int32: Int32]?, queue: EventQueue) {
        var pairer = pairer
        // Without PERF_SAMPLE_TID: the process of each thread, from FORK records.
        var threads = knownThreads.map { PerfThreadProcesses(known: $0) }
        var layout = layout
        let chunk = max(256, configuration.batchSize)
        let buffer = UnsafeMutablePointer<CTraceCapture_perf_sample>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        var out: [SyscallEvent] = []
        out.reserveCapacity(configuration.batchSize)
        var live = fds
        var revents = [Int16](repeating: 0, count: live.count)
        var gathered: [(sample: CTraceCapture_perf_sample, arch: Arch)] = []
        var unknownHere: UInt64 = 0

        func flush(force: Bool) {
            guard out.count >= configuration.batchSize || force else { return }
            queue.push(out, lostSoFar: lostEvents)  // an empty batch only when more were lost
            if !out.isEmpty {
                out = []
                out.reserveCapacity(configuration.batchSize)
            }
        }

        /// A sample whose process is known. A call whose architecture cannot be told is counted,
        /// not recorded.
        func take(_ s: CTraceCapture_perf_sample) {
            if !ownIDs.isEmpty, let own = ownIDs[s.tid], !own.contains(s.id) { return }
            var arch = Arch.host
            if s.kind == 0 {
                guard let known = architectures.arch(of: s) else {
                    unknownHere += 1
                    return
                }
                arch = known
            }
            if pairer.withReturns {
                gathered.append((s, arch))
            } else {
                out.append(PerfSyscallPairer.event(from: s, arch: arch))
                flush(force: false)
            }
        }

        /// Reads every ring until empty. With return values, samples of all CPUs are ordered by
        /// time before pairing, so that an enter read from one CPU meets its exit from another.
        func drain(last: Bool) {
            for ring in rings {
                while true {
                    var lostHere: UInt64 = 0
                    var skipped: UInt64 = 0
                    let n = CTraceCapture_perf_ring_read(ring, &layout, buffer, chunk, &lostHere, &skipped)
                    addLost(lostHere)
                    for i in 0..<n {
                        let s = buffer[i]
                        if s.kind == 2 {
                            threads?.learn(s)
                        } else if threads == nil {
                            take(s)
                        } else if let resolved = threads!.resolve(s) {
                            take(resolved)
                        }
                    }
                    if n < chunk { break }
                }
            }
            for s in (last ? threads?.finish() : threads?.endPass()) ?? [] { take(s) }
            if !gathered.isEmpty {
                gathered.sort { $0.sample.time < $1.sample.time }
                for g in gathered {
                    pairer.add(g.sample, arch: g.arch, into: &out)
                    flush(force: false)
                }
                gathered.removeAll(keepingCapacity: true)
            }
            if unknownHere > 0 {
                lock.lock()
                unknownArchitecture += unknownHere
                lock.unlock()
                unknownHere = 0
            }
            flush(force: true)
        }

        while true {
            let stopping = isStopRequested
            if !stopping && !live.isEmpty {
                let r = CTraceCapture_perf_poll(live, &revents, Int32(live.count), configuration.pollMilliseconds)
                if r > 0 {
                    var still: [Int32] = []
                    for (i, fd) in live.enumerated() where revents[i] & Int16(POLLHUP | POLLERR | POLLNVAL) == 0 {
                        still.append(fd)
                    }
                    if still.count != live.count {
                        live = still
                        revents = [Int16](repeating: 0, count: max(1, live.count))
                    }
                }
            }
            drain(last: false)
            if stopping || live.isEmpty { break }
        }
        drain(last: true)
        pairer.finish(into: &out)
        flush(force: true)
    }

    // MARK: wait and stop

    public func wait() -> TraceEnd {
        lock.lock()
        if let finished {
            lock.unlock()
            return finished
        }
        lock.unlock()
        var end = TraceEnd.detached
        if let child {
            // Only a keepRunning trace can end while the command runs on (stop() detaches): it
            // polls; otherwise stop() kills the command and the wait returns.
            while true {
                let outcome = child.end(by: options.keepRunning ? .now() + .milliseconds(1) : .distantFuture)
                if case .lost = outcome { break }
                if case .ended(let status) = outcome {
                    end = Self.decode(status)
                    lock.lock()
                    childReaped = true
                    lock.unlock()
                    break
                }
                lock.lock()
                let detached = detachedByStop
                lock.unlock()
                if detached { break }
            }
        }
        lock.lock()
        let running = started
        lock.unlock()
        if running {
            readerDone.wait()
            readerDone.signal()
            queue?.closeAndWait()
        }
        lock.lock()
        if let finished {
            lock.unlock()
            return finished
        }
        finished = end
        lock.unlock()
        closeEvents()
        return end
    }

    public func stop() {
        lock.lock()
        if finished != nil || childReaped {
            lock.unlock()
            return
        }
        stopRequested = true
        let detach = attached != nil || options.keepRunning
        if detach { detachedByStop = true }
        lock.unlock()
        if detach { child?.letGo() }
        if detach {
            for fd in fds { _ = CTraceCapture_perf_disable(fd) }
        } else if let child = child?.pid {
            // Freeze the command and its descendants (so that none exits on its own or forks
            // unseen), then kill them all: the command first, so that its status is the kill.
            kill(child, SIGSTOP)
            var frozen: Set<pid_t> = []
            for _ in 0..<16 {
                let new = Self.descendants(of: child).filter { !frozen.contains($0) }
                if new.isEmpty { break }
                for pid in new { kill(pid, SIGSTOP) }
                frozen.formUnion(new)
            }
            kill(child, SIGKILL)
            for pid in frozen { kill(pid, SIGKILL) }
        }
    }

    private func closeEvents() {
        lock.lock()
        let (fds, rings) = (self.fds, self.rings)
        self.fds = []
        self.rings = []
        lock.unlock()
        for ring in rings {
            CTraceCapture_perf_ring_unmap(ring)
            ring.deallocate()
        }
        _ = CTraceCapture_perf_close_detached(fds, Int32(fds.count))
    }

    // MARK: helpers

    /// What the backend needs here, checked: permission for raw tracepoint samples, then the
    /// tracepoints themselves (read once, for `init(tracepoints:)`).
    static func requirements() throws -> PerfTracepoints {
        try PerfPermission.check()
        return try PerfTracepoints.load()
    }

    static func decode(_ status: Int32) -> TraceEnd {
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(signal)
    }

    /// The CPUs listed in /sys/devices/system/cpu/online ("0-3,5"), else all configured ones.
    static func onlineCPUs() -> [Int32] {
        if let text = try? String(contentsOfFile: "/sys/devices/system/cpu/online", encoding: .utf8) {
            var cpus: [Int32] = []
            for part in text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",") {
                let bounds = part.split(separator: "-").compactMap { Int32($0) }
                if bounds.count == 1 { cpus.append(bounds[0]) }
                if bounds.count == 2, bounds[0] <= bounds[1] { cpus += Array(bounds[0]...bounds[1]) }
            }
            if !cpus.isEmpty { return cpus }
        }
        return Array(0..<Int32(max(1, sysconf(Int32(_SC_NPROCESSORS_CONF)))))
    }

    /// Processes whose parent chain leads to `root` (from /proc), deepest first.
    static func descendants(of root: pid_t) -> [pid_t] {
        var parent: [pid_t: pid_t] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(name),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let ppid = pid_t(fields[1]) { parent[pid] = ppid }
        }
        var depth: [pid_t: Int] = [:]
        for pid in parent.keys {
            var d = 0
            var p = pid
            while let pp = parent[p], pp > 1, d < 4096 {
                d += 1
                if pp == root {
                    depth[pid] = d
                    break
                }
                p = pp
            }
        }
        return depth.sorted { $0.value > $1.value }.map(\.key)
    }
}
