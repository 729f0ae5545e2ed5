/// One `syscalls` entry of a profile read straight from its JSON tokens, without a tree: the
/// fast way through the hundreds of thousands of histogram values and calls a large profile
/// holds. It reads only entries as this program writes them (any order of members, any white
/// space) and refuses, at the first thing that is not plainly such an entry, anything else: an
/// escape in a string, an unknown or repeated key, a member missing or of another type, a number
/// that does not fit its field or is not an integer where one belongs, a syntax error, nesting
/// near the depth limit. The caller then reads the entry again as a tree
/// (`ProfileEntryStream`), which says exactly what is wrong, or reads what this refused.
///
/// So an entry read here is one that `ProfileFileV1.Syscall(_:)` decodes from the tree to the
/// same value, and in which `ProfileNumbers` finds no number out of range.
enum ProfileEntryTokens {
    /// The entry at `cursor`, passed over; nil, the cursor left anywhere inside it, when it is
    /// refused. `depth` is how many arrays and objects enclose it, `maxDepth` the parser's limit.
    static func read(_ cursor: inout JSONCursor, depth: Int, maxDepth: Int) -> ProfileFileV1.Syscall? {
        // The deepest value of an entry is an object five levels down (`args[i].values[j]`).
        guard depth + 5 <= maxDepth else { return nil }
        var reader = cursor
        do throws(JSONCursor.Refused) {
            let entry = try reader.profileSyscall()
            cursor = reader
            return entry
        } catch {
            return nil
        }
    }

    fileprivate static let syscallKeys: [StaticString] = ["arch", "name", "number", "count", "firstSeen", "firstSeenTime",
                                                          "args", "calls", "paths", "returns"]
    /// `number` and `firstSeenTime` may be missing.
    fileprivate static let syscallRequired: UInt32 = 0b11_1101_1011
    fileprivate static let histogramKeys: [StaticString] = ["capacity", "total", "overflowed", "values"]
    fileprivate static let valueKeys: [StaticString] = ["value", "count", "error"]
    fileprivate static let callsKeys: [StaticString] = ["capacity", "overflow", "entries"]
    fileprivate static let callKeys: [StaticString] = ["args", "count"]
    fileprivate static let pathsKeys: [StaticString] = ["index", "capacity", "other", "samples"]
    fileprivate static let sampleKeys: [StaticString] = ["string", "count"]
    fileprivate static let returnsKeys: [StaticString] = ["returned", "errors", "errnos"]
    fileprivate static let errnoKeys: [StaticString] = ["errno", "count"]
}

private extension JSONCursor {
    typealias V = ProfileFileV1
    typealias K = ProfileEntryTokens

    mutating func profileSyscall() throws(JSONCursor.Refused) -> V.Syscall {
        var s = V.Syscall(arch: "", name: "", number: nil, count: 0, firstSeen: 0, firstSeenTime: nil, args: [],
                          calls: V.Calls(capacity: 0, overflow: 0, entries: []), paths: [],
                          returns: V.Returns(returned: 0, errors: 0, errnos: []))
        let seen = try members(K.syscallKeys) { (r, key) throws(JSONCursor.Refused) in
            switch key {
            case 0: s.arch = try r.string()
            case 1: s.name = try r.string()
            case 2: s.number = r.null() ? nil : try r.int32()
            case 3: s.count = try r.uint64()
            case 4: s.firstSeen = try r.int()
            case 5: s.firstSeenTime = r.null() ? nil : try r.double()
            case 6: try r.elements { (r) throws(JSONCursor.Refused) in s.args.append(try r.histogram()) }
            case 7: s.calls = try r.calls()
            case 8: try r.elements { (r) throws(JSONCursor.Refused) in s.paths.append(try r.paths()) }
            default: s.returns = try r.returns()
            }
        }
        guard seen & K.syscallRequired == K.syscallRequired else { throw JSONCursor.Refused() }
        return s
    }

