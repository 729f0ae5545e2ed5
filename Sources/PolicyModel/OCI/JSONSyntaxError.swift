/// Malformed JSON: where, and what was expected there.
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nil when the problem is the input as a whole (too large).
    public var position: SourcePosition?
    public var message: String

    public init(position: SourcePosition?, message: String) {
        self.position = position
        self.message = message
    }

    public var description: String {
        (position.map { "\($0): \(message)" } ?? message).printableForMessage()
    }
}
