// The profile file format, version 1. Argument values are written as hex strings ("0x1f") so
// that 64-bit values survive every JSON reader. Example:
// {"version": 1, "metadata": {...}, "limits": {...},
//  "syscalls": [{"arch": "x86_64", "name": "read", "number": 0, "count": 12, "firstSeen": 0,
//                "args": [{"total": 12, "overflowed": false, "values": [{"value": "0x3", "count": 12, "error": 0}]}],
//                "calls": {"overflow": 0, "entries": [{"args": ["0x3", ...], "count": 12}]},
//                "paths": [], "returns": {"returned": 12, "errors": 0, "errnos": []}}]}

extension Profile {
    /// The profile as pretty-printed JSON with sorted keys (stable, diffable).
    public func encodeJSON() -> [UInt8] {
        ProfileFileV1(self).json.bytes()
    }

    /// Reads a profile, checking the version first and every field after. One strict JSON
    /// parser reads every file of the tool (profiles and policies): syntax errors and numbers
    /// that do not fit their field are reported with their line and column.
    ///
    /// The `syscalls` entries are checked and decoded as they are parsed (`ProfileEntryStream`):
    /// memory holds the profile, not a tree of the file. Errors are those of a whole-tree reading.
    public static func decodeJSON(_ bytes: [UInt8], table: SyscallTable = .shared) throws(ProfileError) -> Profile {
        let root: JSONNode
        var entries = ProfileEntryStream()
        do {
            root = try JSONParser.parse(bytes, limits: JSONParser.Limits(maxBytes: bytes.count), streaming: "syscalls",
                                     read: { try entries.read(&$0) })
        } catch let e as JSONSyntaxError {
            throw .syntax(e)
        } catch {
            throw .notJSON("\(error)")
        }
        let top = try ProfileJSONFields(root, path: "")
        guard let v = try top.optional("version", ProfileJSONFields.int) else {
            throw .invalid(field: "version", expected: "the format version number (1)")
        }
        guard v == formatVersion else { throw .unsupportedVersion(v) }
        // The first number in file order, of the entries or of the rest.
        let numberErrors = [ProfileNumbers.firstInvalid(root, key: "", path: ""), entries.numberError].compactMap { $0 }
        if let first = numberErrors.min(by: { ($0.0.line, $0.0.column) < ($1.0.line, $1.0.column) }) { throw first.1 }
        let file = try ProfileFileV1(top)
        if let e = entries.decodeError { throw e }
        return try file.profile(table: table, streamed: entries)
    }
}

/// A 64-bit value written as a hex string.
struct HexValue: Hashable {
    var value: UInt64
    init(_ v: UInt64) { value = v }
}

struct ProfileFileV1 {
    var version: Int
    var metadata: Metadata
    var limits: ProfileLimits
    var syscalls: [Syscall]

    struct Metadata {
        var command: [String]
        var attachedPid: Int32?
        var backend: String
        var startTime: Double?
        var endTime: Double?
        var lostEvents: UInt64
        /// Written only when some calls were left out (older profiles lack it).
        var unknownArchitectureCalls: UInt64?
        var pids: [Int32]
        var pidsOverflow: UInt64
        var exitCode: Int32?
        var exitSignal: Int32?
        var totalCalls: UInt64
        var traces: Int
        var runtimeSyscalls: [String: [String]]?
    }
    struct Syscall {
        var arch: String
        var name: String
        var number: Int32?
        var count: UInt64
        var firstSeen: Int
        var firstSeenTime: Double?
        var args: [Histogram]
        var calls: Calls
        var paths: [Paths]
        var returns: Returns
    }
    struct Histogram {
        var capacity: Int
        var total: UInt64
        var overflowed: Bool
        var values: [Value]
    }
    struct Value { var value: HexValue; var count: UInt64; var error: UInt64 }
    struct Calls {
        var capacity: Int
        var overflow: UInt64
        var entries: [Call]
    }
    struct Call { var args: [HexValue]; var count: UInt64 }
    struct Paths {
        var index: Int
        var capacity: Int
        var other: UInt64
        var samples: [Sample]
    }
    struct Sample { var string: String; var count: UInt64 }
    struct Returns {
        var returned: UInt64
        var errors: UInt64
        var errnos: [Errno]
    }
    struct Errno { var errno: Int32; var count: UInt64 }

