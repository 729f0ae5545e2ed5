/// A policy that OCI runtimes would not enforce as written, with the reason.
public struct OCIWriteError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Writes a policy as canonical OCI seccomp JSON that runc accepts: fixed key order, two-space
/// indentation, rules with the same action and the same argument tests grouped in one `names`
/// list (sorted), unconditional entries first, `errnoRet` on every errno and trace entry.
/// The same policy always gives the same bytes.
public enum OCIWriter {
    public struct Options: Sendable {
        /// runc's seccomp agent socket (`listenerPath`), needed by runc when a rule notifies.
        public var listenerPath: String?
        public var listenerMetadata: String?

        public init(listenerPath: String? = nil, listenerMetadata: String? = nil) {
            self.listenerPath = listenerPath
            self.listenerMetadata = listenerMetadata
        }
    }

    /// One `syscalls[]` entry to write.
    struct Entry {
        var names: [String]
        var action: Action
        var conditions: [Condition]
    }

    /// What the profile will not say as the policy does: OCI has no bad-architecture action
    /// (runtimes kill the calling thread), and runtimes (runc, crun, podman through libseccomp)
    /// add their `native` architecture to every filter, so a profile that does not list it still
    /// decides that architecture's calls by its rules (resolved by name there) and its default
    /// action, where the policy gives them its bad-architecture action.
    public static func changes(_ policy: Policy, native: Arch = .host) -> [String] {
        var out: [String] = []
        switch policy.badArchAction {
        case .killThread, .killProcess: break
        default:
            out.append("OCI profiles have no bad-architecture action: runtimes kill the thread that calls from an architecture the profile does not list (the policy says \(policy.badArchAction))")
        }
        if !policy.architectures.contains(native) {
            out.append("the profile does not list \(native) (\(native.ociName)), but libseccomp adds the native architecture "
                + "to every filter: under runc, crun or podman on \(native), \(native) calls get the profile's rules and its "
                + "default action (\(policy.defaultAction)), not the policy's bad-architecture action (\(policy.badArchAction)); "
                + "add `\(native)` to the policy's architectures to write what the runtime will do")
        }
        return out
    }

    public static func encode(_ policy: Policy, options: Options = Options()) throws -> [UInt8] {
        Array(try text(policy, options: options).utf8)
    }

    public static func text(_ policy: Policy, options: Options = Options()) throws -> String {
        if policy.defaultAction == .userNotif {
            throw OCIWriteError(message: "the default action cannot be notify: runc refuses SCMP_ACT_NOTIFY as a default action")
        }
        if policy.rules.contains(where: { $0.action == .userNotif }) {
            if options.listenerPath == nil {
                throw OCIWriteError(message: "a rule notifies (SCMP_ACT_NOTIFY) but no listener path is given: runc needs listenerPath to hand the notifications to a seccomp agent")
            }
            if policy.rules.contains(where: { $0.action == .userNotif && $0.syscall == "write" }) {
                throw OCIWriteError(message: "write cannot notify: runc refuses SCMP_ACT_NOTIFY on write (it needs write to hand the listener over)")
            }
        }
        do {
            try policy.checkMeaning()
        } catch {
            throw OCIWriteError(message: error.description)
        }
        let entries = try self.entries(policy)
        var out = "{\n"
        var top: [String] = []
        top.append("  \"defaultAction\": \(quote(ociName(policy.defaultAction)))")
        if case .errno = policy.defaultAction { top.append("  \"defaultErrnoRet\": \(policy.defaultAction.data)") }
        if case .trace = policy.defaultAction { top.append("  \"defaultErrnoRet\": \(policy.defaultAction.data)") }
        let arches = Array(Set(policy.architectures)).sorted()
        top.append("  \"architectures\": " + list(arches.map { quote($0.ociName) }, indent: "  "))
        let flags = FilterFlag.allCases.filter(policy.flags.contains)
        if !flags.isEmpty { top.append("  \"flags\": " + list(flags.map { quote($0.rawValue) }, indent: "  ")) }
        if let path = options.listenerPath { top.append("  \"listenerPath\": \(quote(path))") }
        if let meta = options.listenerMetadata { top.append("  \"listenerMetadata\": \(quote(meta))") }
        top.append("  \"syscalls\": " + list(entries.map(entryText), indent: "  "))
        out += top.joined(separator: ",\n")
        out += "\n}\n"
        return out
    }

