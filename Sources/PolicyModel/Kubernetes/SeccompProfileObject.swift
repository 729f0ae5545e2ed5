import Foundation

/// The Security Profiles Operator's `SeccompProfile` object (API group
/// `security-profiles-operator.x-k8s.io`): its `spec` is an OCI seccomp profile without
/// `defaultErrnoRet` and `archMap`, plus the operator's own `state` and `baseProfileName`.
/// Written as YAML from the OCI writer's output (so both say the same); read through the YAML
/// reader into the OCI reader (so every check and error of OCI JSON applies, at YAML positions).
public enum SeccompProfileObject {
    public static let group = "security-profiles-operator.x-k8s.io"
    public static let apiVersion = group + "/v1"
    /// The versions read: the stored one and the older one the CRD still serves.
    static let apiVersionsRead: Set = [group + "/v1", group + "/v1beta1"]
    public static let kind = "SeccompProfile"

    /// `spec` members of the CRD schema (v1).
    static let specMembers: Set = ["architectures", "baseProfileName", "defaultAction", "flags", "listenerMetadata",
                                   "listenerPath", "state", "syscalls"]
    /// `spec.flags` values the schema allows.
    static let flags: Set = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                             "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]
    /// `spec.listenerPath`'s pattern: `^/var/run/security-profiles-operator/[a-zA-Z0-9_\-\.]+$`.
    static func isListenerPath(_ s: String) -> Bool {
        let prefix = "/var/run/security-profiles-operator/"
        guard s.hasPrefix(prefix), s.count > prefix.count else { return false }
        return s.dropFirst(prefix.count).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }
    }

    // MARK: - Reading

    /// Whether `bytes` look like YAML objects rather than OCI JSON or a text policy: the first
    /// line that is not blank or a comment is `---`, or starts with `apiVersion:` or `kind:`.
    public static func looksLikeYAML(_ bytes: [UInt8]) -> Bool {
        let head = String(decoding: bytes.prefix(64 << 10), as: UTF8.self)
        for raw in head.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            return line == "---" || line.hasPrefix("--- ") || line.hasPrefix("apiVersion:") || line.hasPrefix("kind:")
        }
        return false
    }

    /// Reads every `SeccompProfile` of a YAML file (one object or several documents) as the
    /// policy a runtime would enforce on `target`.
    ///
    /// The entries of `spec.syscalls` (a block sequence) are decoded and converted as they are
    /// parsed, as `OCIProfile.read` does for JSON: memory holds the rules, not a tree of them.
    public static func read(_ bytes: [UInt8], source: String, target: OCITarget,
                            options: OCIProfile.ReadOptions = .init(), table: SyscallTable = .shared) throws -> [OCIImport] {
        try read(bytes, source: source, target: target, options: options, table: table, fromLines: true)
    }

    /// `read`; with `fromLines`, entries in the usual shape are read straight from their lines
    /// (`SeccompEntryLines`), the others parsed as a tree and decoded; without, all are (for tests:
    /// both give the same).
    static func read(_ bytes: [UInt8], source: String, target: OCITarget, options: OCIProfile.ReadOptions,
                     table: SyscallTable, fromLines: Bool) throws -> [OCIImport] {
        /// Per document with streamed entries: their decoding and their rules.
        final class Streamed {
            var stream: OCIEntryStream
            var collector: OCIRuleCollector
            init(_ source: String, _ options: OCIProfile.ReadOptions, _ table: SyscallTable) {
                stream = OCIEntryStream(source: source)
                collector = OCIRuleCollector(source: source, lenient: options.lenient, table: table)
            }
        }
        var streamed: [Int: Streamed] = [:]
        func entries(_ n: Int) -> Streamed {
            if let s = streamed[n] { return s }
            let s = Streamed(source, options, table)
            streamed[n] = s
            return s
        }
        let fromBytes: (Int, YAMLItemStart) -> YAMLItemEnd? = { n, start in
            let s = entries(n)
            guard let taken = s.stream.next(by: { SeccompEntryLines.read(bytes, start, entry: $0) }) else { return nil }
            if taken.0.applies(to: target) { s.collector.add(taken.0) }
            return taken.1
        }
        let documents: [JSONNode]
        do {
            documents = try YAMLReader.documents(bytes, streaming: ["spec", "syscalls"], element: { n, node in
                let s = entries(n)
                if let entry = s.stream.next(node), entry.applies(to: target) { s.collector.add(entry) }
            }, item: fromLines ? fromBytes : nil)
        } catch {
            throw OCIProfileError(source: source, position: error.position, field: "", message: error.message)
        }
        guard !documents.isEmpty else {
            throw OCIProfileError(source: source, position: nil, field: "", message: "holds no YAML document (expected a \(kind) object)")
        }
        return try documents.enumerated().map { n, doc in
            let label = documents.count == 1 ? "" : "document \(n + 1): "
            let spec = try self.spec(of: doc, source: source, label: label)
            var decoder = OCIDecoder(source: source)
            do {
                var result: OCIImport
                if let s = streamed.removeValue(forKey: n) {
                    let raw = try decoder.profile(spec, streamed: s.stream)
                    result = try raw.resolved(for: target).policy(collected: s.collector)
                } else {
                    let raw = try decoder.profile(spec)
                    result = try raw.resolved(for: target).policy(lenient: options.lenient, table: table)
                }
                result.warnings = decoder.warnings + result.warnings
                return result
            } catch var e as OCIProfileError {
                e.field = label + (e.field.isEmpty ? "spec" : "spec.\(e.field)")
                throw e
            }
        }
    }

    /// The `spec` of one document, checked to be a SeccompProfile, without the operator's own
    /// members (`state`); `baseProfileName` is refused (the base is another object: merge its file).
    static func spec(of doc: JSONNode, source: String, label: String) throws -> JSONNode {
        func fail(_ node: JSONNode, _ field: String, _ message: String) -> OCIProfileError {
            OCIProfileError(source: source, position: node.position, field: label + field, message: message)
        }
        guard case .object(let members) = doc.value else {
            throw fail(doc, "", "expected a \(kind) object (apiVersion, kind, metadata, spec)")
        }
        func member(_ key: String) -> JSONNode? { members.first { $0.key == key }?.value }
        guard let version = member("apiVersion"), case .string(let v) = version.value, apiVersionsRead.contains(v) else {
            throw fail(member("apiVersion") ?? doc, "apiVersion", "expected \(apiVersion) (or \(group)/v1beta1)")
        }
        guard let kindNode = member("kind"), case .string(let k) = kindNode.value, k == kind else {
            throw fail(member("kind") ?? doc, "kind", "expected \(kind)")
        }
        guard let spec = member("spec"), case .object(let specMembers) = spec.value else {
            throw fail(member("spec") ?? doc, "spec", "expected an object with at least defaultAction (the CRD requires spec)")
        }
        if let base = specMembers.first(where: { $0.key == "baseProfileName" }) {
            throw OCIProfileError(source: source, position: base.keyPosition, field: label + "spec.baseProfileName",
                                  message: "the base profile is another object: read its file too (e.g. 'merge base.yaml this.yaml') and remove baseProfileName")
        }
        for m in specMembers where !self.specMembers.contains(m.key) {
            throw OCIProfileError(source: source, position: m.keyPosition, field: label + "spec.\(m.key)",
                                  message: "not a member of the \(kind) spec (expected one of \(self.specMembers.sorted().joined(separator: ", ")))")
        }
        if let state = specMembers.first(where: { $0.key == "state" }) {
            guard case .string(let s) = state.value.value, s == "Enabled" || s == "Disabled" else {
                throw fail(state.value, "spec.state", "expected Enabled or Disabled")
            }
        }
        return JSONNode(.object(specMembers.filter { $0.key != "state" }), at: spec.position)
    }

    // MARK: - Writing

    /// The policy as a `SeccompProfile` object named `name` (in `namespace` when given).
    /// Throws when the policy says what the CRD cannot: a default errno other than EPERM (the
    /// spec has no defaultErrnoRet; runtimes default to EPERM), a flag or listener path outside
    /// the schema, an argument value above 2^63-1 (the schema's int64 with minimum 0).
    public static func encode(_ policy: Policy, name: String, namespace: String? = nil) throws -> [UInt8] {
        try KubernetesName.check(name, as: .object)
        if let namespace { try KubernetesName.check(namespace, as: .namespace) }
        let oci = try JSONParser.parse(OCIWriter.encode(policy))
        guard case .object(let top) = oci.value else { throw OCIWriteError(message: "the OCI writer gave no object") }
        var spec: [JSONMember] = []
        for m in top {
            switch m.key {
            case "defaultErrnoRet":
                guard case .number(let n) = m.value.value, n.text == "1" else {
                    throw OCIWriteError(message: "a \(kind) has no defaultErrnoRet and runtimes then return EPERM: "
                        + "the default errno must be EPERM, not \(policy.defaultAction)")
                }
            case "flags":
                for f in try strings(m.value) where !flags.contains(f) {
                    throw OCIWriteError(message: "the flag \(f) is not one the \(kind) schema allows (\(flags.sorted().joined(separator: ", ")))")
                }
                spec.append(m)
            case "listenerPath":
                if case .string(let p) = m.value.value, !isListenerPath(p) {
                    throw OCIWriteError(message: "listenerPath \(p) does not match the schema's ^/var/run/security-profiles-operator/[a-zA-Z0-9_\\-\\.]+$")
                }
                spec.append(m)
            case "syscalls":
                try checkValues(m.value)
                spec.append(m)
            case _ where specMembers.contains(m.key):
                spec.append(m)
            default:
                throw OCIWriteError(message: "the OCI member \(m.key) has no place in a \(kind) spec")
            }
        }
        var metadata = [member("name", .string(name))]
        if let namespace { metadata.append(member("namespace", .string(namespace))) }
        let object = JSONNode(.object([
            member("apiVersion", .string(apiVersion)),
            member("kind", .string(kind)),
            member("metadata", .object(metadata)),
            member("spec", .object(spec)),
        ]), at: oci.position)
        var out = ""
        YAMLWriter.write(object, indent: 0, into: &out)
        return Array(out.utf8)
    }

    private static func member(_ key: String, _ value: JSONValue) -> JSONMember {
        let p = SourcePosition(line: 1, column: 1)
        return JSONMember(key: key, keyPosition: p, value: JSONNode(value, at: p))
    }

    private static func strings(_ node: JSONNode) throws -> [String] {
        guard case .array(let items) = node.value else { return [] }
        return items.compactMap { if case .string(let s) = $0.value { return s } else { return nil } }
    }

    /// Every `args[].value`/`valueTwo` fits the schema's int64 with minimum 0.
    private static func checkValues(_ syscalls: JSONNode) throws {
        guard case .array(let entries) = syscalls.value else { return }
        for entry in entries {
            guard case .object(let e) = entry.value,
                  case .array(let args)? = e.first(where: { $0.key == "args" })?.value.value else { continue }
            let names = (e.first { $0.key == "names" }?.value).map { (try? strings($0)) ?? [] } ?? []
            for arg in args {
                guard case .object(let a) = arg.value else { continue }
                for m in a where m.key == "value" || m.key == "valueTwo" {
                    if case .number(let n) = m.value.value, let v = n.uint64, v > UInt64(Int64.max) {
                        throw OCIWriteError(message: "\(names.joined(separator: ", ")): the argument \(m.key) 0x\(String(v, radix: 16)) "
                            + "is above 2^63-1, which a \(kind) cannot hold (its values are int64 with minimum 0)")
                    }
                }
            }
        }
    }
}

