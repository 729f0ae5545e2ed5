import PolicyModel

/// A call waiting for the user's (or a rule's) answer in ask mode.
public struct AskedCall: Sendable, Hashable {
    /// The kernel's cookie: `AskSupervisor.answer` names it.
    public var id: UInt64
    /// The call: pid (thread group) and tid of the caller, architecture, number, arguments and
    /// the path strings read from the caller's memory (read before the call was checked still
    /// waiting; the kernel reads the memory again if the call continues).
    public var event: SyscallEvent
    /// The syscall's name, nil when the table does not know the number.
    public var name: String?
    /// When the supervisor received it (CLOCK_MONOTONIC, nanoseconds).
    public var received: UInt64

    public init(id: UInt64, event: SyscallEvent, name: String?, received: UInt64) {
        self.id = id
        self.event = event
        self.name = name
        self.received = received
    }
}

/// An answer to an asked call.
public enum AskAnswer: Sendable, Hashable {
    /// The call runs this once; the next such call asks again.
    case allowOnce
    /// The call runs, and so do later calls of the syscall for which `conditions` hold (all of
    /// them when empty): a rule `allow` in the supervised set and the saved policy.
    case allowAlways(conditions: [Condition])
    /// The call fails with `errno` this once.
    case denyOnce(errno: UInt16)
    /// The call fails with `errno`, and so do later calls for which `conditions` hold.
    case denyAlways(errno: UInt16, conditions: [Condition])
    /// The caller's process is killed (SIGKILL), and so is any later caller: a rule `kill`.
    case kill

    /// The rule the answer adds for syscall `name`, nil for once-only answers.
    public func rule(for name: String) -> Rule? {
        switch self {
        case .allowOnce, .denyOnce: return nil
        case .allowAlways(let c): return Rule(syscall: name, action: .allow, conditions: c)
        case .denyAlways(let e, let c): return Rule(syscall: name, action: .errno(e), conditions: c)
        case .kill: return Rule(syscall: name, action: .killProcess)
        }
    }

    /// What the answer does to the call itself, as the action a filter would return.
    public var action: Action {
        switch self {
        case .allowOnce, .allowAlways: return .allow
        case .denyOnce(let e), .denyAlways(let e, _): return .errno(e)
        case .kill: return .killProcess
        }
    }
}
