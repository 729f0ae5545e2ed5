/// The entries of an OCI profile's `syscalls` array, decoded one at a time while the file is
/// parsed (`JSONParser.parse(_:streaming:element:)`), so that no tree of the whole file is built.
/// Stops decoding at the first bad entry and keeps its error for `OCIDecoder.profile(_:streamed:)`,
/// which throws it only after the fields a whole-tree decoding checks first.
struct OCIEntryStream {
    /// Decodes the entries; holds their warnings.
    var decoder: OCIDecoder
    /// The first entry's error, if any.
    private(set) var failure: Error?
    private var count = 0

    init(source: String) { decoder = OCIDecoder(source: source) }

    /// The element of `syscalls` at the parser's place, decoded: from its tokens when it is
    /// plainly an entry (`OCIEntryTokens`), else from its tree by `next(_:)`. Nil once an entry
    /// has failed.
    mutating func read(_ parser: inout JSONParser) throws -> OCIRawSyscall? {
        if failure == nil {
            let start = parser.cursor.mark
            if let entry = OCIEntryTokens.read(&parser.cursor, entry: count, depth: parser.depth,
                                               maxDepth: parser.limits.maxDepth) {
                count += 1
                return entry
            }
            parser.cursor.reset(to: start)
        }
        return next(try parser.value())
    }

    /// The next element of `syscalls` decoded by `read` (given its entry index) without a tree,
    /// as `read(_:)` does from tokens; nil when `read` refuses it (the caller then gives its tree
    /// to `next(_:)`) or once an entry has failed. `read` must give what `OCIDecoder.syscall`
    /// makes of the element's tree, without a warning, or nil.
    mutating func next<T>(by read: (Int) -> (OCIRawSyscall, T)?) -> (OCIRawSyscall, T)? {
        guard failure == nil, let taken = read(count) else { return nil }
        count += 1
        return taken
    }

    /// The next element of `syscalls` decoded, or nil once an entry has failed.
    mutating func next(_ node: JSONNode) -> OCIRawSyscall? {
        guard failure == nil else { return nil }
        defer { count += 1 }
        do {
            return try decoder.syscall(node, entry: count)
        } catch {
            failure = error
            return nil
        }
    }
}
