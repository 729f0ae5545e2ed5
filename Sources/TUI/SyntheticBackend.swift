import Foundation
import PolicyModel
import TraceCapture

/// A made-up event stream at a chosen rate, for measuring the TUI without a tracer's limits
/// (hidden option `--synthetic-rate`). Nothing is traced; the header says so.
public final class SyntheticBackend: TraceBackend, @unchecked Sendable {
    public let name = "synthetic"
    let rate: Int
    let duration: Double
    private let lock = NSLock()
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)

    /// `rate` events per second for `duration` seconds (forever when 0).
    public init(rate: Int, duration: Double) {
        self.rate = max(1, rate)
        self.duration = duration
    }

    public var lostEvents: UInt64 { 0 }

    /// A mix of common calls with a few argument values each, as a busy program makes them.
    static func mix() -> [(nr: Int32, args: [[UInt64]], paths: [Int: [String]])] {
        let table = SyscallTable.shared
        let wanted: [(String, [[UInt64]], [Int: [String]])] = [
            ("read", [[0, 3, 5, 7], [0x7ffd_1000], [4096, 8192, 1]], [:]),
            ("write", [[1, 2, 4], [0x7ffd_2000], [1, 64, 4096]], [:]),
            ("openat", [[0xFFFF_FF9C], [0x5555_0000], [0x80000, 0x80002, 0x241]], [1: ["/etc/passwd", "/tmp/x", "/proc/self/stat"]]),
            ("close", [[3, 4, 5, 6]], [:]),
            ("futex", [[0x7f00_1000], [0x80, 0x81], [1, 0]], [:]),
            ("mmap", [[0], [4096, 65536], [1, 3, 5], [0x22, 0x802]], [:]),
            ("ioctl", [[0, 1], [0x5401, 0x5413, 0x541B]], [:]),
            ("mkdir", [[0x5555_1000], [0o755, 0o700]], [0: ["/tmp/d1", "/tmp/d2"]]),
            ("getpid", [], [:]),
            ("clock_gettime", [[0, 1, 7]], [:]),
        ]
        return wanted.compactMap { name, args, paths in
            table.number(of: name, arch: .host).map { ($0, args, paths) }
        }
    }

    public func start(_ target: TraceTarget, options: TraceOptions,
               onEvents: @escaping @Sendable (EventBatch) -> Void) throws -> Int32 {
        let mix = Self.mix()
        let rate = self.rate, duration = self.duration
        let pid = getpid()
        Thread.detachNewThread { [self] in
            let start = Date.timeIntervalSinceReferenceDate
            var sent = 0
            var i = 0
            while !isStopped {
                let elapsed = Date.timeIntervalSinceReferenceDate - start
                if duration > 0, elapsed >= duration { break }
                let due = Int(elapsed * Double(rate))
                if due > sent {
                    var batch: [SyscallEvent] = []
                    batch.reserveCapacity(min(due - sent, 65536))
                    for _ in sent..<min(due, sent + 65536) {
                        i &+= 1
                        let m = mix.isEmpty ? (nr: Int32(i % 300), args: [[UInt64]](), paths: [Int: [String]]())
                            : mix[(i &* 7 + i / 3) % mix.count]
                        let args = (0..<6).map { a in a < m.args.count ? m.args[a][(i / (a + 1)) % m.args[a].count] : 0 }
                        let paths = m.paths.mapValues { $0[i % $0.count] }
                        batch.append(SyscallEvent(pid: pid, tid: pid, arch: .host, nr: m.nr, args: args,
                                                  paths: options.readPaths ? paths : [:]))
                    }
                    sent += batch.count
                    onEvents(EventBatch(events: batch))
                }
                usleep(5000)
            }
            done.signal()
        }
        return pid
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    public func wait() -> TraceEnd {
        done.wait()
        done.signal()
        return isStopped ? .detached : .exited(0)
    }

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }
}
