/// Checks every number of a profile file against the type its field has, so that a negative
/// count or a value beyond 64 bits is reported by field, line and column (JSONDecoder only
/// says "The given data was not valid JSON" for those).
enum ProfileNumbers {
    private static let fractional: Set<String> = ["startTime", "endTime", "firstSeenTime"]
    private static let int32: Set<String> = ["attachedPid", "pids", "exitCode", "exitSignal", "errno", "number"]
    private static let int: Set<String> = ["version", "firstSeen", "traces", "capacity", "index",
                                           "valuesPerArgument", "distinctCalls", "pathSamples"]

    /// The first number of `node` (reached through member `key`, at `path`) that does not fit
    /// its field, as an error naming the field path and position, and that position.
    static func firstInvalid(_ node: JSONNode, key: String, path: String) -> (SourcePosition, ProfileError)? {
        do throws(Invalid) {
            try visit(node, key: key, path: path)
            return nil
        } catch {
            return (error.position, error.error)
        }
    }

    private struct Invalid: Error {
        var position: SourcePosition
        var error: ProfileError
    }

    private static func visit(_ node: JSONNode, key: String, path: String) throws(Invalid) {
        switch node.value {
        case .object(let members):
            for m in members { try visit(m.value, key: m.key, path: path.isEmpty ? m.key : "\(path).\(m.key)") }
        case .array(let items):
            for (i, item) in items.enumerated() { try visit(item, key: key, path: "\(path)[\(i)]") }
        case .number(let n):
            let expected: String?
            if fractional.contains(key) {
                expected = Double(n.text).map { $0.isFinite } == true ? nil : "a finite number"
            } else if int32.contains(key) {
                expected = n.isInteger && Int32(n.text) != nil ? nil : "an integer from \(Int32.min) to \(Int32.max)"
            } else if int.contains(key) || (key == "pids" && path.hasPrefix("limits")) {
                expected = n.isInteger && Int(n.text) != nil ? nil : "an integer from \(Int.min) to \(Int.max)"
            } else {
                expected = n.uint64 != nil ? nil : "a count: an integer from 0 to \(UInt64.max)"
            }
            if let expected {
                throw Invalid(position: node.position, error: .invalid(
                    field: path, expected: "\(expected) (line \(node.position.line), column \(node.position.column)), not \(n.text)"))
            }
        default:
            return
        }
    }
}
