import CTraceCapture
import Dispatch
import Foundation
import Glibc
import PolicyModel

/// The ptrace backend. A spawned command gets a one-instruction `RET TRACE` seccomp filter, so
/// each syscall costs a single stop (PTRACE_EVENT_SECCOMP); with `returns` the tracee is also
/// stopped at the syscall's exit. An attached process is traced with PTRACE_SYSCALL.
/// Every ptrace request is made on one dedicated thread; events are delivered in batches on
/// another thread (`EventQueue`).
public final class PtraceBackend: TraceBackend, @unchecked Sendable {
    public let name = "ptrace"
    public var lostEvents: UInt64 { 0 }

    private let lock = NSLock()
    private var thread: pthread_t?
    private var stopFlag = false
    private var result: TraceEnd?
    private var joined = false
    private let done = DispatchSemaphore(value: 0)
    private let wakeSignal: Int32

    public init() {
        wakeSignal = CTraceCapture_install_wakeup_signal()
    }

    public func start(_ target: TraceTarget, options: TraceOptions,
                      onEvents: @escaping @Sendable (EventBatch) -> Void) throws -> Int32 {
        lock.lock()
        guard thread == nil else { lock.unlock(); throw TraceError.alreadyStarted }
        lock.unlock()
        let started = DispatchSemaphore(value: 0)
        let outcome = StartOutcome()
        let body: @Sendable () -> Void = { [self] in
            // The thread inherits its creator's signal mask; Dispatch and Swift concurrency
            // threads block nearly every signal, and a blocked wake-up signal would never
            // interrupt waitpid: stop() would then wait until some tracee happened to stop.
            var wake = sigset_t()
            sigemptyset(&wake)
            sigaddset(&wake, wakeSignal)
            pthread_sigmask(SIG_UNBLOCK, &wake, nil)
            let batcher = EventBatcher(deliver: onEvents)
            let session = PtraceSession(target: target, options: options, batcher: batcher,
                                        stopRequested: { [self] in lock.withLock { stopFlag } })
            do {
                switch target {
                case .spawn(let command): outcome.pid = try session.spawn(command)
                case .attach(let pid): outcome.pid = try session.attach(pid)
                }
            } catch {
                outcome.error = error
                batcher.finish()
                // A stop() made meanwhile waits for `done` too.
                done.signal()
                started.signal()
                return
            }
            started.signal()
            session.run()
            batcher.finish()
            lock.withLock { result = session.end ?? .detached }
            done.signal()
        }
        var tid = pthread_t()
        let box = Unmanaged.passRetained(ThreadBody(body))
        let rc = pthread_create(&tid, nil, { arg in
            let b = Unmanaged<ThreadBody>.fromOpaque(arg!).takeRetainedValue()
            b.run()
            return nil
        }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            throw TraceError.systemCall("pthread_create", pid: nil, errno: rc)
        }
        lock.withLock { thread = tid }
        started.wait()
        if let e = outcome.error {
            // Joined under the lock, which stop() holds to signal the thread.
            lock.withLock { pthread_join(tid, nil); joined = true; result = .detached }
            throw e
        }
        return outcome.pid
    }

    public func wait() -> TraceEnd {
        lock.lock()
        if let r = result, joined { lock.unlock(); return r }
        guard let t = thread else { lock.unlock(); return .detached }
        lock.unlock()
        done.wait()
        done.signal()
        lock.lock()
        defer { lock.unlock() }
        if !joined { pthread_join(t, nil); joined = true }
        return result ?? .detached
    }

    public func stop() {
        lock.lock()
        stopFlag = true
        guard let t = thread, !joined else { lock.unlock(); return }
        lock.unlock()
        // Interrupt the tracing thread's waitpid until it has finished the stop; never once it
        // is joined (its pthread_t is then gone).
        while done.wait(timeout: .now() + .milliseconds(5)) == .timedOut {
            lock.withLock { if !joined { _ = pthread_kill(t, wakeSignal) } }
        }
        done.signal()
    }
}

private final class StartOutcome: @unchecked Sendable {
    var pid: Int32 = 0
    var error: Error?
}

private final class ThreadBody {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}