    init(_ p: Profile) {
        version = Profile.formatVersion
        limits = p.limits
        let m = p.metadata
        metadata = Metadata(command: m.command, attachedPid: m.attachedPid, backend: m.backend,
                            startTime: m.startTime, endTime: m.endTime, lostEvents: m.lostEvents,
                            unknownArchitectureCalls: m.unknownArchitectureCalls == 0 ? nil : m.unknownArchitectureCalls,
                            pids: m.pids.sorted(), pidsOverflow: m.pidsOverflow, exitCode: m.exitCode,
                            exitSignal: m.exitSignal, totalCalls: m.totalCalls, traces: m.traces,
                            runtimeSyscalls: m.runtimeSyscalls.isEmpty ? nil
                                : Dictionary(uniqueKeysWithValues: m.runtimeSyscalls.map { ($0.key.rawValue, $0.value.sorted()) }))
        syscalls = p.syscalls.map { s in
            Syscall(
                arch: s.arch.rawValue, name: s.name, number: s.number, count: s.count, firstSeen: s.firstSeenIndex,
                firstSeenTime: s.firstSeenTime,
                args: s.arguments.map { h in
                    Histogram(capacity: h.capacity, total: h.total, overflowed: h.overflowed,
                              values: h.values.indices.map { Value(value: HexValue(h.values[$0]), count: h.counts[$0], error: h.errors[$0]) })
                },
                calls: Calls(capacity: s.calls.capacity, overflow: s.calls.overflow,
                             entries: s.calls.entries.map { Call(args: $0.call.array.map(HexValue.init), count: $0.count) }),
                paths: s.paths.keys.sorted().map { i in
                    let ps = s.paths[i]!
                    return Paths(index: i, capacity: ps.capacity, other: ps.other,
                                 samples: ps.entries.map { Sample(string: $0.string, count: $0.count) })
                },
                returns: Returns(returned: s.returns.returned, errors: s.returns.errors,
                                 errnos: s.returns.errnos.keys.sorted().map { Errno(errno: $0, count: s.returns.errnos[$0]!) }))
        }
    }

    /// The profile; `streamed` holds the entries decoded while the file was parsed (this
    /// value's `syscalls` are then empty), thrown from at the point their own would be.
    func profile(table: SyscallTable, streamed: ProfileEntryStream? = nil) throws(ProfileError) -> Profile {
        guard limits.valuesPerArgument > 0, limits.distinctCalls > 0, limits.pathSamples > 0, limits.pids > 0 else {
            throw .invalid(field: "limits", expected: "positive bounds")
        }
        var meta = ProfileMetadata(command: metadata.command, attachedPid: metadata.attachedPid,
                                   backend: metadata.backend, startTime: metadata.startTime, endTime: metadata.endTime)
        meta.lostEvents = try ProfileCount.checked(metadata.lostEvents, "metadata.lostEvents")
        meta.unknownArchitectureCalls = try ProfileCount.checked(metadata.unknownArchitectureCalls ?? 0,
                                                                 "metadata.unknownArchitectureCalls")
        meta.pids = Set(metadata.pids)
        meta.pidsOverflow = try ProfileCount.checked(metadata.pidsOverflow, "metadata.pidsOverflow")
        meta.exitCode = metadata.exitCode
        meta.exitSignal = metadata.exitSignal
        meta.totalCalls = try ProfileCount.checked(metadata.totalCalls, "metadata.totalCalls")
        guard (1...Int(Int32.max)).contains(metadata.traces) else {
            throw .invalid(field: "metadata.traces", expected: "a number of traces from 1 to \(Int32.max), not \(metadata.traces)")
        }
        meta.traces = metadata.traces
        for (arch, names) in metadata.runtimeSyscalls ?? [:] {
            guard let a = Arch(rawValue: arch) else {
                throw .invalid(field: "metadata.runtimeSyscalls", expected: "architecture names (\(Arch.allCases.map(\.rawValue).joined(separator: ", "))), not '\(arch)'")
            }
            guard !names.contains(where: \.isEmpty) else {
                throw .invalid(field: "metadata.runtimeSyscalls.\(arch)", expected: "syscall names, not an empty string")
            }
            meta.runtimeSyscalls[a] = Set(names)
        }
        var out: [SyscallProfile] = []
        for (n, s) in syscalls.enumerated() {
            do throws(ProfileError) {
                out.append(try s.model())
            } catch {
                throw error.within("syscalls[\(n)]")
            }
        }
        if let streamed {
            if let e = streamed.modelError { throw e }
            out += streamed.syscalls
        }
        return try Profile(metadata: meta, limits: limits, syscalls: out, table: table)
    }
}

