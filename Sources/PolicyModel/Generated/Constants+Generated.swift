// PLACEHOLDER until scripts/gen-constants writes the real tables.
let generatedConstantValues: [String: UInt64] = [:]
let generatedArgumentDecoders: [String: [Int: ValueDecoder]] = [:]
let generatedSyscallGroups: [String: [String]] = [:]
