import Foundation
import PolicyModel

/// Finds the processes of a running podman or docker container: its main process from the
/// engine's `inspect`, the others from that process's cgroup.
enum ContainerProcesses {
    struct Found: Equatable {
        /// `podman` or `docker`.
        var engine: String
        /// The container's main process (its pid 1), in the host's pid namespace.
        var mainPid: Int32
        /// Every process of the container now, the main one first.
        var pids: [Int32]
    }

    /// The container named or numbered `container`, asking podman first, then docker.
    static func find(_ container: String) throws -> Found {
        var tried: [String] = []
        for engine in ["podman", "docker"] {
            guard let path = executable(named: engine) else {
                tried.append("\(engine): not installed")
                continue
            }
            let (status, out, err) = run(path, ["inspect", "--type", "container", "--format", "{{.State.Pid}} {{.State.Status}}", container])
            guard status == 0 else {
                tried.append("\(engine): \(err.split(separator: "\n").first.map(String.init) ?? "inspect failed")")
                continue
            }
            let fields = out.split(whereSeparator: \.isWhitespace)
            guard let pid = fields.first.flatMap({ Int32($0) }), pid > 0 else {
                throw CommandFailure("container \(container) (\(engine)) is not running"
                    + (fields.count > 1 ? " (\(fields[1]))" : ""))
            }
            return Found(engine: engine, mainPid: pid, pids: [pid] + processes(sharingCgroupOf: pid).filter { $0 != pid })
        }
        throw CommandFailure("no running container '\(container)': " + tried.joined(separator: "; "))
    }

    /// The processes in `pid`'s cgroup (cgroup v2, or the first v1 hierarchy that holds it
    /// below the root); just `pid` when none can be read. A process in the root cgroup shares it
    /// with the whole host: then only `pid` is returned.
    static func processes(sharingCgroupOf pid: Int32) -> [Int32] {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8) else { return [pid] }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, fields[2] != "/" else { continue }
            let hierarchy = fields[1].isEmpty ? "" : "/" + fields[1].replacingOccurrences(of: "name=", with: "")
            let procs = "/sys/fs/cgroup\(hierarchy)\(fields[2])/cgroup.procs"
            guard let list = try? String(contentsOfFile: procs, encoding: .utf8) else { continue }
            let pids = list.split(separator: "\n").compactMap { Int32($0) }
            if pids.contains(pid) { return pids }
        }
        return [pid]
    }

    static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func run(_ path: String, _ arguments: [String]) -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return (-1, "", "\(error)") }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// The warning printed when attaching: a running container's start-up is over.
    static func attachWarning(_ found: Found, container: String) -> String {
        "warning: attached to running container \(container) (\(found.engine), \(found.pids.count) process"
            + "\(found.pids.count == 1 ? "" : "es")): the calls it made while starting are not recorded; "
            + "record it from its first call with the OCI hook (docs/containers.md)"
    }
}

/// An error phrased for the user, reported like ArgumentParser's validation errors.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
