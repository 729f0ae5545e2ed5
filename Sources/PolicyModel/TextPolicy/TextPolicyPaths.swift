/// File name arithmetic for `@include`, on plain strings (PolicyModel touches no file system).
enum TextPolicyPaths {
    /// `name` relative to the directory of `includer`, unless it is absolute; `.` and `..` folded.
    static func resolve(_ name: String, relativeTo includer: String) -> String {
        if name.hasPrefix("/") { return normalize(name) }
        guard let slash = includer.lastIndex(of: "/") else { return normalize(name) }
        return normalize(String(includer[...slash]) + name)
    }

    /// Folds `.`, `..` and repeated slashes so that one file has one name (for cycle detection).
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for p in path.split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if p == "..", absolute {
                continue
            } else {
                parts.append(p)
            }
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
