/// Why a profile could not be read or combined.
public enum ProfileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file declares a format version this program does not know.
    case unsupportedVersion(Int)
    /// A field is missing or holds something else than expected.
    case invalid(field: String, expected: String)
    /// The bytes are not JSON at all.
    case notJSON(String)
    /// The JSON is malformed (or nested too deeply) at a line and column.
    case syntax(JSONSyntaxError)

    public var description: String { text.printableForMessage() }

    private var text: String {
        switch self {
        case .unsupportedVersion(let v):
            return "unsupported profile version \(v) (this program reads version \(Profile.formatVersion))"
        case .invalid(let field, let expected):
            return "field \"\(field)\": expected \(expected)"
        case .notJSON(let why):
            return "not a JSON profile: \(why)"
        case .syntax(let e):
            return e.description
        }
    }

    /// The same error with `prefix` prepended to the field path (`syscalls[3].args[1]`).
    func within(_ prefix: String) -> ProfileError {
        guard case .invalid(let f, let e) = self else { return self }
        return .invalid(field: f.isEmpty ? prefix : "\(prefix).\(f)", expected: e)
    }
}
