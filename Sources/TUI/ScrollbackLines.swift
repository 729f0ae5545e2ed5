/// The lines that scrolled off the top of the program's main screen: the last `limit` of them,
/// oldest first, in a ring (adding a line costs the same however full it is).
struct ScrollbackLines: Hashable, Sendable {
    let limit: Int
    private var storage: [[TerminalCell]] = []
    /// Index in `storage` of the oldest line, once the ring is full.
    private var head = 0
    /// Lines dropped from the top to stay within `limit`.
    private(set) var dropped = 0

    init(limit: Int) { self.limit = max(1, limit) }

    var count: Int { storage.count }

    subscript(i: Int) -> [TerminalCell] { storage[(head + i) % storage.count] }

    /// Adds a line at the end, without its trailing default blanks.
    mutating func append(_ line: [TerminalCell]) {
        let end = (line.lastIndex { !$0.isBlank } ?? -1) + 1
        let line = end == line.count ? line : Array(line[..<end])
        if storage.count < limit {
            storage.append(line)
        } else {
            storage[head] = line
            head = (head + 1) % limit
            dropped += 1
        }
    }

    mutating func removeAll() {
        storage = []
        head = 0
    }
}
