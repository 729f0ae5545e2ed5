import Glibc
import PolicyModel

/// The lists the pickers offer.
enum Choices {
    /// Errnos a denied call may return, most useful first; values from the C library's headers.
    static let errnos: [(name: String, value: UInt16)] = [
        ("EPERM", UInt16(EPERM)), ("EACCES", UInt16(EACCES)), ("ENOSYS", UInt16(ENOSYS)),
        ("ENOENT", UInt16(ENOENT)), ("EINVAL", UInt16(EINVAL)), ("EROFS", UInt16(EROFS)),
        ("EOPNOTSUPP", UInt16(EOPNOTSUPP)), ("EAFNOSUPPORT", UInt16(EAFNOSUPPORT)),
        ("ENOTTY", UInt16(ENOTTY)), ("EBADF", UInt16(EBADF)), ("EAGAIN", UInt16(EAGAIN)),
        ("ENOMEM", UInt16(ENOMEM)),
    ]

    /// `EPERM` for 1: the errno decoder's name, else the number.
    static func errnoName(_ value: UInt16) -> String {
        if let name = ValueDecoders.named("errno")?.describe(UInt64(value)), name.first == "E", !name.contains("|") {
            return name
        }
        return errnos.first { $0.value == value }?.name ?? String(value)
    }

    /// Actions for syscalls never seen.
    static let defaultActions: [Action] = [
        .errno(UInt16(EPERM)), .errno(UInt16(ENOSYS)), .killProcess, .killThread, .trap, .log, .allow,
    ]

    /// An action as the text policy writes it (`errno EPERM`, `kill`, `allow`).
    static func describe(_ action: Action) -> String {
        switch action {
        case .errno(let e): return "errno \(errnoName(e))"
        default: return action.description
        }
    }

    /// Verdicts a group-wide decision can apply, with the key that applies each.
    static let groupVerdicts: [(key: Character, verdict: Verdict, label: String)] = [
        ("a", .allow, "allow"), ("d", .deny(errno: UInt16(EPERM)), "deny EPERM"), ("K", .kill, "kill"),
        ("l", .log, "log"), ("u", .suggested, "back to suggested"),
    ]
}
