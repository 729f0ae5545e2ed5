/// The syscall names a text policy may give a rule (those of the table and those it knows only on
/// other architectures), looked up by their UTF-8 bytes: a rule line costs no `String`, and a
/// rule keeps the table's own name.
struct TextPolicySyscallNames {
    struct Entry {
        /// The table's own string.
        let name: String
        /// The index of its definition in `SyscallTable.definitions`; nil for a name known only
        /// on architectures the table does not cover.
        let definition: Int?
        /// How many arguments the definition has, and which are 64 bits wide (bit `i` for
        /// argument `i`): what most conditions need of it, without a copy of its arguments.
        let argumentCount: Int
        private let wide: UInt8

        init(name: String, definition: Int?, arguments: [SyscallArgument] = []) {
            self.name = name
            self.definition = definition
            argumentCount = arguments.count
            var wide: UInt8 = 0
            for (i, a) in arguments.enumerated() where a.width == .bits64 { wide |= 1 << i }
            self.wide = wide
        }

        /// The width of argument `index` (< `argumentCount`).
        func width(of index: Int) -> ArgWidth { wide >> index & 1 == 1 ? .bits64 : .bits32 }
    }

    private(set) var entries: [Entry] = []
    /// Every name's bytes, one after the other: entry `k`'s are `offsets[k]..<offsets[k + 1]`.
    private var bytes: [UInt8] = []
    private var offsets: [Int] = [0]
    /// Open addressing: an entry's index, or -1 for an empty slot.
    private var slots: [Int32]
    private let mask: Int

    init(table: SyscallTable) {
        let count = table.definitions.count + table.otherArchitectureNames.count
        var capacity = 16
        while capacity < 2 * count { capacity *= 2 }
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for (i, d) in table.definitions.enumerated() {
            insert(Entry(name: d.name, definition: i, arguments: d.arguments))
        }
        for name in table.otherArchitectureNames.sorted() { insert(Entry(name: name, definition: nil)) }
    }

    private mutating func insert(_ entry: Entry) {
        let utf8 = Array(entry.name.utf8)
        var slot = utf8.withUnsafeBufferPointer { Self.hash($0[...]) } & mask
        while slots[slot] >= 0 {
            if entryBytesEqual(Int(slots[slot]), utf8) { return }  // the first one wins, as in the table
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(entries.count)
        entries.append(entry)
        bytes += utf8
        offsets.append(bytes.count)
    }

    private func entryBytesEqual(_ k: Int, _ other: some Collection<UInt8>) -> Bool {
        let start = offsets[k], end = offsets[k + 1]
        guard end - start == other.count else { return false }
        var i = start
        for b in other {
            if bytes[i] != b { return false }
            i += 1
        }
        return true
    }

    /// FNV-1a.
    private static func hash(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The entry named by the bytes of `range`.
    func find(_ source: TextPolicySource, _ range: Range<Int>) -> Int? {
        find(source.bytes[range])
    }

    /// The entry named `name`, or one for a name the table does not know.
    func entry(named name: String) -> Entry {
        find(name).map { entries[$0] } ?? Entry(name: name, definition: nil)
    }

    /// The entry named `name`.
    func find(_ name: String) -> Int? {
        var name = name
        return name.withUTF8 { find($0[...]) }
    }

    private func find(_ key: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        var slot = Self.hash(key) & mask
        while true {
            let k = Int(slots[slot])
            if k < 0 { return nil }
            if entryBytesEqual(k, key) { return k }
            slot = (slot + 1) & mask
        }
    }
}
