/// How a policy differs from the one last saved, in words a header can show
/// (`+3 syscalls since save`): a session is unsaved exactly when the policy it would write now
/// is not the one the file holds.
public struct PolicyChanges: Hashable, Sendable {
    /// Syscalls the current policy has rules for and the saved one has not.
    public var added: [String]
    /// Syscalls the saved policy has rules for and the current one has not.
    public var removed: [String]
    /// Syscalls both have rules for, with different rules.
    public var changed: [String]
    /// Whether the default action, architectures, bad-architecture action or flags differ.
    public var settingsChanged: Bool

    public init(saved: Policy, current: Policy) {
        let old = Dictionary(grouping: saved.rules, by: \.syscall)
        let new = Dictionary(grouping: current.rules, by: \.syscall)
        added = new.keys.filter { old[$0] == nil }.sorted()
        removed = old.keys.filter { new[$0] == nil }.sorted()
        changed = new.keys.filter { name in old[name].map { Set($0) != Set(new[name]!) } ?? false }.sorted()
        settingsChanged = saved.defaultAction != current.defaultAction || saved.architectures != current.architectures
            || saved.badArchAction != current.badArchAction || saved.flags != current.flags
    }

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty && !settingsChanged }

    /// `+3 syscalls, 1 changed, -1 since save`; nil when nothing changed.
    public var summary: String? {
        guard !isEmpty else { return nil }
        var parts: [String] = []
        if !added.isEmpty { parts.append("+\(added.count) syscall\(added.count == 1 ? "" : "s")") }
        if !changed.isEmpty { parts.append("\(changed.count) changed") }
        if !removed.isEmpty { parts.append("-\(removed.count)") }
        if settingsChanged { parts.append("default or architectures changed") }
        return parts.joined(separator: ", ") + " since save"
    }
}
