import CTraceCapture
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `raw_syscalls:sys_enter` and `sys_exit` tracepoints: their ids and where their fields
/// sit, read from tracefs (`events/raw_syscalls/<event>/id` and `format`).
public struct PerfTracepoints: Sendable, Equatable {
    /// The tracefs directory used (`/sys/kernel/tracing` or `/sys/kernel/debug/tracing`).
    public var tracefs: String
    public var enterID: UInt32
    public var exitID: UInt32
    var layout: CTraceCapture_perf_layout

    public static let tracefsCandidates = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]

    /// Finds tracefs (mounting it on `/sys/kernel/tracing` when absent and permitted) and reads
    /// both tracepoints.
    public static func load() throws -> PerfTracepoints {
        let root = try locateTracefs()
        let enter = try readEvent(root: root, name: "sys_enter")
        let exit = try readEvent(root: root, name: "sys_exit")
        let enterFields = try parseFormat(enter.format, path: enter.formatPath)
        let exitFields = try parseFormat(exit.format, path: exit.formatPath)
        func field(_ fields: [String: FormatField], _ name: String, size: Int, in path: String) throws -> UInt32 {
            guard let f = fields[name] else {
                throw PerfBackendError.tracefs("\(path): no field `\(name)`")
            }
            guard f.size == size else {
                throw PerfBackendError.tracefs("\(path): field `\(name)` is \(f.size) bytes, expected \(size)")
            }
            return UInt32(f.offset)
        }
        let typeOffset = try field(enterFields, "common_type", size: 2, in: enter.formatPath)
        guard try field(exitFields, "common_type", size: 2, in: exit.formatPath) == typeOffset else {
            throw PerfBackendError.tracefs("\(exit.formatPath): `common_type` is not where sys_enter has it")
        }
        let pidOffset = try field(enterFields, "common_pid", size: 4, in: enter.formatPath)
        guard try field(exitFields, "common_pid", size: 4, in: exit.formatPath) == pidOffset else {
            throw PerfBackendError.tracefs("\(exit.formatPath): `common_pid` is not where sys_enter has it")
        }
        let layout = CTraceCapture_perf_layout(
            enter_type: enter.id, exit_type: exit.id, type_offset: typeOffset, pid_offset: pidOffset,
            enter_id_offset: try field(enterFields, "id", size: 8, in: enter.formatPath),
            enter_args_offset: try field(enterFields, "args", size: 48, in: enter.formatPath),
            exit_id_offset: try field(exitFields, "id", size: 8, in: exit.formatPath),
            exit_ret_offset: try field(exitFields, "ret", size: 8, in: exit.formatPath))
        return PerfTracepoints(tracefs: root, enterID: enter.id, exitID: exit.id, layout: layout)
    }

    static func locateTracefs() throws -> String {
        func present(_ root: String) -> Bool {
            FileManager.default.fileExists(atPath: root + "/events/raw_syscalls/sys_enter")
        }
        if let root = tracefsCandidates.first(where: present) { return root }
        // Not mounted: mount it when we may (root / CAP_SYS_ADMIN); `mount` itself decides.
        let target = tracefsCandidates[0]
        if FileManager.default.fileExists(atPath: target) {
            if mount("nodev", target, "tracefs", 0, nil) == 0, present(target) { return target }
            let e = errno
            if e == EPERM || e == EACCES {
                throw PerfBackendError.tracefs(
                    "tracefs is not mounted and mounting it on \(target) was refused (\(Errno(e))); "
                        + "mount it as root: mount -t tracefs nodev \(target)")
            }
        }
        throw PerfBackendError.tracefs(
            "no raw_syscalls tracepoints under \(tracefsCandidates.joined(separator: " or ")) "
                + "(is tracefs mounted, and the kernel built with CONFIG_FTRACE_SYSCALLS?)")
    }

    private static func readEvent(root: String, name: String) throws
        -> (id: UInt32, format: String, formatPath: String)
    {
        let dir = "\(root)/events/raw_syscalls/\(name)"
        let idPath = dir + "/id"
        let formatPath = dir + "/format"
        let idText = try readText(idPath)
        guard let id = UInt32(idText.trimmingCharacters(in: .whitespacesAndNewlines)), id <= UInt16.max else {
            throw PerfBackendError.tracefs("\(idPath): expected a tracepoint id, found \"\(idText.prefix(40))\"")
        }
        return (id, try readText(formatPath), formatPath)
    }

    private static func readText(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            if e == EACCES || e == EPERM {
                throw PerfBackendError.notPermitted(
                    "cannot read \(path) (\(Errno(e))): tracefs is readable by root only; "
                        + "run as root or use --backend ptrace")
            }
            throw PerfBackendError.tracefs("cannot read \(path): \(Errno(e))")
        }
        defer { close(fd) }
        var data = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 4096)
        while data.count < 1 << 20 {
            guard case .success(let n) = valueOrErrno({ read(fd, &buf, buf.count) }), n > 0 else { break }
            data += buf[0..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }

    struct FormatField: Equatable {
        var offset: Int
        var size: Int
    }

    /// Parses a tracepoint `format` file: `field:TYPE NAME;\toffset:N;\tsize:N;\tsigned:N;`.
    static func parseFormat(_ text: String, path: String) throws -> [String: FormatField] {
        var fields: [String: FormatField] = [:]
        for (lineIndex, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("field:") else { continue }
            var declaration: String?
            var offset: Int?
            var size: Int?
            for part in line.split(separator: ";") {
                let item = part.trimmingCharacters(in: .whitespaces)
                if item.hasPrefix("field:") {
                    declaration = String(item.dropFirst("field:".count))
                } else if item.hasPrefix("offset:") {
                    offset = Int(item.dropFirst("offset:".count))
                } else if item.hasPrefix("size:") {
                    size = Int(item.dropFirst("size:".count))
                }
            }
            guard let declaration, let offset, let size, offset >= 0, size > 0,
                  var name = declaration.split(separator: " ").last.map(String.init)
            else {
                throw PerfBackendError.tracefs(
                    "\(path) line \(lineIndex + 1): expected `field:TYPE NAME; offset:N; size:N;`, found \"\(line)\"")
            }
            if let bracket = name.firstIndex(of: "[") { name = String(name[..<bracket]) }
            fields[name] = FormatField(offset: offset, size: size)
        }
        return fields
    }
}

extension CTraceCapture_perf_layout: @retroactive Equatable {
    public static func == (a: Self, b: Self) -> Bool {
        a.enter_type == b.enter_type && a.exit_type == b.exit_type && a.type_offset == b.type_offset
            && a.pid_offset == b.pid_offset
            && a.enter_id_offset == b.enter_id_offset && a.enter_args_offset == b.enter_args_offset
            && a.exit_id_offset == b.exit_id_offset && a.exit_ret_offset == b.exit_ret_offset
    }
}
