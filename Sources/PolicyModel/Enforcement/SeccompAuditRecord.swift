/// One seccomp audit record (type 1326) as the kernel writes it to its log when a filter's
/// action is logged (`kill_process`, `kill_thread`, `log`, ... per
/// `/proc/sys/kernel/seccomp/actions_logged`), e.g.
/// `audit: type=1326 audit(...): auid=... pid=22270 comm="sh" exe="/usr/bin/dash" sig=31
/// arch=c000003e syscall=79 compat=0 ip=0x7f... code=0x80000000`.
public struct SeccompAuditRecord: Hashable, Sendable {
    public var pid: Int32
    public var comm: String
    /// The signal the action sends (31 for SIGSYS from kill and trap, 0 for log and errno).
    public var signal: Int32
    public var auditArch: UInt32
    public var nr: Int32
    /// The filter's return value (`SECCOMP_RET_*`), as `Action(returnValue:)` decodes it.
    public var code: UInt32

    public var action: Action { Action(returnValue: code) }

    /// The architecture, when it is one of ours (x32 numbers under the x86-64 audit value are x32).
    public var arch: Arch? { Arch(auditArch: auditArch, nr: nr) }

    /// Parses one line of the kernel log; nil when it is not a seccomp record.
    public init?(line: Substring) {
        guard line.contains("type=1326") else { return nil }
        var fields: [Substring: Substring] = [:]
        for word in line.split(separator: " ") {
            guard let eq = word.firstIndex(of: "=") else { continue }
            fields[word[..<eq]] = word[word.index(after: eq)...]
        }
        guard let pid = fields["pid"].flatMap({ Int32($0) }),
              let sig = fields["sig"].flatMap({ Int32($0) }),
              let arch = fields["arch"].flatMap({ UInt32($0, radix: 16) }),
              let nr = fields["syscall"].flatMap({ Int32($0) }),
              let codeText = fields["code"], codeText.hasPrefix("0x"),
              let code = UInt32(codeText.dropFirst(2), radix: 16)
        else { return nil }
        self.pid = pid
        var comm = fields["comm"] ?? ""
        if comm.hasPrefix("\"") { comm = comm.dropFirst() }
        if comm.hasSuffix("\"") { comm = comm.dropLast() }
        self.comm = String(comm)
        self.signal = sig
        self.auditArch = arch
        self.nr = nr
        self.code = code
    }
}
