import ArgumentParser

/// Thrown by commands whose implementation has not landed yet. Every use is temporary.
struct NotYetBuilt: Error, CustomStringConvertible {
    var command: String
    var description: String { "'\(command)' is not built yet" }
}