    /// Groups the rules into entries, in canonical order. Throws for rules runc would not
    /// enforce as meant (see `OCIRuntimeRules`); tests are written in the forms libseccomp
    /// compiles exactly (`OCILibseccompForms`), with i386's multiplexed calls covered.
    static func entries(_ policy: Policy) throws -> [Entry] {
        var groups: [String: Entry] = [:]
        let folded = OCILibseccompForms.folded(policy)
        // On i386 libseccomp adds tests of socketcall's and ipc's first argument itself.
        let multiplexed = folded.architectures.contains(.i386)
            ? folded.rules.first { SyscallMultiplexer.reaching($0.syscall) != nil } : nil
        if Set(folded.architectures).count > 1, let withTests = folded.rules.first(where: { !$0.conditions.isEmpty }) ?? multiplexed {
            throw OCIWriteError(message: "\(OCIRuntimeRules.text(withTests)) has argument tests"
                + (withTests.conditions.isEmpty ? " on i386 (libseccomp's for the multiplexed calls)" : "") + " and the policy lists several "
                + "architectures (\(folded.architectures.map(\.rawValue).joined(separator: ", "))): libseccomp 2.5.4 shares "
                + "the argument code of one architecture with the next and then skips loading the syscall number there, "
                + "so calls of the second architecture are decided on the architecture's value; write one profile per "
                + "architecture (export --target-arch)")
        }
        var runtime = try OCIRuntimeRules.rules(for: folded)
        runtime += try OCILibseccompForms.multiplexed(runtime, policy: folded)
        var rulesPerSyscall: [String: Int] = [:]
        for rule in runtime { rulesPerSyscall[rule.syscall, default: 0] += 1 }
        let written = try runtime.flatMap { rule in
            let several = rulesPerSyscall[rule.syscall, default: 0] > 1
            guard let forms = OCILibseccompForms.rules(rule, .init(folded, severalRules: several)) else {
                throw OCIWriteError(message: "\(OCIRuntimeRules.text(rule)) cannot be written for libseccomp: it compares "
                    + "32-bit arguments on all 64 bits and merges range tests of several rules of one syscall wrongly, so "
                    + "such tests are written as masked tests on the constant's bits, which would take more than "
                    + "\(OCILibseccompForms.maxAlternatives) rules or, for a 64-bit argument with a 32-bit architecture "
                    + "listed, mean something else there; use fewer '!=', '<', '<=', '>', '>=' tests, or one range test a syscall")
            }
            return forms
        }
        for rule in written {
            let conditions = rule.conditions.sorted { $0.index < $1.index }
            let key = "\(sortKey(rule.action))|" + conditions.map { "\($0.index) \($0.op.rawValue) \($0.value) \($0.valueTwo)" }.joined(separator: ",")
            groups[key, default: Entry(names: [], action: rule.action, conditions: conditions)].names.append(rule.syscall)
        }
        // Each entry's sort keys made once (not in every comparison).
        var keyed = groups.values.map { entry in
            var entry = entry
            entry.names = Array(Set(entry.names)).sorted()
            return (entry: entry, action: sortKey(entry.action), conditions: conditionKey(entry.conditions))
        }
        keyed.sort { a, b in
            if a.entry.conditions.isEmpty != b.entry.conditions.isEmpty { return a.entry.conditions.isEmpty }
            if a.entry.conditions.isEmpty { return a.action < b.action }
            if a.entry.names != b.entry.names { return a.entry.names.lexicographicallyPrecedes(b.entry.names) }
            if a.entry.action != b.entry.action { return a.action < b.action }
            return a.conditions.lexicographicallyPrecedes(b.conditions)
        }
        return keyed.map(\.entry)
    }

    private static func sortKey(_ a: Action) -> String {
        let s = String(a.severity), d = String(a.data)
        return s + ":" + String(repeating: "0", count: 5 - d.count) + d
    }

    private static func conditionKey(_ cs: [Condition]) -> [UInt64] {
        cs.flatMap { [UInt64($0.index), UInt64(CompareOp.allCases.firstIndex(of: $0.op)!), $0.value, $0.valueTwo] }
    }

    static func ociName(_ a: Action) -> String { a.ociName }

    private static func entryText(_ e: Entry) -> String {
        let ind = "      "
        var fields: [String] = []
        fields.append("\(ind)\"names\": " + list(e.names.map(quote), indent: ind))
        fields.append("\(ind)\"action\": \(quote(e.action.ociName))")
        switch e.action {
        case .errno, .trace: fields.append("\(ind)\"errnoRet\": \(e.action.data)")
        default: break
        }
        if !e.conditions.isEmpty {
            let args = e.conditions.map { c in
                let i = ind + "    "
                return "\(ind)  {\n\(i)\"index\": \(c.index),\n\(i)\"value\": \(c.value),\n\(i)\"valueTwo\": \(c.valueTwo),\n\(i)\"op\": \(quote(c.op.rawValue))\n\(ind)  }"
            }
            fields.append("\(ind)\"args\": [\n" + args.joined(separator: ",\n") + "\n\(ind)]")
        }
        return "    {\n" + fields.joined(separator: ",\n") + "\n    }"
    }

    /// `[ ... ]` with one element a line, each already indented (entries) or indented here (scalars).
    private static func list(_ items: [String], indent: String) -> String {
        if items.isEmpty { return "[]" }
        let lines = items.map { $0.hasPrefix(" ") ? $0 : indent + "  " + $0 }
        return "[\n" + lines.joined(separator: ",\n") + "\n\(indent)]"
    }

    /// A JSON string literal.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let h = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
