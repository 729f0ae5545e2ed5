/// The `names` of one syscall entry as they are read, each kept once: a name the entry already
/// has adds nothing (its rules would repeat the first one's, and an unknown name is reported at
/// its first place), so a list of millions of names, which must repeat (a few hundred exist),
/// costs what its distinct names cost. Every reader of entries (JSON tokens and tree, YAML lines)
/// reads names through this, so they decode the same entry alike.
struct OCINameList {
    private(set) var names: [OCILocated<String>] = []
    /// How many names were read, repeats included: the index of the next in the file's list.
    private(set) var read = 0
    /// The names kept, once there are more than a few (a short list is searched as it is).
    private var index: Set<String> = []
    private static let searchedUpTo = 16

    /// Takes the name read next, unless the entry already has it.
    mutating func append(_ name: OCILocated<String>) {
        read += 1
        if names.count < Self.searchedUpTo {
            guard !names.contains(where: { $0.value == name.value }) else { return }
        } else {
            if index.isEmpty { index = Set(names.map(\.value)) }
            guard index.insert(name.value).inserted else { return }
        }
        names.append(name)
    }
}
