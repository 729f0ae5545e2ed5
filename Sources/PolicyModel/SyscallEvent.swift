/// One system call seen by a tracer.
public struct SyscallEvent: Hashable, Sendable {
    public var pid: Int32
    public var tid: Int32
    public var arch: Arch
    public var nr: Int32
    /// Always six values.
    public var args: [UInt64]
    /// The return value, when the tracer saw the exit (`--returns`).
    public var returnValue: Int64?
    /// Strings read from tracee memory for path arguments, by argument index (bounded length).
    public var paths: [Int: String]

    public init(pid: Int32, tid: Int32, arch: Arch, nr: Int32, args: [UInt64],
                returnValue: Int64? = nil, paths: [Int: String] = [:]) {
        self.pid = pid
        self.tid = tid
        self.arch = arch
        self.nr = nr
        self.args = args.count == 6 ? args : Array((args + Array(repeating: 0, count: 6)).prefix(6))
        self.returnValue = returnValue
        self.paths = paths
    }
}
