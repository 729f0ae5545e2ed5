/// One system call seen by a tracer.
public struct SyscallEvent: Hashable, Sendable {
    public var pid: Int32
    public var tid: Int32
    public var arch: Arch
    public var nr: Int32
    /// The six argument registers, stored inline (an event is made per traced call).
    public var arguments: CallArguments
    /// The six argument registers as an array.
    public var args: [UInt64] {
        get { arguments.array }
        set { arguments = CallArguments(newValue) }
    }
    /// The return value, when the tracer saw the exit (`--returns`).
    public var returnValue: Int64?
    /// Strings read from tracee memory for path arguments, by argument index (bounded length).
    public var paths: [Int: String]

    public init(pid: Int32, tid: Int32, arch: Arch, nr: Int32, args: [UInt64],
                returnValue: Int64? = nil, paths: [Int: String] = [:]) {
        self.init(pid: pid, tid: tid, arch: arch, nr: nr, arguments: CallArguments(args),
                  returnValue: returnValue, paths: paths)
    }

    public init(pid: Int32, tid: Int32, arch: Arch, nr: Int32, arguments: CallArguments,
                returnValue: Int64? = nil, paths: [Int: String] = [:]) {
        self.pid = pid
        self.tid = tid
        self.arch = arch
        self.nr = nr
        self.arguments = arguments
        self.returnValue = returnValue
        self.paths = paths
    }
}
