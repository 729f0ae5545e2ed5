import PolicyModel
import Testing

@Suite struct ContainerHookTests {
    func event(_ pid: Int32, _ name: String, _ args: [UInt64] = [0, 0, 0, 0, 0, 0]) throws -> SyscallEvent {
        let nr = try #require(SyscallTable.shared.number(of: name, arch: .x86_64))
        return SyscallEvent(pid: pid, tid: pid, arch: .x86_64, nr: nr, args: args)
    }

    @Test("the runtime's init: set-up calls before the filter point are left out, calls up to execve are the runtime's, the rest the program's")
    func splitsAtFilterPointAndExec() throws {
        var s = ContainerCallSplitter(initPid: 100)
        let setUp = try [event(100, "mount"), event(100, "seccomp", [2, 0, 0, 0, 0, 0])]  // GET_ACTION_AVAIL is no filter
        #expect(s.program(setUp).isEmpty)
        #expect(s.phase == .setUp)
        let filter = try event(100, "seccomp", [1, 0, 0, 0, 0, 0])  // SECCOMP_SET_MODE_FILTER
        let runtime = try [event(100, "openat"), event(100, "fstatfs"), event(101, "getpid")]
        #expect(s.program([filter] + runtime) == [runtime[2]])  // another process: the program's
        #expect(s.phase == .runtime)
        let exec = try event(100, "execve")
        #expect(s.program([exec]) == [exec])
        #expect(s.phase == .exec(tid: 100))
        var goThread = try event(100, "nanosleep")  // another thread of init, before the exec completes
        goThread.tid = 102
        #expect(s.program([goThread]).isEmpty)
        let program = try [event(100, "brk"), event(100, "mount")]
        #expect(s.program(program) == program)
        #expect(s.phase == .program && s.sawFilterPoint)
        var programThread = try event(100, "futex")  // a thread the program starts
        programThread.tid = 103
        #expect(s.program([programThread]) == [programThread])
        #expect(s.runtimeSyscalls == [.x86_64: ["openat", "fstatfs", "nanosleep"]])
    }

    @Test("prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER) is a filter point; PR_SET_SECCOMP with strict mode is not")
    func prctlFilterPoint() throws {
        var s = ContainerCallSplitter(initPid: 7)
        _ = s.program([try event(7, "prctl", [22, 1, 0, 0, 0, 0])])
        #expect(s.phase == .setUp)
        _ = s.program([try event(7, "prctl", [22, 2, 0, 0, 0, 0]), try event(7, "close")])
        #expect(s.phase == .runtime && s.runtimeSyscalls == [.x86_64: ["close"]])
    }

    @Test("without a filter point every call of init before execve counts as the runtime's")
    func noFilterPoint() throws {
        var s = ContainerCallSplitter(initPid: 7)
        _ = s.program([try event(7, "close"), try event(7, "setuid"), try event(7, "execve"), try event(7, "read")])
        #expect(!s.sawFilterPoint)
        #expect(s.runtimeSyscalls == [.x86_64: ["close", "setuid"]])
    }

    @Test("the annotation: of: is required, if: optional, paths absolute, nothing else known", arguments: [
        ("of:/p/out.json", TraceSyscallAnnotation(output: "/p/out.json")),
        ("if:/p/in.json;of:/p/out.json", TraceSyscallAnnotation(output: "/p/out.json", input: "/p/in.json")),
        ("of:/p/out.json;", TraceSyscallAnnotation(output: "/p/out.json")),
    ])
    func annotation(value: String, expected: TraceSyscallAnnotation) throws {
        #expect(try TraceSyscallAnnotation(parsing: value) == expected)
    }

    @Test("bad annotations name what is wrong", arguments: [
        ("if:/p/in.json", "names no output"),
        ("of:out.json", "must be absolute"),
        ("of:/a;of:/b", "of: is given twice"),
        ("xf:/a", "'xf:' is not known"),
        ("/a", "expected of:PATH or if:PATH"),
    ])
    func badAnnotation(value: String, message: String) {
        #expect {
            try TraceSyscallAnnotation(parsing: value)
        } throws: { "\($0)".hasPrefix("annotation io.containers.trace-syscall: ") && "\($0)".contains(message) }
    }

    @Test("the container state: pid, id, bundle and annotations; a state without a pid is refused")
    func state() throws {
        let json = #"{"ociVersion":"1.0.2","id":"abc","status":"created","pid":4242,"bundle":"/b","annotations":{"k":"v"}}"#
        let s = try OCIHookState.decode(Array(json.utf8), source: "stdin")
        #expect(s == OCIHookState(id: "abc", pid: 4242, bundle: "/b", annotations: ["k": "v"]))
        #expect {
            try OCIHookState.decode(Array(#"{"ociVersion":"1.0.2","id":"abc","status":"stopped","bundle":"/b"}"#.utf8), source: "stdin")
        } throws: { "\($0)".contains("field 'pid': expected the container's process id") }
        #expect {
            try OCIHookState.decode(Array(#"{"id":"abc","pid":3,"bundle":"/b"}"#.utf8), source: "stdin")
        } throws: { "\($0)" == "stdin: lacks the container state's 'ociVersion' member" }
    }
}

@Suite struct ProfileRuntimeSyscallsTests {
    @Test("runtimeSyscalls survive the JSON round trip, merge as a union, and a profile without them has no such member")
    func roundTripAndMerge() throws {
        var a = Profile(metadata: ProfileMetadata(backend: "perf"))
        #expect(!String(decoding: a.encodeJSON(), as: UTF8.self).contains("runtimeSyscalls"))
        a.metadata.runtimeSyscalls = [.x86_64: ["close", "openat"]]
        let decoded = try Profile.decodeJSON(a.encodeJSON())
        #expect(decoded.metadata.runtimeSyscalls == [.x86_64: ["close", "openat"]])
        var b = Profile(metadata: ProfileMetadata(backend: "perf"))
        b.metadata.runtimeSyscalls = [.x86_64: ["futex"], .i386: ["close"]]
        a.merge(b)
        #expect(a.metadata.runtimeSyscalls == [.x86_64: ["close", "openat", "futex"], .i386: ["close"]])
    }

    @Test("an unknown architecture in runtimeSyscalls is an error naming the field")
    func badArch() throws {
        var a = Profile(metadata: ProfileMetadata(backend: "perf"))
        a.metadata.runtimeSyscalls = [.x86_64: ["close"]]
        var text = String(decoding: a.encodeJSON(), as: UTF8.self)
        let member = try #require(text.range(of: "\"runtimeSyscalls\""))
        let arch = try #require(text.range(of: "\"x86_64\"", range: member.upperBound..<text.endIndex))
        text.replaceSubrange(arch, with: "\"mips\"")
        let error = try #require(throws: ProfileError.self) { _ = try Profile.decodeJSON(Array(text.utf8)) }
        #expect("\(error)".contains("metadata.runtimeSyscalls") && "\(error)".contains("'mips'"), "\(error)")
    }
}