// The file as written: the same members, names and values as `init(_:)` reads.
extension ProfileFileV1 {
    var json: PrettyJSON {
        .object([
            ("version", .signed(Int64(version))),
            ("limits", .object([
                ("valuesPerArgument", .signed(Int64(limits.valuesPerArgument))),
                ("distinctCalls", .signed(Int64(limits.distinctCalls))),
                ("pathSamples", .signed(Int64(limits.pathSamples))),
                ("pids", .signed(Int64(limits.pids))),
            ])),
            ("metadata", metadata.json),
            ("syscalls", .array(syscalls.map(\.json))),
        ])
    }
}

/// `key: value` when there is a value; nothing (the member is left out, as JSONEncoder leaves
/// out nil) when there is none.
private func optional<T>(_ key: String, _ value: T?, _ json: (T) -> PrettyJSON) -> [(key: String, value: PrettyJSON)] {
    value.map { [(key, json($0))] } ?? []
}

extension ProfileFileV1.Metadata {
    var json: PrettyJSON {
        .object([
            ("command", .array(command.map { .string($0) })),
            ("backend", .string(backend)),
            ("lostEvents", .unsigned(lostEvents)),
            ("pids", .array(pids.map { .signed(Int64($0)) })),
            ("pidsOverflow", .unsigned(pidsOverflow)),
            ("totalCalls", .unsigned(totalCalls)),
            ("traces", .signed(Int64(traces))),
        ] + optional("unknownArchitectureCalls", unknownArchitectureCalls) { .unsigned($0) }
          + optional("attachedPid", attachedPid) { .signed(Int64($0)) }
          + optional("startTime", startTime) { .double($0) }
          + optional("endTime", endTime) { .double($0) }
          + optional("exitCode", exitCode) { .signed(Int64($0)) }
          + optional("exitSignal", exitSignal) { .signed(Int64($0)) }
          + optional("runtimeSyscalls", runtimeSyscalls) { r in
              .object(r.keys.sorted().map { ($0, .array(r[$0]!.map { .string($0) })) })
          })
    }
}

extension ProfileFileV1.Syscall {
    var json: PrettyJSON {
        func hex(_ v: HexValue) -> PrettyJSON { .string("0x" + String(v.value, radix: 16)) }
        return .object([
            ("arch", .string(arch)),
            ("name", .string(name)),
            ("count", .unsigned(count)),
            ("firstSeen", .signed(Int64(firstSeen))),
            ("args", .array(args.map { h in
                .object([
                    ("capacity", .signed(Int64(h.capacity))),
                    ("total", .unsigned(h.total)),
                    ("overflowed", .bool(h.overflowed)),
                    ("values", .array(h.values.map { v in
                        .object([("value", hex(v.value)), ("count", .unsigned(v.count)), ("error", .unsigned(v.error))])
                    })),
                ])
            })),
            ("calls", .object([
                ("capacity", .signed(Int64(calls.capacity))),
                ("overflow", .unsigned(calls.overflow)),
                ("entries", .array(calls.entries.map { c in
                    .object([("args", .array(c.args.map(hex))), ("count", .unsigned(c.count))])
                })),
            ])),
            ("paths", .array(paths.map { p in
                .object([
                    ("index", .signed(Int64(p.index))),
                    ("capacity", .signed(Int64(p.capacity))),
                    ("other", .unsigned(p.other)),
                    ("samples", .array(p.samples.map { .object([("string", .string($0.string)), ("count", .unsigned($0.count))]) })),
                ])
            })),
            ("returns", .object([
                ("returned", .unsigned(returns.returned)),
                ("errors", .unsigned(returns.errors)),
                ("errnos", .array(returns.errnos.map { .object([("errno", .signed(Int64($0.errno))), ("count", .unsigned($0.count))]) })),
            ])),
        ] + optional("number", number) { .signed(Int64($0)) }
          + optional("firstSeenTime", firstSeenTime) { .double($0) })
    }
}

