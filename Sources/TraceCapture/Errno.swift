import Glibc

/// An error number from a system call, and the one way we print it (swift-system's `Errno` is
/// the model). C shims of CTraceCapture return `-errno` on failure; `Errno.result` reads that.
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32

    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's `errno`.
    public static var current: Errno { Errno(errno) }

    /// strerror's text, lower-cased like the rest of our messages ("no such file or directory").
    public var description: String {
        let s = String(cString: strerror(rawValue))
        return s.prefix(1).lowercased() + s.dropFirst()
    }

    /// A C shim's result: the value when it is not negative, else the error `-value`.
    public static func result<I: FixedWidthInteger & SignedInteger>(_ value: I) -> Result<I, Errno> {
        value < 0 ? .failure(Errno(Int32(truncatingIfNeeded: -value))) : .success(value)
    }
}

/// Calls `body`, a libc call that returns -1 and sets `errno` on failure, and returns its value
/// or the error; with `retryOnInterrupt`, calls it again while it fails with EINTR (swift-system's
/// `valueOrErrno(retryOnInterrupt:)`).
public func valueOrErrno<I: FixedWidthInteger>(retryOnInterrupt: Bool = true, _ body: () -> I) -> Result<I, Errno> {
    while true {
        let value = body()
        if value != -1 { return .success(value) }
        let e = Errno.current
        if retryOnInterrupt && e.rawValue == EINTR { continue }
        return .failure(e)
    }
}
