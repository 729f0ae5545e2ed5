import Glibc
import TraceCapture

/// Keeps the terminal for the TUI and gives the traced program other standard streams, so that
/// its output does not scribble over the screen and it does not read the user's keys.
///
/// The TUI draws on duplicates of the original standard input and output; file descriptors 0, 1
/// and 2 (which a spawned program inherits) point at `/dev/null` and a log file until `restore()`.
final class TerminalStdio {
    let ttyIn: Int32
    let ttyOut: Int32
    private var saved: [Int32]

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Diverts 0, 1, 2: to the terminal side of the program's pseudo-terminal when there is one,
    /// else from /dev/null and to `childOutput` (created or truncated).
    init(programTerminal: Int32? = nil, childOutput: String) throws {
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw Failure(description: "the TUI needs a terminal: standard input and output are not a tty "
                + "(seccomp-tui record traces without one)")
        }
        func dupCloexec(_ fd: Int32) -> Int32 { fcntl(fd, F_DUPFD_CLOEXEC, 3) }
        ttyIn = dupCloexec(0)
        ttyOut = dupCloexec(1)
        saved = [dupCloexec(0), dupCloexec(1), dupCloexec(2)]
        guard ttyIn >= 0, ttyOut >= 0, !saved.contains(-1) else {
            throw Failure(description: "cannot duplicate the standard streams: \(Errno.current)")
        }
        if let t = programTerminal {
            for fd in Int32(0)...2 { dup2(t, fd) }
            return
        }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let out = open(childOutput, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard null >= 0, out >= 0 else {
            let reason = Errno.current
            if null >= 0 { close(null) }
            throw Failure(description: "\(childOutput): cannot open for the program's output: \(reason)")
        }
        dup2(null, 0)
        dup2(out, 1)
        dup2(out, 2)
        close(null)
        close(out)
    }

    /// Puts the original standard streams back. Safe to call more than once.
    func restore() {
        guard !saved.isEmpty else { return }
        for (fd, copy) in saved.enumerated() {
            dup2(copy, Int32(fd))
            close(copy)
        }
        saved = []
        close(ttyIn)
        close(ttyOut)
    }

    deinit { restore() }
}
