/// Turns parsed JSON into an `OCIRawProfile`, checking every field's type and range and naming
/// the field path and position of the first problem.
struct OCIDecoder {
    let source: String
    var warnings: [OCIWarning] = []

    init(source: String) { self.source = source }

    static let profileKeys = ["defaultAction", "defaultErrnoRet", "architectures", "archMap", "syscalls", "flags",
                              "listenerPath", "listenerMetadata"]
    static let entryKeys = ["names", "name", "action", "errnoRet", "args", "comment", "includes", "excludes"]
    static let argKeys = ["index", "value", "valueTwo", "op"]
    static let filterKeys = ["caps", "arches", "minKernel"]
    static let archMapKeys = ["architecture", "subArchitectures"]

    // MARK: - The profile

    /// The profile in `root`. With `streamed`, the `syscalls` entries were decoded while the file
    /// was parsed (`root` holds an empty array there): its first error is thrown and its warnings
    /// kept at the point the entries would have been decoded, so that errors and warnings come in
    /// the same order either way, and the result's `syscalls` is empty.
    mutating func profile(_ root: JSONNode, streamed: OCIEntryStream? = nil) throws -> OCIRawProfile {
        let m = try members(root, "", known: Self.profileKeys, what: "a JSON object (a seccomp profile)")
        guard let actionNode = m["defaultAction"] else {
            throw error(root, "defaultAction", "expected a default action such as \"SCMP_ACT_ERRNO\", but the key is missing")
        }
        let defaultAction = try action(actionNode, "defaultAction")
        var defaultErrnoRet: UInt16?
        if let node = m["defaultErrnoRet"], node.value != .null {
            defaultErrnoRet = try data(node, "defaultErrnoRet", for: defaultAction.value)
        }
        let architectures = try arrayOrNull(m["architectures"], "architectures").enumerated().map { i, node in
            try architecture(node, "architectures[\(i)]")
        }
        var archMap: [OCIArchMapEntry] = []
        for (i, node) in try arrayOrNull(m["archMap"], "archMap").enumerated() {
            archMap.append(try archMapEntry(node, "archMap[\(i)]"))
        }
        if !architectures.isEmpty, !archMap.isEmpty, let node = m["archMap"] {
            throw error(node, "archMap", "expected either 'architectures' or 'archMap', not both (as docker requires)")
        }
        var syscalls: [OCIRawSyscall] = []
        for (i, node) in try arrayOrNull(m["syscalls"], "syscalls").enumerated() {
            syscalls.append(try syscall(node, entry: i))
        }
        if let streamed {
            if let failure = streamed.failure { throw failure }
            warnings += streamed.decoder.warnings
        }
        var flags: [FilterFlag] = []
        for (i, node) in try arrayOrNull(m["flags"], "flags").enumerated() {
            let field = "flags[\(i)]"
            let name = try string(node, field)
            guard let flag = FilterFlag(rawValue: name) else {
                throw error(node, field, "unknown flag \"\(name)\"; expected one of "
                            + FilterFlag.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if !flags.contains(flag) { flags.append(flag) }
        }
        let listenerPath = try optionalString(m["listenerPath"], "listenerPath")
        let listenerMetadata = try optionalString(m["listenerMetadata"], "listenerMetadata")
        return OCIRawProfile(
            source: source, defaultAction: defaultAction, defaultErrnoRet: defaultErrnoRet,
            architectures: architectures, archMap: archMap, syscalls: syscalls, flags: flags,
            listenerPath: listenerPath, listenerMetadata: listenerMetadata, warnings: warnings)
    }

    /// Entry `entry` of `syscalls`.
    mutating func syscall(_ node: JSONNode, entry: Int) throws -> OCIRawSyscall {
        let field = "syscalls[\(entry)]"
        let m = try members(node, field, known: Self.entryKeys, what: "an object (a syscall entry)")
        var list = OCINameList()
        for (i, n) in try arrayOrNull(m["names"], "\(field).names").enumerated() {
            list.append(try syscallName(n, .syscallName(entry: entry, name: i)))
        }
        var names = list.names
        if let n = m["name"], n.value != .null {
            let single = try syscallName(n, .syscallName(entry: entry, name: nil))
            if !names.isEmpty {
                throw error(n, "\(field).name", "expected either 'name' or 'names', not both (as docker requires)")
            }
            names = [single]
        }
        if names.isEmpty {
            warn(node, field, "the entry names no syscall and does nothing")
        }
        guard let actionNode = m["action"] else {
            throw error(node, "\(field).action", "expected an action such as \"SCMP_ACT_ALLOW\", but the key is missing")
        }
        let action = try self.action(actionNode, "\(field).action")
        var errnoRet: UInt16?
        if let n = m["errnoRet"], n.value != .null {
            errnoRet = try data(n, "\(field).errnoRet", for: action.value)
        }
        var args: [OCIRawArg] = []
        for (i, n) in try arrayOrNull(m["args"], "\(field).args").enumerated() {
            args.append(try arg(n, entry: entry, arg: i))
        }
        return OCIRawSyscall(
            names: names, action: action, errnoRet: errnoRet, args: args,
            comment: try optionalString(m["comment"], "\(field).comment"),
            includes: try filter(m["includes"], "\(field).includes"),
            excludes: try filter(m["excludes"], "\(field).excludes"),
            field: field, position: node.position)
    }

    private func syscallName(_ node: JSONNode, _ path: OCIFieldPath) throws -> OCILocated<String> {
        guard case .string(let name) = node.value, !name.isEmpty else {
            let field = path.description
            _ = try string(node, field)
            throw error(node, field, "expected a syscall name, found an empty string")
        }
        return OCILocated(name, path: path, position: node.position)
    }

    /// Test `arg` of entry `entry`.
    private mutating func arg(_ node: JSONNode, entry: Int, arg: Int) throws -> OCIRawArg {
        let field = OCIFieldPath.syscallArg(entry: entry, arg: arg).description
        let m = try members(node, field, known: Self.argKeys, what: "an object (an argument test)")
        guard let indexNode = m["index"] else {
            throw error(node, "\(field).index", "expected an argument index 0...5, but the key is missing")
        }
        let index = try unsigned(indexNode, "\(field).index")
        guard index <= 5 else {
            throw error(indexNode, "\(field).index", "expected an argument index 0...5 (a syscall has six arguments), found \(index)")
        }
        let value = try m["value"].map { try unsigned($0, "\(field).value") } ?? 0
        let valueTwo = try m["valueTwo"].map { try unsigned($0, "\(field).valueTwo") } ?? 0
        guard let opNode = m["op"] else {
            throw error(node, "\(field).op", "expected an operator such as \"SCMP_CMP_EQ\", but the key is missing")
        }
        let opName = try string(opNode, "\(field).op")
        guard let op = CompareOp(rawValue: opName) else {
            throw error(opNode, "\(field).op", "unknown operator \"\(opName)\"; expected one of \(CompareOp.expectedList)")
        }
        return OCIRawArg(index: Int(index), value: value, valueTwo: valueTwo, op: op, entry: entry, arg: arg, position: node.position)
    }

    private mutating func filter(_ node: JSONNode?, _ field: @autoclosure () -> String) throws -> OCIRawFilter {
        guard let node, node.value != .null else { return OCIRawFilter() }
        let field = field()
        let m = try members(node, field, known: Self.filterKeys, what: "an object (a condition)")
        var f = OCIRawFilter()
        f.caps = try arrayOrNull(m["caps"], "\(field).caps").enumerated().map { i, n in
            try string(n, "\(field).caps[\(i)]")
        }
        f.arches = try arrayOrNull(m["arches"], "\(field).arches").enumerated().map { i, n in
            try string(n, "\(field).arches[\(i)]")
        }
        if let n = m["minKernel"], n.value != .null {
            let text = try string(n, "\(field).minKernel")
            if !text.isEmpty {
                guard let version = KernelVersion(release: text) else {
                    throw error(n, "\(field).minKernel", "expected a kernel version such as \"4.8\", found \"\(text)\"")
                }
                f.minKernel = OCILocated(version, field: "\(field).minKernel", position: n.position)
            }
        }
        return f
    }

    private mutating func archMapEntry(_ node: JSONNode, _ field: String) throws -> OCIArchMapEntry {
        let m = try members(node, field, known: Self.archMapKeys, what: "an object (an archMap entry)")
        guard let archNode = m["architecture"] else {
            throw error(node, "\(field).architecture", "expected an architecture such as \"SCMP_ARCH_X86_64\", but the key is missing")
        }
        let arch = try architecture(archNode, "\(field).architecture")
        let subs = try arrayOrNull(m["subArchitectures"], "\(field).subArchitectures").enumerated().map { i, n in
            try architecture(n, "\(field).subArchitectures[\(i)]").value
        }
        return OCIArchMapEntry(architecture: arch.value, subArchitectures: subs)
    }

    private func architecture(_ node: JSONNode, _ field: String) throws -> OCILocated<String> {
        let name = try string(node, field)
        guard OCIRawProfile.knownArchitectures.contains(name) else {
            let near = closestMatches(to: name, in: OCIRawProfile.knownArchitectures.sorted())
            throw error(node, field, "unknown architecture \"\(name)\"; expected a name such as "
                        + (near.isEmpty ? ["SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"] : near).map { "\"\($0)\"" }.joined(separator: ", "))
        }
        return OCILocated(name, field: field, position: node.position)
    }

    private func action(_ node: JSONNode, _ field: String) throws -> OCILocated<OCIAction> {
        let name = try string(node, field)
        guard let action = OCIAction(rawValue: name) else {
            throw error(node, field, "unknown action \"\(name)\"; expected one of \(OCIAction.expectedList)")
        }
        return OCILocated(action, field: field, position: node.position)
    }

    /// `errnoRet` / `defaultErrnoRet`: the errno (0...4095) or trace data (0...65535); warns when
    /// the action takes none, as runc then ignores it.
    private mutating func data(_ node: JSONNode, _ field: @autoclosure () -> String, for action: OCIAction) throws -> UInt16? {
        let v = try unsigned(node, field())
        guard action.takesData else {
            warn(node, field(), "ignored: \(action.rawValue) takes no errno (runc ignores it too)")
            return nil
        }
        guard v <= action.maxData else {
            throw error(node, field(), action == .trace
                        ? "expected trace data 0...65535, found \(v)"
                        : "expected an errno value 0...4095, found \(v)")
        }
        return UInt16(v)
    }

    // MARK: - Typed access

    // Field paths are `@autoclosure`s: built only for a message (a large file has millions).

    /// The members of an object that are among `known`; the others are warned of and ignored.
    private mutating func members(_ node: JSONNode, _ field: @autoclosure () -> String, known: [String],
                                  what: String) throws -> OCIMembers {
        guard case .object(let list) = node.value else {
            throw error(node, field(), "expected \(what), found \(node.value.kindDescription)")
        }
        for member in list where !known.contains(member.key) {
            let f = field()
            let path = f.isEmpty ? member.key : "\(f).\(member.key)"
            let near = closestMatches(to: member.key, in: known.sorted(), limit: 1)
            warn(at: member.keyPosition, path, "unknown key ignored" + (near.first.map { " (did you mean \"\($0)\"?)" } ?? ""))
        }
        return OCIMembers(list: list)
    }

    private func arrayOrNull(_ node: JSONNode?, _ field: @autoclosure () -> String) throws -> [JSONNode] {
        guard let node else { return [] }
        switch node.value {
        case .null: return []
        case .array(let elements): return elements
        default: throw error(node, field(), "expected an array, found \(node.value.kindDescription)")
        }
    }

    private func string(_ node: JSONNode, _ field: @autoclosure () -> String) throws -> String {
        guard case .string(let s) = node.value else {
            throw error(node, field(), "expected a string, found \(node.value.kindDescription)")
        }
        return s
    }

    private func optionalString(_ node: JSONNode?, _ field: @autoclosure () -> String) throws -> String? {
        guard let node, node.value != .null else { return nil }
        return try string(node, field())
    }

    private func unsigned(_ node: JSONNode, _ field: @autoclosure () -> String) throws -> UInt64 {
        guard case .number(let n) = node.value else {
            throw error(node, field(), "expected an unsigned integer, found \(node.value.kindDescription)")
        }
        if let v = n.uint64 { return v }
        if n.isNegative { throw error(node, field(), "expected an unsigned integer, found the negative number \(n.text)") }
        if !n.isInteger { throw error(node, field(), "expected an unsigned integer, found \(n.text)") }
        throw error(node, field(), "expected an unsigned integer no larger than \(UInt64.max), found \(n.text)")
    }

    // MARK: - Reports

    func error(_ node: JSONNode, _ field: String, _ message: String) -> OCIProfileError {
        OCIProfileError(source: source, position: node.position, field: field, message: message)
    }

    private mutating func warn(_ node: JSONNode, _ field: String, _ message: String) {
        warn(at: node.position, field, message)
    }

    private mutating func warn(at position: SourcePosition, _ field: String, _ message: String) {
        warnings.append(OCIWarning(source: source, position: position, field: field, message: message))
    }
}

/// The members of one JSON object, looked up by key in file order: objects of a profile have a
/// handful of members (and the parser refuses repeated keys), so no dictionary is built for each.
struct OCIMembers {
    let list: [JSONMember]

    subscript(key: String) -> JSONNode? { list.first { $0.key == key }?.value }
}