/// Writes JSON values as block YAML in the style kubectl writes: two-space indentation,
/// sequences at their key's indentation, strings plain when they read back as the same string.
enum YAMLWriter {
    static func write(_ node: JSONNode, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        switch node.value {
        case .object(let members):
            for m in members {
                out += pad + scalar(.string(m.key)) + ":"
                writeValue(m.value, childIndent: indent + 2, sequenceIndent: indent, into: &out)
            }
        case .array(let items):
            for item in items {
                out += pad + "-"
                switch item.value {
                case .object(let m) where !m.isEmpty:
                    var nested = ""
                    write(item, indent: indent + 2, into: &nested)
                    out += " " + nested.dropFirst(indent + 2)
                case .array(let a) where !a.isEmpty:
                    out += "\n"
                    write(item, indent: indent + 2, into: &out)
                default:
                    out += " " + scalar(item.value) + "\n"
                }
            }
        default:
            out += pad + scalar(node.value) + "\n"
        }
    }

    private static func writeValue(_ node: JSONNode, childIndent: Int, sequenceIndent: Int, into out: inout String) {
        switch node.value {
        case .object(let m) where !m.isEmpty:
            out += "\n"
            write(node, indent: childIndent, into: &out)
        case .array(let a) where !a.isEmpty:
            out += "\n"
            write(node, indent: sequenceIndent, into: &out)
        default:
            out += " " + scalar(node.value) + "\n"
        }
    }

