import Foundation
import Testing
@testable import PolicyModel

/// `SeccompProfile` objects checked against the operator's CRD schema (`Fixtures/spo/`, copied
/// from kubernetes-sigs/security-profiles-operator, see SOURCE.md there): every constraint the
/// v1 schema states (types, enums, required members, minimum, minItems/maxItems, int32/int64
/// ranges, list-type set, the listenerPath pattern) is checked by a small validator below.
@Suite struct SeccompProfileObjectTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "yaml", subdirectory: "Fixtures/spo"))
        return Array(try Data(contentsOf: url))
    }

    /// `spec.versions[name == v1].schema.openAPIV3Schema` of the CRD.
    static func schema() throws -> JSONNode {
        let crd = try #require(try YAMLReader.documents(fixture("seccompprofile-crd")).first)
        let versions = try #require(crd["spec"]?["versions"])
        guard case .array(let list) = versions.value else { throw SchemaError.shape }
        let v1 = try #require(list.first { $0["name"]?.value == .string("v1") })
        return try #require(v1["schema"]?["openAPIV3Schema"])
    }

    enum SchemaError: Error { case shape }

    /// Every violation of `schema` in `node`, as `path: what`.
    static func violations(_ node: JSONNode, _ schema: JSONNode, _ path: String = "") -> [String] {
        var out: [String] = []
        if case .array(let options)? = schema["enum"]?.value, !options.contains(where: { $0.value == node.value }) {
            out.append("\(path): \(node.value) is not in the enum")
        }
        switch schema["type"]?.value {
        case .string("object")?:
            guard case .object(let members) = node.value else { return out + ["\(path): expected an object"] }
            if case .array(let required)? = schema["required"]?.value {
                for r in required { if case .string(let k) = r.value, !members.contains(where: { $0.key == k }) { out.append("\(path): \(k) is required") } }
            }
            if let properties = schema["properties"] {
                for m in members {
                    if let sub = properties[m.key] { out += violations(m.value, sub, path + "." + m.key) } else { out.append("\(path).\(m.key): not in the schema") }
                }
            }
        case .string("array")?:
            guard case .array(let items) = node.value else { return out + ["\(path): expected an array"] }
            if let n = schema["maxItems"]?.int, items.count > n { out.append("\(path): more than \(n) items") }
            if let n = schema["minItems"]?.int, items.count < n { out.append("\(path): fewer than \(n) items") }
            if schema["x-kubernetes-list-type"]?.value == .string("set"), Set(items.map(\.value)).count != items.count {
                out.append("\(path): items repeat in a set")
            }
            if let sub = schema["items"] { for (i, item) in items.enumerated() { out += violations(item, sub, "\(path)[\(i)]") } }
        case .string("string")?:
            guard case .string(let s) = node.value else { return out + ["\(path): expected a string"] }
            if case .string(let pattern)? = schema["pattern"]?.value {
                let re = try! NSRegularExpression(pattern: pattern)
                if re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil { out.append("\(path): '\(s)' does not match \(pattern)") }
            }
        case .string("integer")?:
            guard case .number(let n) = node.value, n.isInteger, let v = Int128(n.text) else { return out + ["\(path): expected an integer"] }
            if let min = schema["minimum"]?.int, v < Int128(min) { out.append("\(path): below \(min)") }
            switch schema["format"]?.value {
            case .string("int32")?: if v > Int128(Int32.max) || v < Int128(Int32.min) { out.append("\(path): not an int32") }
            case .string("int64")?: if v > Int128(Int64.max) || v < Int128(Int64.min) { out.append("\(path): not an int64") }
            default: break
            }
        default: break
        }
        return out
    }

    static func exported(_ policy: Policy, name: String = "web", namespace: String? = nil) throws -> JSONNode {
        let bytes = try SeccompProfileObject.encode(policy, name: name, namespace: namespace)
        let docs = try YAMLReader.documents(bytes)
        try #require(docs.count == 1)
        return docs[0]
    }

    @Test("the validator passes the operator's own examples and fails objects that break each kind of constraint")
    func validatorCanFail() throws {
        let schema = try Self.schema()
        let examples = try YAMLReader.documents(Self.fixture("seccompprofile-example"))
        #expect(examples.count == 4)
        for e in examples { #expect(Self.violations(e, schema) == []) }
        let broken = """
            apiVersion: security-profiles-operator.x-k8s.io/v1
            kind: SeccompProfile
            metadata: {name: x}
            spec:
              defaultAction: SCMP_ACT_NOPE
              architectures: [SCMP_ARCH_X86_64, SCMP_ARCH_X86_64]
              listenerPath: /tmp/agent.sock
              extra: 1
              syscalls:
              - action: SCMP_ACT_ALLOW
                names: []
                errnoRet: 3000000000
                args:
                - {index: 0, op: SCMP_CMP_EQ, value: -1}
                - {index: 1, op: SCMP_CMP_EQ}
                - {index: 2, op: SCMP_CMP_EQ}
                - {index: 3, op: SCMP_CMP_EQ}
                - {index: 4, op: SCMP_CMP_EQ}
                - {index: 5, op: SCMP_CMP_EQ}
                - op: SCMP_CMP_EQ
            """
        let v = Self.violations(try #require(try YAMLReader.documents(Array(broken.utf8)).first), schema)
        #expect(v.contains(".spec.defaultAction: string(\"SCMP_ACT_NOPE\") is not in the enum"))
        #expect(v.contains(".spec.architectures: items repeat in a set"))
        #expect(v.contains { $0.hasPrefix(".spec.listenerPath: '/tmp/agent.sock' does not match") })
        #expect(v.contains(".spec.extra: not in the schema"))
        #expect(v.contains(".spec.syscalls[0].names: fewer than 1 items"))
        #expect(v.contains(".spec.syscalls[0].errnoRet: not an int32"))
        #expect(v.contains(".spec.syscalls[0].args: more than 6 items"))
        #expect(v.contains(".spec.syscalls[0].args[0].value: below 0"))
        #expect(v.contains(".spec.syscalls[0].args[6]: index is required"))
    }

    @Test("exported objects are valid: Docker's default profile, and a policy with argument rules, flags, other actions and a namespace")
    func exportsAreValid() throws {
        let schema = try Self.schema()
        let url = try #require(Bundle.module.url(forResource: "docker-default", withExtension: "json", subdirectory: "Fixtures"))
        var docker = try OCIProfile.read(Array(try Data(contentsOf: url)), source: "docker-default.json",
                                         target: OCITarget(arch: .x86_64, capabilities: [], kernel: KernelVersion(kernel: 6, major: 18))).policy
        docker.architectures = [.x86_64]  // for several, the writer refuses argument tests (libseccomp 2.5.4)
        let d = try Self.exported(docker, name: "docker-default")
        #expect(Self.violations(d, schema) == [])
        #expect(d["metadata"]?["name"]?.value == .string("docker-default"))
        let text = """
            @default errno EPERM
            @arch x86_64
            @flags log
            read: allow
            write: fd == 1 || fd == 2
            mmap: prot & PROT_EXEC == 0
            socket: domain == AF_INET
            ptrace: errno EACCES
            kill: kill
            getpid: log
            lseek: offset <= 0x7fffffffffffffff
            """
        let policy = try TextPolicy.parse(text, file: "t.policy").policy
        let p = try Self.exported(policy, name: "my.app-1", namespace: "team-a")
        #expect(Self.violations(p, schema) == [])
        #expect(p["apiVersion"]?.value == .string("security-profiles-operator.x-k8s.io/v1"))
        #expect(p["kind"]?.value == .string("SeccompProfile"))
        #expect(p["metadata"]?["namespace"]?.value == .string("team-a"))
    }

    @Test("an object read back is the policy that was written, as OCI JSON read back is")
    func roundTrip() throws {
        let policy = try TextPolicy.parse("""
            @default errno EPERM
            @arch x86_64
            read: allow
            write: fd == 1 || fd == 2
            mmap: prot & PROT_EXEC == 0
            ptrace: errno EACCES
            """, file: "t.policy").policy
        let target = OCITarget(arch: .x86_64, capabilities: [], kernel: KernelVersion(kernel: 6, major: 18))
        let viaOCI = try OCIProfile.read(try OCIWriter.encode(policy), source: "p.json", target: target).policy
        let viaSPO = try SeccompProfileObject.read(try SeccompProfileObject.encode(policy, name: "p"), source: "p.yaml", target: target)
        #expect(viaSPO.map(\.policy) == [viaOCI])
    }

    @Test("what a SeccompProfile cannot say is an error, never dropped", arguments: [
        ("@default errno EACCES\n@arch x86_64\nread: allow\n", "the default errno must be EPERM"),
        ("@default errno EPERM\n@arch x86_64\nlseek: offset == 0x8000000000000000\n", "is above 2^63-1"),
        ("@default errno EPERM\n@arch x86_64\n@flags tsync-esrch\nread: allow\n", "SECCOMP_FILTER_FLAG_TSYNC_ESRCH is not one the SeccompProfile schema allows"),
    ])
    func refusals(text: String, message: String) throws {
        let policy = try TextPolicy.parse(text, file: "t.policy").policy
        #expect { try SeccompProfileObject.encode(policy, name: "x") } throws: { "\($0)".contains(message) }
    }

    @Test("object and namespace names are checked; names from files are made valid", arguments: [
        ("Web", KubernetesName.Kind.object, false), ("web.app-1", .object, true), ("web.app", .namespace, false),
        ("-web", .object, false), ("web-", .namespace, false), (String(repeating: "a", count: 64), .namespace, false),
    ])
    func names(name: String, kind: KubernetesName.Kind, valid: Bool) {
        #expect(((try? KubernetesName.check(name, as: kind)) != nil) == valid)
    }

    @Test("file names become object names")
    func namesFromFiles() {
        #expect(KubernetesName.from(path: "/p/Web Server.policy") == "web-server")
        #expect(KubernetesName.from(path: "out/nginx_1.yaml") == "nginx-1")
        #expect(KubernetesName.from(path: "/p/.yaml") == nil)
    }

    @Test("an object as kubectl shows it (metadata with managedFields, status) is read, and is valid against the schema")
    func kubectlOutput() throws {
        let bytes = try Self.fixture("kubectl-get-example")
        let doc = try #require(try YAMLReader.documents(bytes).first)
        let v = Self.violations(doc, try Self.schema())
        #expect(v == [], "\(v)")
        let target = OCITarget(arch: .x86_64, capabilities: [], kernel: KernelVersion(kernel: 6, major: 18))
        let read = try SeccompProfileObject.read(bytes, source: "web.yaml", target: target)
        let expected = try TextPolicy.parse("@default errno EPERM\n@arch x86_64\nread: allow\nwrite: allow\nclose: errno EACCES if fd == 3\n",
                                            file: "e.policy").policy
        #expect(read.count == 1)
        #expect(Set(read[0].policy.rules) == Set(expected.rules))
    }

    @Test("several documents are read one by one; the wrong kind, version or a baseProfileName are errors at their line")
    func readingErrors() throws {
        let target = OCITarget(arch: .x86_64, capabilities: [], kernel: KernelVersion(kernel: 6, major: 18))
        let examples = try SeccompProfileObject.read(Self.fixture("seccompprofile-example"), source: "ex.yaml", target: target)
        #expect(examples.map(\.policy.defaultAction) == [.errno(1), .log, .allow, .log])
        func error(_ yaml: String) -> String {
            do {
                _ = try SeccompProfileObject.read(Array(yaml.utf8), source: "f.yaml", target: target)
                return "no error"
            } catch { return "\(error)" }
        }
        let head = "apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\n"
        #expect(error("apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: Pod\nspec: {}\n")
            == "f.yaml:2:7: kind: expected SeccompProfile")
        #expect(error(head + "spec:\n  defaultAction: SCMP_ACT_ERRNO\n  baseProfileName: runc-v1.1\n").hasPrefix("f.yaml:5:3: spec.baseProfileName: the base profile is another object"))
        #expect(error(head + "spec:\n  defaultAction: SCMP_ACT_ERRNO\n---\n" + head + "spec:\n  defaultAction: SCMP_ACT_BOGUS\n")
            .hasPrefix("f.yaml:9:18: document 2: spec.defaultAction:"))
        #expect(error(head + "spec:\n  defaultAction: SCMP_ACT_ERRNO\n  defaultErrnoRet: 13\n")
            == "f.yaml:5:3: spec.defaultErrnoRet: not a member of the SeccompProfile spec (expected one of architectures, baseProfileName, defaultAction, flags, listenerMetadata, listenerPath, state, syscalls)")
        #expect(error("# nothing\n") == "f.yaml: holds no YAML document (expected a SeccompProfile object)")
    }

    @Test("spec.syscalls entries converted as they are parsed give what a flow sequence (kept whole) gives, and the first bad entry's error")
    func streamedEntries() throws {
        let target = OCITarget(arch: .x86_64, capabilities: [], kernel: KernelVersion(kernel: 6, major: 18))
        let head = "apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n"
        func read(_ yaml: String) throws -> [OCIImport] {
            try SeccompProfileObject.read(Array(yaml.utf8), source: "f.yaml", target: target)
        }
        func error(_ yaml: String) -> String {
            do { _ = try read(yaml); return "no error" } catch { return "\(error)" }
        }
        let block = try read(head + "  syscalls:\n  - names: [read, write]\n    action: SCMP_ACT_ALLOW\n  - names:\n    - openat\n"
                             + "    action: SCMP_ACT_ALLOW\n    args:\n    - index: 1\n      value: 0\n      op: SCMP_CMP_EQ\n")
        let flow = try read(head + "  syscalls: [{names: [read, write], action: SCMP_ACT_ALLOW}, "
                            + "{names: [openat], action: SCMP_ACT_ALLOW, args: [{index: 1, value: 0, op: SCMP_CMP_EQ}]}]\n")
        #expect(block.map(\.policy) == flow.map(\.policy))
        #expect(block.first?.policy.rules.count == 3)
        #expect(error(head + "  syscalls:\n  - names: [read]\n    action: SCMP_ACT_ALLOW\n  - names: [nosuchcall]\n    action: SCMP_ACT_ALLOW\n"
                      + "  - names: [write]\n    action: SCMP_ACT_BOGUS\n").hasPrefix("f.yaml:11:13: spec.syscalls[2].action: unknown action \"SCMP_ACT_BOGUS\""))
        #expect(error(head + "  syscalls:\n  - names: [read]\n    action: SCMP_ACT_ALLOW\n  - names:\n    - nosuchcall\n    action: SCMP_ACT_ALLOW\n")
            == "f.yaml:9:7: spec.syscalls[1].names[0]: unknown syscall \"nosuchcall\"")
        // The kind is checked before the entries, which were read first.
        #expect(error("apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: Pod\nspec:\n  syscalls:\n  - names: [x]\n")
            == "f.yaml:2:7: kind: expected SeccompProfile")
    }
}

extension JSONNode {
    subscript(key: String) -> JSONNode? {
        guard case .object(let members) = value else { return nil }
        return members.first { $0.key == key }?.value
    }

    var int: Int? {
        guard case .number(let n) = value else { return nil }
        return Int(n.text)
    }
}
