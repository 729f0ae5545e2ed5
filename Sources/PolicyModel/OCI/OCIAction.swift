/// An action as OCI profiles name it (`SCMP_ACT_*`), the set runc accepts.
public enum OCIAction: String, CaseIterable, Hashable, Sendable {
    /// libseccomp's old name for kill-thread; runc maps it to `SCMP_ACT_KILL_THREAD`.
    case kill = "SCMP_ACT_KILL"
    case killThread = "SCMP_ACT_KILL_THREAD"
    case killProcess = "SCMP_ACT_KILL_PROCESS"
    case trap = "SCMP_ACT_TRAP"
    case errno = "SCMP_ACT_ERRNO"
    case trace = "SCMP_ACT_TRACE"
    case notify = "SCMP_ACT_NOTIFY"
    case log = "SCMP_ACT_LOG"
    case allow = "SCMP_ACT_ALLOW"

    /// The name a profile gives `action` (kill-thread as `SCMP_ACT_KILL_THREAD`, not the old name).
    public init(_ action: Action) {
        switch action {
        case .allow: self = .allow
        case .log: self = .log
        case .trace: self = .trace
        case .userNotif: self = .notify
        case .errno: self = .errno
        case .trap: self = .trap
        case .killThread: self = .killThread
        case .killProcess: self = .killProcess
        }
    }

    /// Whether `errnoRet` means something for this action (the errno, or the trace data).
    public var takesData: Bool { self == .errno || self == .trace }

    /// The largest `errnoRet` this action accepts: errno values stop at 4095 (`MAX_ERRNO`),
    /// trace data is the 16-bit `SECCOMP_RET_DATA`.
    public var maxData: UInt64 { self == .trace ? UInt64(UInt16.max) : UInt64(Action.maxErrno) }

    /// The action a runtime installs. Without `errnoRet`, errno and trace use EPERM (1), as runc does.
    public func action(data: UInt16?) -> Action {
        switch self {
        case .kill, .killThread: return .killThread
        case .killProcess: return .killProcess
        case .trap: return .trap
        case .errno: return .errno(data ?? 1)
        case .trace: return .trace(data ?? 1)
        case .notify: return .userNotif
        case .log: return .log
        case .allow: return .allow
        }
    }

    /// The names, quoted and comma separated, for "expected one of" messages.
    static var expectedList: String { allCases.map { $0.rawValue }.joined(separator: ", ") }
}

extension CompareOp {
    /// The names, comma separated, for "expected one of" messages.
    static var expectedList: String { allCases.map { $0.rawValue }.joined(separator: ", ") }
}
