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

    /// One `syscalls[]` entry to write. Most entries of a big profile have one name and one
    /// test, held inline rather than in arrays of their own.
    struct Entry {
        /// The first name; the others in `otherNames` (sorted and without repeats once the
        /// entries are made).
        var name: String
        var otherNames: [String] = []
        var action: Action
        /// The only test, or nil with the tests (by argument index) in `tests`.
        var only: Condition?
        var tests: [Condition] = []

        var nameCount: Int { 1 + otherNames.count }
        func name(_ k: Int) -> String { k == 0 ? name : otherNames[k - 1] }
        var testCount: Int { only == nil ? tests.count : 1 }
        func test(_ k: Int) -> Condition { only ?? tests[k] }
        var names: [String] { [name] + otherNames }
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
        // An upper bound for most profiles: untouched capacity costs no memory, and a buffer
        // that must grow is copied once or twice.
        var capacity = 1024
        for e in entries { capacity += 160 + e.nameCount * 48 + e.testCount * 160 }
        var out = OutputBytes(capacity: capacity)
        out.append("{\n  \"defaultAction\": ")
        quote(ociName(policy.defaultAction), into: &out)
        switch policy.defaultAction {
        case .errno, .trace:
            out.append(",\n  \"defaultErrnoRet\": ")
            out.appendDecimal(UInt64(policy.defaultAction.data))
        default: break
        }
        out.append(",\n  \"architectures\": ")
        scalarList(Array(Set(policy.architectures)).sorted().map(\.ociName), into: &out)
        let flags = FilterFlag.allCases.filter(policy.flags.contains)
        if !flags.isEmpty {
            out.append(",\n  \"flags\": ")
            scalarList(flags.map(\.rawValue), into: &out)
        }
        if let path = options.listenerPath {
            out.append(",\n  \"listenerPath\": ")
            quote(path, into: &out)
        }
        if let meta = options.listenerMetadata {
            out.append(",\n  \"listenerMetadata\": ")
            quote(meta, into: &out)
        }
        out.append(",\n  \"syscalls\": ")
        if entries.isEmpty {
            out.append("[]")
        } else {
            out.append("[\n")
            for (i, e) in entries.enumerated() {
                if i > 0 { out.append(",\n") }
                entry(e, into: &out)
            }
            out.append("\n  ]")
        }
        out.append("\n}\n")
        return out.bytes
    }

    public static func text(_ policy: Policy, options: Options = Options()) throws -> String {
        String(decoding: try encode(policy, options: options), as: UTF8.self)
    }

    /// Groups the rules into entries, in canonical order. Throws for rules runc would not
    /// enforce as meant (see `OCIRuntimeRules`); tests are written in the forms libseccomp
    /// compiles exactly (`OCILibseccompForms`), with i386's multiplexed calls covered.
    static func entries(_ policy: Policy) throws -> [Entry] {
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
        // Rules with the same action and the same tests (compared without their widths) are one
        // entry; the entry keeps the first one's tests.
        // One-test rules (most of a big policy) by a key of 24 bytes; the others by their list.
        var oneTest: [OneTestKey: Int32] = [:]
        oneTest.reserveCapacity(runtime.count)
        var otherTests: [EntryKey: Int] = [:]
        var entries: [Entry] = []
        let contexts = (one: OCILibseccompForms.Context(folded, severalRules: false),
                        several: OCILibseccompForms.Context(folded, severalRules: true))
        for rule in runtime {
            let several = rulesPerSyscall[rule.syscall, default: 0] > 1
            guard let forms = OCILibseccompForms.rules(rule, several ? contexts.several : contexts.one) else {
                throw OCIWriteError(message: "\(OCIRuntimeRules.text(rule)) cannot be written for libseccomp: it compares "
                    + "32-bit arguments on all 64 bits and merges range tests of several rules of one syscall wrongly, so "
                    + "such tests are written as masked tests on the constant's bits, which would take more than "
                    + "\(OCILibseccompForms.maxAlternatives) rules or, for a 64-bit argument with a 32-bit architecture "
                    + "listed, mean something else there; use fewer '!=', '<', '<=', '>', '>=' tests, or one range test a syscall")
            }
            for form in forms {
                if let only = form.onlyCondition {
                    let key = OneTestKey(action: form.action, test: only)
                    if let e = oneTest[key] {
                        entries[Int(e)].otherNames.append(form.syscall)
                    } else {
                        oneTest[key] = Int32(entries.count)
                        entries.append(Entry(name: form.syscall, action: form.action, only: only))
                    }
                    continue
                }
                let tests = form.conditions.sorted { $0.index < $1.index }
                let key = EntryKey(action: form.action, tests: tests.map(TestKey.init))
                if let e = otherTests[key] {
                    entries[e].otherNames.append(form.syscall)
                } else {
                    otherTests[key] = entries.count
                    entries.append(Entry(name: form.syscall, action: form.action, only: nil, tests: tests))
                }
            }
        }
        oneTest = [:]
        otherTests = [:]
        for e in entries.indices where !entries[e].otherNames.isEmpty {
            let names = Array(Set(entries[e].names)).sorted()
            entries[e].name = names[0]
            entries[e].otherNames = Array(names.dropFirst())
        }
        // Unconditional entries first, by action; then by names, action and tests. Indices are
        // sorted, with each entry's action key made once.
        let actionKeys = entries.map { sortKey($0.action) }
        var order = Array(entries.indices)
        order.sort { i, j in
            let a = entries[i], b = entries[j]
            let aUnconditional = a.testCount == 0
            if aUnconditional != (b.testCount == 0) { return aUnconditional }
            if aUnconditional { return actionKeys[i] < actionKeys[j] }
            if let namesFirst = namesPrecede(a, b) { return namesFirst }
            if a.action != b.action { return actionKeys[i] < actionKeys[j] }
            return testsPrecede(a, b)
        }
        return order.map { entries[$0] }
    }

    /// What makes rules one entry: the action and the tests, without their widths (which OCI
    /// JSON does not write). `OneTestKey` for a rule with one test, `EntryKey` for the others.
    private struct EntryKey: Hashable {
        var action: Action
        var tests: [TestKey]
    }

    /// The action and the only test, packed: a table of a million of them is what the writer
    /// holds most of while it groups.
    private struct OneTestKey: Hashable {
        var value: UInt64
        var valueTwo: UInt64
        var action: Int32
        var index: UInt8
        var op: UInt8

        init(action a: Action, test c: Condition) {
            value = c.value
            valueTwo = c.valueTwo
            action = Int32(OCIWriter.sortKey(a))
            index = UInt8(c.index)
            op = UInt8(OCIWriter.opRank(c.op))
        }
    }

    private struct TestKey: Hashable {
        var index: Int
        var op: CompareOp
        var value: UInt64
        var valueTwo: UInt64

        init(_ c: Condition) {
            index = c.index
            op = c.op
            value = c.value
            valueTwo = c.valueTwo
        }
    }

    /// The action's place in the order: by severity, then by its errno or trace value.
    private static func sortKey(_ a: Action) -> Int {
        a.severity << 16 | Int(a.data)
    }

    /// The order of `CompareOp.allCases`.
    private static func opRank(_ op: CompareOp) -> Int {
        CompareOp.allCases.firstIndex(of: op)!
    }

    /// Whether `a`'s names come before `b`'s (the first that differs decides, a list before
    /// the longer lists it begins); nil when they are the same.
    private static func namesPrecede(_ a: Entry, _ b: Entry) -> Bool? {
        for k in 0..<min(a.nameCount, b.nameCount) {
            let x = a.name(k), y = b.name(k)
            if x != y { return x < y }
        }
        return a.nameCount == b.nameCount ? nil : a.nameCount < b.nameCount
    }

    /// Tests in order: index, operator, value and second value of each in turn, a list before
    /// the longer lists it begins.
    private static func testsPrecede(_ a: Entry, _ b: Entry) -> Bool {
        for k in 0..<min(a.testCount, b.testCount) {
            let x = a.test(k), y = b.test(k)
            if x.index != y.index { return x.index < y.index }
            if x.op != y.op { return opRank(x.op) < opRank(y.op) }
            if x.value != y.value { return x.value < y.value }
            if x.valueTwo != y.valueTwo { return x.valueTwo < y.valueTwo }
        }
        return a.testCount < b.testCount
    }

    static func ociName(_ a: Action) -> String { a.ociName }

    /// One `syscalls[]` entry, indented four spaces.
    private static func entry(_ e: Entry, into out: inout OutputBytes) {
        out.append("    {\n      \"names\": [\n")
        for k in 0..<e.nameCount {
            out.append(k == 0 ? "        " : ",\n        ")
            quote(e.name(k), into: &out)
        }
        out.append("\n      ]")
        out.append(",\n      \"action\": ")
        quote(e.action.ociName, into: &out)
        switch e.action {
        case .errno, .trace:
            out.append(",\n      \"errnoRet\": ")
            out.appendDecimal(UInt64(e.action.data))
        default: break
        }
        if e.testCount > 0 {
            out.append(",\n      \"args\": [\n")
            for k in 0..<e.testCount {
                let c = e.test(k)
                out.append(k == 0 ? "        {\n          \"index\": " : ",\n        {\n          \"index\": ")
                out.appendDecimal(UInt64(c.index))
                out.append(",\n          \"value\": ")
                out.appendDecimal(c.value)
                out.append(",\n          \"valueTwo\": ")
                out.appendDecimal(c.valueTwo)
                out.append(",\n          \"op\": ")
                quote(c.op.rawValue, into: &out)
                out.append("\n        }")
            }
            out.append("\n      ]")
        }
        out.append("\n    }")
    }

    /// `[ ... ]` of strings, one a line, at the top level's indentation.
    private static func scalarList(_ items: [String], into out: inout OutputBytes) {
        if items.isEmpty {
            out.append("[]")
            return
        }
        out.append("[\n")
        for (i, item) in items.enumerated() {
            out.append(i == 0 ? "    " : ",\n    ")
            quote(item, into: &out)
        }
        out.append("\n  ]")
    }

    /// A JSON string literal.
    static func quote(_ s: String) -> String {
        var out = OutputBytes(capacity: s.utf8.count + 2)
        quote(s, into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// A JSON string literal written into `out`: `"` and `\` escaped, `\n`, `\r` and `\t`,
    /// other control characters and DEL as `\u00XX`; everything else as its UTF-8 bytes.
    static func quote(_ s: String, into out: inout OutputBytes) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append("\\\"")
            case UInt8(ascii: "\\"): out.append("\\\\")
            case 0x0A: out.append("\\n")
            case 0x0D: out.append("\\r")
            case 0x09: out.append("\\t")
            case 0x00...0x1F, 0x7F:
                out.append("\\u00")
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