extension ProfileFileV1.Syscall {
    func model() throws(ProfileError) -> SyscallProfile {
        guard let a = Arch(name: arch) else {
            throw .invalid(field: "arch", expected: "one of \(Arch.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(arch)\"")
        }
        guard !name.isEmpty else { throw .invalid(field: "name", expected: "a syscall name") }
        guard args.count <= 6 else { throw .invalid(field: "args", expected: "at most six argument histograms") }
        var s = SyscallProfile(arch: a, name: name, number: number, firstSeenIndex: firstSeen,
                               firstSeenTime: firstSeenTime, argumentCount: 0)
        s.count = try ProfileCount.checked(count, "count")
        for (i, h) in args.enumerated() {
            do throws(ProfileError) {
                _ = try ProfileCount.checked(h.total, "total")
                for (j, v) in h.values.enumerated() {
                    _ = try ProfileCount.checked(v.count, "values[\(j)].count")
                    _ = try ProfileCount.checked(v.error, "values[\(j)].error")
                }
                let t = try TopValues(capacity: h.capacity, values: h.values.map(\.value.value),
                                      counts: h.values.map(\.count), errors: h.values.map(\.error),
                                      total: h.total, overflowed: h.overflowed)
                guard t.total == count else {
                    throw ProfileError.invalid(field: "total", expected: "the syscall's count (\(count)), not \(t.total)")
                }
                s.arguments.append(t)
            } catch {
                throw error.within("args[\(i)]")
            }
        }
        var callCounts: [CallArguments: UInt64] = [:]
        for (i, c) in calls.entries.enumerated() {
            guard c.args.count == 6 else { throw .invalid(field: "calls.entries[\(i)].args", expected: "six values") }
            let a = c.args
            let key = CallArguments(a[0].value, a[1].value, a[2].value, a[3].value, a[4].value, a[5].value)
            callCounts[key] = try ProfileCount.checked(
                try ProfileCount.checked(c.count, "calls.entries[\(i)].count") + callCounts[key, default: 0],
                "calls.entries[\(i)].count")
        }
        s.calls = try CallSet(capacity: calls.capacity, counts: callCounts,
                              overflow: try ProfileCount.checked(calls.overflow, "calls.overflow"))
        for (i, p) in paths.enumerated() {
            guard (0..<6).contains(p.index) else { throw .invalid(field: "paths[\(i)].index", expected: "an argument index 0...5") }
            var counts: [String: UInt64] = [:]
            do throws(ProfileError) {
                for (j, smp) in p.samples.enumerated() {
                    counts[smp.string] = try ProfileCount.checked(
                        try ProfileCount.checked(smp.count, "samples[\(j)].count") + counts[smp.string, default: 0],
                        "samples[\(j)].count")
                }
                s.paths[p.index] = try StringSamples(capacity: p.capacity, counts: counts,
                                                     other: try ProfileCount.checked(p.other, "other"))
            } catch {
                throw error.within("paths[\(i)]")
            }
        }
        var errnoCounts: [Int32: UInt64] = [:]
        do throws(ProfileError) {
            for (j, e) in returns.errnos.enumerated() {
                errnoCounts[e.errno] = try ProfileCount.checked(
                    try ProfileCount.checked(e.count, "errnos[\(j)].count") + errnoCounts[e.errno, default: 0],
                    "errnos[\(j)].count")
            }
            s.returns = try ReturnStats(returned: try ProfileCount.checked(returns.returned, "returned"),
                                        errors: returns.errors, errnos: errnoCounts)
        } catch {
            throw error.within("returns")
        }
        guard s.returns.returned <= count else { throw .invalid(field: "returns.returned", expected: "no more than the count") }
        return s
    }
}

// The file as read: every member by name and type (`ProfileJSONFields` names the field of an error).
extension ProfileFileV1 {
    typealias F = ProfileJSONFields