    static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.text
        case .array: return "[]"
        case .object: return "{}"
        case .string(let s):
            let plain = !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_./-".contains($0)) }
                && !s.hasPrefix("-") && FlowParser.typed(s) == .string(s)
            return plain ? s : OCIWriter.quote(s)  // a JSON string is a double-quoted YAML scalar
        }
    }
}

/// Kubernetes object and namespace names.
public enum KubernetesName {
    public enum Kind: Sendable { case object, namespace }

    /// An object name is a DNS subdomain (RFC 1123: at most 253 characters of lowercase letters,
    /// digits, `-` and `.`, starting and ending with a letter or digit); a namespace a DNS label
    /// (at most 63, no `.`).
    public static func check(_ name: String, as kind: Kind) throws {
        let what = kind == .object ? "object name" : "namespace"
        let max = kind == .object ? 253 : 63
        let allowed: (Character) -> Bool = {
            ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || (kind == .object && $0 == ".")
        }
        let alnum: (Character) -> Bool = { $0.isASCII && ($0.isLowercase || $0.isNumber) }
        guard !name.isEmpty, name.count <= max, name.allSatisfy(allowed), alnum(name.first!), alnum(name.last!) else {
            throw OCIWriteError(message: "'\(name)' is not a Kubernetes \(what): at most \(max) lowercase letters, digits, '-'"
                + (kind == .object ? " or '.'" : "") + ", starting and ending with a letter or digit")
        }
    }

    /// A name made from a file name: `Web Server.policy` → `web-server`; nil when nothing is left.
    public static func from(path: String) -> String? {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let stem = file.prefix { $0 != "." }
        var out = ""
        for c in stem.lowercased() {
            if c.isASCII && (c.isLetter || c.isNumber) { out.append(c) } else if out.last != "-" { out.append("-") }
        }
        let trimmed = out.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return trimmed.isEmpty ? nil : String(trimmed.prefix(253))
    }
}
