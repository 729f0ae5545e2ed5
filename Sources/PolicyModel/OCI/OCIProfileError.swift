/// Why an OCI seccomp profile could not be read (or, as `OCIWarning`, what was changed or dropped
/// on reading it): the file, the place, the field and what was expected there. `description` is
/// one line: `file:line:column: field: what was expected`.
public struct OCIProfileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file name (or another name for the input) given to the reader.
    public var source: String
    public var position: SourcePosition?
    /// The field path, e.g. `syscalls[3].args[0].value`; empty for the file as a whole.
    public var field: String
    public var message: String

    public init(source: String, position: SourcePosition?, field: String, message: String) {
        self.source = source
        self.position = position
        self.field = field
        self.message = message
    }

    public var description: String {
        var s = source
        if let p = position { s += ":\(p.line):\(p.column)" }
        s += ": "
        if !field.isEmpty { s += "\(field): " }
        return (s + message).printableForMessage()
    }
}

/// Something in a profile that was read but changed or dropped, with where it is and why: the
/// same place and message as an error, printed the same way.
public typealias OCIWarning = OCIProfileError
