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
        var entries: [OCIRawSyscall] = []
        var raw = try parse(bytes, source: source, limits: limits) { entries.append($0) }
        raw.syscalls = entries
        return raw
    }

    /// Reads a profile and converts it to the policy a runtime would enforce on `target`.
    /// Throws `OCIProfileError` for any problem in the input.
    ///
    /// Each `syscalls` entry is decoded and converted as soon as it is parsed: memory holds the
    /// rules, not a tree of the file nor its entries.
    public static func read(_ bytes: [UInt8], source: String, target: OCITarget,
                            options: ReadOptions = ReadOptions(), table: SyscallTable = .shared) throws -> OCIImport {
        var collector = OCIRuleCollector(source: source, lenient: options.lenient, table: table)
        let raw = try parse(bytes, source: source, limits: options.limits) { entry in
            if entry.applies(to: target) { collector.add(entry) }
        }
        return try raw.resolved(for: target).policy(collected: collector)
    }

    /// The profile without its entries, which go to `entry` one at a time, in file order, as
    /// they are parsed and decoded (up to the first bad one, whose error is thrown here after
    /// the checks of the fields before `syscalls`, as a decoding of the whole tree would).
    private static func parse(_ bytes: [UInt8], source: String, limits: JSONParser.Limits,
                              entry: (OCIRawSyscall) -> Void) throws -> OCIRawProfile {
        var stream = OCIEntryStream(source: source)
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes, limits: limits, streaming: "syscalls", read: { parser in
                if let decoded = try stream.read(&parser) { entry(decoded) }
            })
        } catch let e as JSONSyntaxError {
            throw OCIProfileError(source: source, position: e.position, field: "", message: e.message)
        }
        var decoder = OCIDecoder(source: source)
        return try decoder.profile(root, streamed: stream)
    }
}