    init(_ f: F) throws(ProfileError) {
        version = try f.required("version", F.int)
        metadata = try f.required("metadata", F.object(Metadata.init))
        limits = try f.required("limits", F.object { (l) throws(ProfileError) in
            ProfileLimits(valuesPerArgument: try l.required("valuesPerArgument", F.int),
                          distinctCalls: try l.required("distinctCalls", F.int),
                          pathSamples: try l.required("pathSamples", F.int),
                          pids: try l.required("pids", F.int))
        })
        syscalls = try f.required("syscalls") { (n, p) throws(ProfileError) in try F.objects(n, p, Syscall.init) }
    }
}

extension ProfileFileV1.Metadata {
    init(_ f: ProfileJSONFields) throws(ProfileError) {
        typealias F = ProfileJSONFields
        command = try f.required("command") { (n, p) throws(ProfileError) in try F.array(n, p, F.string) }
        attachedPid = try f.optional("attachedPid", F.int32)
        backend = try f.required("backend", F.string)
        startTime = try f.optional("startTime", F.double)
        endTime = try f.optional("endTime", F.double)
        lostEvents = try f.required("lostEvents", F.uint64)
        unknownArchitectureCalls = try f.optional("unknownArchitectureCalls", F.uint64)
        pids = try f.required("pids") { (n, p) throws(ProfileError) in try F.array(n, p, F.int32) }
        pidsOverflow = try f.required("pidsOverflow", F.uint64)
        exitCode = try f.optional("exitCode", F.int32)
        exitSignal = try f.optional("exitSignal", F.int32)
        totalCalls = try f.required("totalCalls", F.uint64)
        traces = try f.required("traces", F.int)
        runtimeSyscalls = try f.optional("runtimeSyscalls", F.stringArrays)
    }
}

extension ProfileFileV1.Syscall {
    init(_ f: ProfileJSONFields) throws(ProfileError) {
        typealias F = ProfileJSONFields
        typealias V = ProfileFileV1
        arch = try f.required("arch", F.string)
        name = try f.required("name", F.string)
        number = try f.optional("number", F.int32)
        count = try f.required("count", F.uint64)
        firstSeen = try f.required("firstSeen", F.int)
        firstSeenTime = try f.optional("firstSeenTime", F.double)
        args = try f.required("args") { (n, p) throws(ProfileError) in
            try F.objects(n, p) { (h) throws(ProfileError) in
                V.Histogram(capacity: try h.required("capacity", F.int), total: try h.required("total", F.uint64),
                            overflowed: try h.required("overflowed", F.bool),
                            values: try h.required("values") { (n, p) throws(ProfileError) in
                                try F.objects(n, p) { (v) throws(ProfileError) in
                                    V.Value(value: try v.required("value", F.hex), count: try v.required("count", F.uint64),
                                            error: try v.required("error", F.uint64))
                                }
                            })
            }
        }
        calls = try f.required("calls", F.object { (c) throws(ProfileError) in
            V.Calls(capacity: try c.required("capacity", F.int), overflow: try c.required("overflow", F.uint64),
                    entries: try c.required("entries") { (n, p) throws(ProfileError) in
                        try F.objects(n, p) { (e) throws(ProfileError) in
                            V.Call(args: try e.required("args") { (n, p) throws(ProfileError) in try F.array(n, p, F.hex) },
                                   count: try e.required("count", F.uint64))
                        }
                    })
        })
        paths = try f.required("paths") { (n, p) throws(ProfileError) in
            try F.objects(n, p) { (ps) throws(ProfileError) in
                V.Paths(index: try ps.required("index", F.int), capacity: try ps.required("capacity", F.int),
                        other: try ps.required("other", F.uint64),
                        samples: try ps.required("samples") { (n, p) throws(ProfileError) in
                            try F.objects(n, p) { (smp) throws(ProfileError) in
                                V.Sample(string: try smp.required("string", F.string), count: try smp.required("count", F.uint64))
                            }
                        })
            }
        }
        returns = try f.required("returns", F.object { (r) throws(ProfileError) in
            V.Returns(returned: try r.required("returned", F.uint64), errors: try r.required("errors", F.uint64),
                      errnos: try r.required("errnos") { (n, p) throws(ProfileError) in
                          try F.objects(n, p) { (e) throws(ProfileError) in
                              V.Errno(errno: try e.required("errno", F.int32), count: try e.required("count", F.uint64))
                          }
                      })
        })
    }
}
