import Foundation
import Glibc
import TestSupport
@testable import TraceCapture

/// A small TCP server (Debian's python3) for the tests of learned policies in production: it
/// waits in `poll` with a 10 s timeout, answers each connection with "ok", exits 0 on SIGTERM
/// (a Python signal handler: rt_sigreturn) or after `limit` connections (0: never).
enum SmallServer {
    static let python = "/usr/bin/python3"

    static let script = """
        import os, select, signal, socket, sys
        signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
        ready, limit = sys.argv[1], int(sys.argv[2])
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen()
        with open(ready + ".tmp", "w") as f:
            f.write(str(s.getsockname()[1]))
        os.rename(ready + ".tmp", ready)
        p = select.poll()
        p.register(s, select.POLLIN)
        served = 0
        while limit == 0 or served < limit:
            if p.poll(10000):
                c, _ = s.accept()
                c.sendall(b"ok\\n")
                c.close()
                served += 1

        """

    /// Writes the script into `dir`; returns the command that runs it, writing its port to `ready`.
    static func command(in dir: URL, ready: String, limit: Int) throws -> [String] {
        let path = dir.appendingPathComponent("server.py").path
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        return [python, path, ready, String(limit)]
    }

    /// A server started by `seccomp-tui enforce`, listening.
    struct Enforced {
        var enforce: Process
        var stderr: Pipe
        var port: Int
        var pid: Int32

        /// Asks once (the answer), then stops the server with SIGTERM and waits for `enforce`
        /// to end: its status and standard error.
        func serveThenStop() -> (answer: String, status: Int32, stderr: String) {
            let answer = SmallServer.ask(port: port)
            SmallServer.waitUntilSleeping(pid)
            kill(pid, SIGTERM)
            enforce.waitUntilExit()
            return (answer, enforce.terminationStatus, String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
    }

    /// Runs the server (serving forever) under `seccomp-tui enforce --policy policy` and waits
    /// until it listens. The caller kills `enforce` if the test ends early.
    static func enforced(_ binary: String, policy: String, in dir: URL) throws -> Enforced {
        let ready = dir.appendingPathComponent("serve-\(UInt32.random(in: 0...UInt32.max)).port").path
        let err = Pipe()
        let enforce = try ProcessRunner.start([binary, "enforce", "--policy", policy, "--"] + (try command(in: dir, ready: ready, limit: 0)),
                                              stderr: err)
        guard let port = waitForPort(ready), let pid = serverPid(under: enforce.processIdentifier) else {
            kill(enforce.processIdentifier, SIGKILL)
            throw CocoaError(.executableLoad, userInfo: ["reason": "the enforced server did not start"])
        }
        return Enforced(enforce: enforce, stderr: err, port: port, pid: pid)
    }

    /// The port once the server listens (it writes `ready`), or nil after `seconds`.
    static func waitForPort(_ ready: String, seconds: Double = 30) -> Int? {
        var port: Int?
        waitFor(timeout: seconds) {
            port = (try? String(contentsOfFile: ready, encoding: .utf8)).flatMap { Int($0) }
            return port != nil
        }
        return port
    }

    /// Connects and returns what the server sent before closing ("" when it did not answer).
    static func ask(port: Int) -> String {
        (try? ProcessRunner.run(["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/\(port) && timeout 10 cat <&3"]))?.stdout ?? ""
    }

    /// The first child of `pid` whose command line runs the server script, waiting up to 10 s.
    static func serverPid(under pid: Int32) -> Int32? {
        var found: Int32?
        waitFor {
            found = childProcesses(of: pid).first { c in
                ((try? String(contentsOfFile: "/proc/\(c)/cmdline", encoding: .utf8)) ?? "").contains("server.py")
            }
            return found != nil
        }
        return found
    }

    /// Waits until `pid` sleeps in a system call (state S), up to 10 s.
    static func waitUntilSleeping(_ pid: Int32) {
        waitFor { ProcFS.state(of: pid) == "S" }
    }
}
