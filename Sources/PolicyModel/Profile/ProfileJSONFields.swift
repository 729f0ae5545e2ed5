/// The members of one object of a parsed profile, read by type; every error names the field
/// path (`syscalls[3].args[1].total`) and what was expected there. Unknown members are ignored
/// (a later version may add some).
struct ProfileJSONFields {
    let path: String
    /// Looked up by a linear search: a profile's objects have a dozen members at most (a
    /// hostile one with more costs a dozen passes, still linear in the file).
    private let members: [JSONMember]

    init(_ node: JSONNode, path: String) throws(ProfileError) {
        guard case .object(let list) = node.value else {
            throw .invalid(field: path, expected: "an object" + Self.notNull(node))
        }
        self.path = path
        self.members = list
    }

    private func member(_ key: String) -> JSONNode? { members.first { $0.key == key }?.value }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The member `key`: missing or null is an error.
    func required<T>(_ key: String, _ read: (JSONNode, String) throws(ProfileError) -> T) throws(ProfileError) -> T {
        guard let node = member(key) else { throw .invalid(field: field(key), expected: "a value, but it is missing") }
        return try read(node, field(key))
    }

    /// The member `key`, nil when it is missing or null.
    func optional<T>(_ key: String, _ read: (JSONNode, String) throws(ProfileError) -> T) throws(ProfileError) -> T? {
        guard let node = member(key), node.value != .null else { return nil }
        return try read(node, field(key))
    }

    private static func notNull(_ node: JSONNode) -> String { node.value == .null ? ", not null" : "" }

    // MARK: values

    static func string(_ node: JSONNode, _ path: String) throws(ProfileError) -> String {
        guard case .string(let s) = node.value else { throw .invalid(field: path, expected: "a string" + notNull(node)) }
        return s
    }

    static func bool(_ node: JSONNode, _ path: String) throws(ProfileError) -> Bool {
        guard case .bool(let b) = node.value else { throw .invalid(field: path, expected: "true or false" + notNull(node)) }
        return b
    }

    static func double(_ node: JSONNode, _ path: String) throws(ProfileError) -> Double {
        guard case .number(let n) = node.value, let d = Double(n.text), d.isFinite else {
            throw .invalid(field: path, expected: "a number" + notNull(node))
        }
        return d
    }

    private static func integer<T: FixedWidthInteger>(_ node: JSONNode, _ path: String) throws(ProfileError) -> T {
        guard case .number(let n) = node.value, n.isInteger, let v = T(n.text) else {
            throw .invalid(field: path, expected: "an integer" + notNull(node))
        }
        return v
    }

    static func int(_ node: JSONNode, _ path: String) throws(ProfileError) -> Int { try integer(node, path) }
    static func int32(_ node: JSONNode, _ path: String) throws(ProfileError) -> Int32 { try integer(node, path) }
    static func uint64(_ node: JSONNode, _ path: String) throws(ProfileError) -> UInt64 { try integer(node, path) }

    /// A 64-bit value written as a hex string (`"0x1f"`).
    static func hex(_ node: JSONNode, _ path: String) throws(ProfileError) -> HexValue {
        let s = try string(node, path)
        let digits = s.hasPrefix("0x") ? s.dropFirst(2) : Substring("")
        guard !digits.isEmpty, digits.count <= 16, let v = UInt64(digits, radix: 16) else {
            throw .invalid(field: path, expected: "a hex number like \"0x1f\", not \"\(s)\"")
        }
        return HexValue(v)
    }

    static func array<T>(_ node: JSONNode, _ path: String,
                         _ element: (JSONNode, String) throws(ProfileError) -> T) throws(ProfileError) -> [T] {
        guard case .array(let items) = node.value else { throw .invalid(field: path, expected: "an array" + notNull(node)) }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() { out.append(try element(item, "\(path)[\(i)]")) }
        return out
    }

    /// An object whose every member is an array of strings (`{"x86_64": ["read", "close"]}`).
    static func stringArrays(_ node: JSONNode, _ path: String) throws(ProfileError) -> [String: [String]] {
        guard case .object(let members) = node.value else { throw .invalid(field: path, expected: "an object" + notNull(node)) }
        var out: [String: [String]] = [:]
        for m in members {
            let p = "\(path).\(m.key)"
            guard out[m.key] == nil else { throw .invalid(field: p, expected: "one member of this name, not two") }
            out[m.key] = try array(m.value, p, string)
        }
        return out
    }

    /// `array` of objects, each read by `make` from its fields.
    static func objects<T>(_ node: JSONNode, _ path: String,
                           _ make: (ProfileJSONFields) throws(ProfileError) -> T) throws(ProfileError) -> [T] {
        try array(node, path) { (item, p) throws(ProfileError) in try make(try ProfileJSONFields(item, path: p)) }
    }

    static func object<T>(_ make: @escaping (ProfileJSONFields) throws(ProfileError) -> T)
        -> (JSONNode, String) throws(ProfileError) -> T {
        { (node, p) throws(ProfileError) in try make(try ProfileJSONFields(node, path: p)) }
    }
}
