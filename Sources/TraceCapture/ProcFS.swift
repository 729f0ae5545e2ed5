import Glibc

/// Small readers of `/proc` used by the tracer.
enum ProcFS {
    /// The thread-group id of `tid` (`Tgid:` in `/proc/TID/status`), or nil when it is gone.
    static func tgid(of tid: Int32) -> Int32? {
        field("Tgid:", of: tid)
    }

    /// The pid of the tracer of `pid` (`TracerPid:`), or nil when the process is gone.
    static func tracerPid(of pid: Int32) -> Int32? {
        field("TracerPid:", of: pid)
    }

    /// The state letter of `pid` (`State:`, e.g. `S`, `R`, `T`, `t`), or nil when it is gone.
    static func state(of pid: Int32) -> Character? {
        guard let text = read("/proc/\(pid)/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("State:") {
            return line.dropFirst("State:".count).first { $0 != " " && $0 != "\t" }
        }
        return nil
    }

    /// Whether this process lives in the initial pid namespace, where the ids it sees are those
    /// the kernel writes into trace records (`common_pid`): `/proc/self/ns/pid` is
    /// `pid:[4026531836]` (PROC_PID_INIT_INO) there. False when it cannot be told.
    static func inInitialPIDNamespace() -> Bool {
        var buf = [CChar](repeating: 0, count: 64)
        let n = readlink("/proc/self/ns/pid", &buf, buf.count - 1)
        guard n > 0 else { return false }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) == "pid:[4026531836]"
    }

    /// The thread ids of process `pid` (`/proc/PID/task`).
    static func threads(of pid: Int32) -> [Int32] {
        guard let dir = opendir("/proc/\(pid)/task") else { return [] }
        defer { closedir(dir) }
        var out: [Int32] = []
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if let t = Int32(name) { out.append(t) }
        }
        return out.sorted()
    }

    static func field(_ key: String, of pid: Int32) -> Int32? {
        guard let text = read("/proc/\(pid)/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            return Int32(line.dropFirst(key.count).trimmingCharacters(in: " \t"))
        }
        return nil
    }

    /// A small file's contents, or nil.
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            guard case .success(let n) = valueOrErrno({ buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }),
                  n > 0 else { break }
            bytes += buf[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return s
    }
}
