/// Reading OCI seccomp profiles (the JSON docker, podman, runc and crun take) into policies.
public enum OCIProfile {
    /// How a profile is read.
    public struct ReadOptions: Sendable {
        /// Skip unknown syscall names with a warning instead of failing.
        public var lenient: Bool
        public var limits: JSONParser.Limits

        public init(lenient: Bool = false, limits: JSONParser.Limits = .standard) {
            self.lenient = lenient
            self.limits = limits
        }
    }

    /// Parses and checks a profile without resolving it. `source` names the input in errors.
    public static func parse(_ bytes: [UInt8], source: String, limits: JSONParser.Limits = .standard) throws -> OCIRawProfile {
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes, limits: limits)
        } catch let e as JSONSyntaxError {
            throw OCIProfileError(source: source, position: e.position, field: "", message: e.message)
        }
        var decoder = OCIDecoder(source: source)
        return try decoder.profile(root)
    }

    /// Reads a profile and converts it to the policy a runtime would enforce on `target`.
    /// Throws `OCIProfileError` for any problem in the input.
    public static func read(_ bytes: [UInt8], source: String, target: OCITarget,
                            options: ReadOptions = ReadOptions(), table: SyscallTable = .shared) throws -> OCIImport {
        try parse(bytes, source: source, limits: options.limits)
            .resolved(for: target)
            .policy(lenient: options.lenient, table: table)
    }
}
