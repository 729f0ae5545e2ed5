import CTraceCapture
import Foundation
import Glibc

/// A pseudo-terminal the TUI owns for the traced program: the program gets the terminal side
/// (its standard input, output and error, and its controlling terminal, `TraceOptions.
/// takeTerminal`), the TUI reads what it writes from the controller side and writes the
/// user's keys there.
public final class PseudoTerminal: @unchecked Sendable {
    /// The controller side (read the program's output, write its input).
    public let controller: Int32
    /// The terminal side, for the program; the spawner puts it on 0, 1 and 2.
    public let terminal: Int32
    private let lock = NSLock()
    private var stopping = false
    private var readerDone: DispatchSemaphore?

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Opens a pair with the given window size.
    public init(width: Int, height: Int) throws(Failure) {
        var c: Int32 = -1, t: Int32 = -1
        if case .failure(let e) = Errno.result(CTraceCapture_pty_open(&c, &t)) {
            throw Failure(description: "cannot open a pseudo-terminal: \(e)")
        }
        controller = c
        terminal = t
        resize(width: width, height: height)
    }

    /// Tells the program its window size (it gets SIGWINCH).
    public func resize(width: Int, height: Int) {
        _ = CTraceCapture_pty_resize(controller, UInt16(clamping: max(1, height)), UInt16(clamping: max(1, width)))
    }

    /// The window size of the terminal `fd` (the user's), or nil when it is not a terminal or
    /// has no size.
    public static func windowSize(of fd: Int32) -> (width: Int, height: Int)? {
        var rows: UInt16 = 0, columns: UInt16 = 0
        guard CTraceCapture_pty_size(fd, &rows, &columns) == 0, rows > 0, columns > 0 else { return nil }
        return (Int(columns), Int(rows))
    }

    /// Writes the user's keys to the program (all of them, unless the program stopped reading
    /// and the terminal's buffer is full: then the rest is dropped rather than block the TUI).
    public func write(_ bytes: [UInt8]) {
        var done = 0
        while done < bytes.count {
            var p = pollfd(fd: controller, events: Int16(POLLOUT), revents: 0)
            guard poll(&p, 1, 100) > 0 else { return }
            switch valueOrErrno({ bytes[done...].withUnsafeBytes { Glibc.write(controller, $0.baseAddress, $0.count) } }) {
            case .success(let n): done += n
            case .failure(let e) where e.rawValue == EAGAIN: continue
            case .failure: return
            }
        }
    }

    /// Reads the program's output on a thread of its own until `stop()`, handing each chunk to
    /// `output` and writing a copy to `copyFD` (when not -1).
    public func startReading(copyTo copyFD: Int32 = -1, output: @escaping @Sendable ([UInt8]) -> Void) {
        let fd = controller
        let done = DispatchSemaphore(value: 0)
        readerDone = done
        let thread = Thread { [self] in
            defer { done.signal() }
            var buf = [UInt8](repeating: 0, count: 16384)
            while !isStopping {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard case .success(let r) = valueOrErrno({ poll(&p, 1, 100) }), r > 0 else { continue }
                let read = valueOrErrno { buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
                if case .failure(let e) = read, e.rawValue == EAGAIN { continue }
                guard case .success(let n) = read, n > 0 else {
                    // EIO or end of file: nothing holds the terminal side; wait for stop().
                    usleep(50_000)
                    continue
                }
                let chunk = Array(buf[0..<n])
                if copyFD >= 0 {
                    var off = 0
                    while off < n {
                        guard case .success(let w) = valueOrErrno({ chunk[off...].withUnsafeBytes {
                            Glibc.write(copyFD, $0.baseAddress, $0.count)
                        } }) else { break }
                        off += w
                    }
                }
                output(chunk)
            }
        }
        thread.name = "seccomp-tui program output"
        thread.start()
    }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    /// Stops the reader (within 100 ms) and closes both sides.
    public func stop() {
        lock.lock()
        let already = stopping
        stopping = true
        lock.unlock()
        guard !already else { return }
        readerDone?.wait()
        close(controller)
        close(terminal)
    }
}
