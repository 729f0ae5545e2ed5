/// The entries of a profile's `syscalls` array, checked and decoded one at a time while the file
/// is parsed (`JSONParser.parse(_:streaming:element:)`): a profile may be hundreds of MiB, and
/// its tree would be several times that. What went wrong is kept by kind, so that
/// `Profile.decodeJSON` reports the error a reading of the whole tree would have reported first
/// (a number that does not fit, in file order, before a missing or mistyped field, before a value
/// the model refuses); each kind stops the work that only later kinds would do.
struct ProfileEntryStream {
    /// The first number that does not fit its field, with its position.
    private(set) var numberError: (position: SourcePosition, error: ProfileError)?
    private(set) var decodeError: ProfileError?
    private(set) var modelError: ProfileError?
    /// The entries read, in file order, up to the first error.
    private(set) var syscalls: [SyscallProfile] = []
    private var count = 0

    /// Reads the entry at the parser's place: from its tokens when it is plainly an entry as
    /// this program writes it (`ProfileEntryTokens`), else as a tree, which `take(_:)` checks.
    mutating func read(_ parser: inout JSONParser) throws {
        let start = parser.cursor.mark
        guard let entry = ProfileEntryTokens.read(&parser.cursor, depth: parser.depth, maxDepth: parser.limits.maxDepth) else {
            parser.cursor.reset(to: start)
            take(try parser.value())
            return
        }
        // No number out of range and no field amiss: only the model may refuse it.
        defer { count += 1 }
        guard numberError == nil, decodeError == nil, modelError == nil else { return }
        do throws(ProfileError) {
            syscalls.append(try entry.model())
        } catch {
            modelError = error.within("syscalls[\(count)]")
        }
    }

    mutating func take(_ node: JSONNode) {
        defer { count += 1 }
        guard numberError == nil else { return }
        let path = "syscalls[\(count)]"
        if let invalid = ProfileNumbers.firstInvalid(node, key: "syscalls", path: path) {
            numberError = invalid
            return
        }
        guard decodeError == nil else { return }
        let entry: ProfileFileV1.Syscall
        do throws(ProfileError) {
            entry = try ProfileFileV1.Syscall(try ProfileJSONFields(node, path: path))
        } catch {
            decodeError = error
            return
        }
        guard modelError == nil else { return }
        do throws(ProfileError) {
            syscalls.append(try entry.model())
        } catch {
            modelError = error.within(path)
        }
    }
}
