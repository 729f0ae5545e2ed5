/// The keys of a JSON document's top-level object, found in one pass without building the
/// document: for telling kinds of file apart (a profile has "version" and "metadata", an OCI
/// policy "defaultAction") in files that may be too large to parse whole cheaply. Not a
/// validator: the reader that takes the file checks it. Keys are the text between their quotes,
/// escapes left as written.
public enum JSONTopLevelKeys {
    /// The top-level keys in order, or nil when the document does not start with an object
    /// (after an optional UTF-8 byte order mark and whitespace) or ends inside it.
    public static func of(_ bytes: [UInt8]) -> [String]? {
        var i = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        while i < bytes.count, [9, 10, 13, 32].contains(bytes[i]) { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        var keys: [String] = []
        var depth = 0
        var expectKey = false
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\""):
                let start = i + 1
                var j = start
                while j < bytes.count, bytes[j] != UInt8(ascii: "\"") {
                    j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard j < bytes.count else { return nil }
                if depth == 1 && expectKey {
                    keys.append(String(decoding: bytes[start..<j], as: UTF8.self))
                    expectKey = false
                }
                i = j
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth == 1 { expectKey = true }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return keys }
            case UInt8(ascii: ","):
                if depth == 1 { expectKey = true }
            default:
                break
            }
            i += 1
        }
        return nil
    }
}
