/// One `syscalls` entry of an OCI profile read straight from its JSON tokens, without a tree:
/// the fast way through a file of hundreds of thousands of entries. It reads only entries that
/// `OCIDecoder.syscall(_:entry:)` accepts without a warning and that use `names`, `action`,
/// `errnoRet`, `args` and `comment` (any order, any white space), and refuses at the first thing
/// that is not plainly such an entry: an escape in a string, an unknown, repeated or null member,
/// `name`, `includes`, `excludes`, no syscall named, an unknown action or operator, a number
/// that is not an unsigned integer or out of its range, an `errnoRet` the action ignores, a
/// syntax error, nesting near the depth limit. The caller then reads the entry again as a tree
/// (`OCIEntryStream`), which says exactly what is wrong, or reads what this refused.
///
/// So an entry read here is the value `OCIDecoder.syscall(_:entry:)` makes of its tree, with
/// the same positions and field paths, and no warning.
enum OCIEntryTokens {
    /// Entry `entry` of `syscalls` at `cursor`, passed over; nil, the cursor left anywhere
    /// inside it, when it is refused. `depth` is how many arrays and objects enclose it,
    /// `maxDepth` the parser's limit.
    static func read(_ cursor: inout JSONCursor, entry: Int, depth: Int, maxDepth: Int) -> OCIRawSyscall? {
        // The deepest value of an entry is an object three levels down (`args[i]`).
        guard depth + 3 <= maxDepth else { return nil }
        var reader = cursor
        do throws(JSONCursor.Refused) {
            let syscall = try reader.ociSyscall(entry: entry)
            cursor = reader
            return syscall
        } catch {
            return nil
        }
    }

    fileprivate static let entryKeys: [StaticString] = ["names", "action", "errnoRet", "args", "comment"]
    fileprivate static let argKeys: [StaticString] = ["index", "value", "valueTwo", "op"]
}

private extension JSONCursor {
    mutating func ociSyscall(entry: Int) throws(JSONCursor.Refused) -> OCIRawSyscall {
        let field = "syscalls[\(entry)]"
        let position = self.position
        var names = OCINameList()
        var action: OCILocated<OCIAction>?
        var errnoRet: UInt64?
        var args: [OCIRawArg] = []
        var comment: String?
        _ = try members(OCIEntryTokens.entryKeys) { (r, key) throws(JSONCursor.Refused) in
            switch key {
            case 0:
                try r.elements { (r) throws(JSONCursor.Refused) in
                    let at = r.position
                    let name = try r.string()
                    guard !name.isEmpty else { throw JSONCursor.Refused() }
                    names.append(OCILocated(name, path: .syscallName(entry: entry, name: names.read), position: at))
                }
            case 1:
                let at = r.position
                guard let a = OCIAction(rawValue: try r.string()) else { throw JSONCursor.Refused() }
                action = OCILocated(a, field: "\(field).action", position: at)
            case 2: errnoRet = try r.uint64()
            case 3:
                try r.elements { (r) throws(JSONCursor.Refused) in
                    args.append(try r.ociArg(entry: entry, arg: args.count))
                }
            default: comment = try r.string()
            }
        }
        // A syscall named, an action, and an errnoRet only where the action takes one, in its range.
        guard let action, !names.names.isEmpty else { throw JSONCursor.Refused() }
        var data: UInt16?
        if let errnoRet {
            guard action.value.takesData, errnoRet <= action.value.maxData else { throw JSONCursor.Refused() }
            data = UInt16(errnoRet)
        }
        return OCIRawSyscall(names: names.names, action: action, errnoRet: data, args: args, comment: comment,
                             includes: OCIRawFilter(), excludes: OCIRawFilter(), field: field, position: position)
    }

    /// An argument test with an index, an operator, and any of `value` and `valueTwo`.
    mutating func ociArg(entry: Int, arg: Int) throws(JSONCursor.Refused) -> OCIRawArg {
        let position = self.position
        var index: UInt64 = 0
        var value: UInt64 = 0
        var valueTwo: UInt64 = 0
        var op: CompareOp?
        let seen = try members(OCIEntryTokens.argKeys) { (r, key) throws(JSONCursor.Refused) in
            switch key {
            case 0: index = try r.uint64()
            case 1: value = try r.uint64()
            case 2: valueTwo = try r.uint64()
            default: op = CompareOp(rawValue: try r.string())
            }
        }
        guard seen & 0b1 != 0, index <= 5, let op else { throw JSONCursor.Refused() }
        return OCIRawArg(index: Int(index), value: value, valueTwo: valueTwo, op: op, entry: entry, arg: arg, position: position)
    }
}
