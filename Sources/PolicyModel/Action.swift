/// What a seccomp filter returns for a call (`SECCOMP_RET_*`).
public enum Action: Hashable, Sendable, CustomStringConvertible {
    case allow
    case log
    case trace(UInt16)
    case userNotif
    case errno(UInt16)
    case trap
    case killThread
    case killProcess

    /// The largest errno a filter may return (`SECCOMP_RET_DATA` is 16 bits; the kernel caps at 4095).
    public static let maxErrno: UInt16 = 4095

    /// The 32-bit value a BPF `RET` instruction returns for this action.
    public var returnValue: UInt32 {
        switch self {
        case .killProcess: return 0x8000_0000
        case .killThread: return 0x0000_0000
        case .trap: return 0x0003_0000
        case .errno(let e): return 0x0005_0000 | UInt32(e)
        case .userNotif: return 0x7FC0_0000
        case .trace(let d): return 0x7FF0_0000 | UInt32(d)
        case .log: return 0x7FFC_0000
        case .allow: return 0x7FFF_0000
        }
    }

    /// Decodes a filter's return value the way the kernel does (unknown actions act as kill_process).
    public init(returnValue v: UInt32) {
        let data = UInt16(v & 0xFFFF)
        switch v & 0xFFFF_0000 {
        case 0x8000_0000: self = .killProcess
        case 0x0000_0000: self = .killThread
        case 0x0003_0000: self = .trap
        case 0x0005_0000: self = .errno(min(data, Action.maxErrno))
        case 0x7FC0_0000: self = .userNotif
        case 0x7FF0_0000: self = .trace(data)
        case 0x7FFC_0000: self = .log
        case 0x7FFF_0000: self = .allow
        default: self = .killProcess
        }
    }

    /// Rank in the kernel's precedence order; higher is more restrictive.
    /// `kill_process > kill_thread > trap > errno > user_notif > trace > log > allow`.
    public var severity: Int {
        switch self {
        case .allow: return 0
        case .log: return 1
        case .trace: return 2
        case .userNotif: return 3
        case .errno: return 4
        case .trap: return 5
        case .killThread: return 6
        case .killProcess: return 7
        }
    }

    /// The data part (errno or trace value), 0 for actions without data.
    public var data: UInt16 {
        switch self {
        case .errno(let e), .trace(let e): return e
        default: return 0
        }
    }

    /// True when `self` takes precedence over `other`. Same kind: the smaller data wins,
    /// so the choice among several matching rules is deterministic.
    public func isMoreRestrictive(than other: Action) -> Bool {
        if severity != other.severity { return severity > other.severity }
        return data < other.data
    }

    /// The most restrictive of a non-empty list of actions.
    public static func mostRestrictive<S: Sequence>(_ actions: S) -> Action? where S.Element == Action {
        var best: Action?
        for a in actions where best == nil || a.isMoreRestrictive(than: best!) { best = a }
        return best
    }

    /// The OCI name (`SCMP_ACT_*`); the names themselves are `OCIAction`'s.
    public var ociName: String { OCIAction(self).rawValue }

    public var description: String {
        switch self {
        case .allow: return "allow"
        case .log: return "log"
        case .trace(let d): return "trace \(d)"
        case .userNotif: return "notify"
        case .errno(let e): return "errno \(e)"
        case .trap: return "trap"
        case .killThread: return "kill-thread"
        case .killProcess: return "kill"
        }
    }
}