    mutating func histogram() throws(JSONCursor.Refused) -> V.Histogram {
        var h = V.Histogram(capacity: 0, total: 0, overflowed: false, values: [])
        let seen = try members(K.histogramKeys) { (r, key) throws(JSONCursor.Refused) in
            switch key {
            case 0: h.capacity = try r.int()
            case 1: h.total = try r.uint64()
            case 2: h.overflowed = try r.bool()
            default:
                try r.objects(K.valueKeys, from: V.Value(value: HexValue(0), count: 0, error: 0),
                              into: &h.values) { (r, key, v) throws(JSONCursor.Refused) in
                    switch key {
                    case 0: v.value = HexValue(try r.hex())
                    case 1: v.count = try r.uint64()
                    default: v.error = try r.uint64()
                    }
                }
            }
        }
        guard seen == 0b1111 else { throw JSONCursor.Refused() }
        return h
    }

    mutating func calls() throws(JSONCursor.Refused) -> V.Calls {
        var calls = V.Calls(capacity: 0, overflow: 0, entries: [])
        let seen = try members(K.callsKeys) { (r, key) throws(JSONCursor.Refused) in
            switch key {
            case 0: calls.capacity = try r.int()
            case 1: calls.overflow = try r.uint64()
            default:
                try r.objects(K.callKeys, from: V.Call(args: [], count: 0),
                              into: &calls.entries) { (r, key, call) throws(JSONCursor.Refused) in
                    switch key {
                    case 0:
                        call.args.reserveCapacity(6)
                        try r.elements { (r) throws(JSONCursor.Refused) in call.args.append(HexValue(try r.hex())) }
                    default: call.count = try r.uint64()
                    }
                }
            }
        }
        guard seen == 0b111 else { throw JSONCursor.Refused() }
        return calls
    }

    mutating func paths() throws(JSONCursor.Refused) -> V.Paths {
        var p = V.Paths(index: 0, capacity: 0, other: 0, samples: [])
        let seen = try members(K.pathsKeys) { (r, key) throws(JSONCursor.Refused) in
            switch key {
            case 0: p.index = try r.int()
            case 1: p.capacity = try r.int()
            case 2: p.other = try r.uint64()
            default:
                try r.objects(K.sampleKeys, from: V.Sample(string: "", count: 0),
                              into: &p.samples) { (r, key, sample) throws(JSONCursor.Refused) in
                    switch key {
                    case 0: sample.string = try r.string()
                    default: sample.count = try r.uint64()
                    }
                }
            }
        }
        guard seen == 0b1111 else { throw JSONCursor.Refused() }
        return p
    }

    mutating func returns() throws(JSONCursor.Refused) -> V.Returns {
        var returns = V.Returns(returned: 0, errors: 0, errnos: [])
        let seen = try members(K.returnsKeys) { (r, key) throws(JSONCursor.Refused) in
            switch key {
            case 0: returns.returned = try r.uint64()
            case 1: returns.errors = try r.uint64()
            default:
                try r.objects(K.errnoKeys, from: V.Errno(errno: 0, count: 0),
                              into: &returns.errnos) { (r, key, e) throws(JSONCursor.Refused) in
                    switch key {
                    case 0: e.errno = try r.int32()
                    default: e.count = try r.uint64()
                    }
                }
            }
        }
        guard seen == 0b111 else { throw JSONCursor.Refused() }
        return returns
    }

    /// An array of objects whose members are `keys`, each present once: every element read into
    /// a copy of `empty` by `member` (given the key's index), then appended to `list`.
    mutating func objects<T>(_ keys: [StaticString], from empty: T, into list: inout [T],
                             _ member: (inout JSONCursor, Int, inout T) throws(JSONCursor.Refused) -> Void)
        throws(JSONCursor.Refused) {
        let all: UInt32 = (1 << keys.count) - 1
        try elements { (r) throws(JSONCursor.Refused) in
            var value = empty
            let seen = try r.members(keys) { (r, key) throws(JSONCursor.Refused) in try member(&r, key, &value) }
            guard seen == all else { throw JSONCursor.Refused() }
            list.append(value)
        }
    }
}
