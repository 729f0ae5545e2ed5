import Foundation
import Testing
@testable import PolicyModel
import TestSupport

/// The profile writer: JSONEncoder's pretty, sorted layout, strings escaped so that any path a
/// tracee used reads back the same, and optional members left out when absent.
@Suite struct PrettyJSONTests {
    @Test("layout: two-space indent, `\"key\" : value`, sorted members, empty arrays on two lines")
    func layout() {
        let v = PrettyJSON.object([
            ("b", .array([])),
            ("a", .array([.unsigned(1), .signed(-2), .bool(true)])),
            ("c", .object([("y", .double(0.25)), ("x", .string("s"))])),
            ("d", .object([])),
        ])
        let expected = """
            {
              "a" : [
                1,
                -2,
                true
              ],
              "b" : [

              ],
              "c" : {
                "x" : "s",
                "y" : 0.25
              },
              "d" : {}
            }

            """
        #expect(String(decoding: v.bytes(), as: UTF8.self) == expected)
    }

    @Test("strings: quotes, backslashes, control characters and non-ASCII read back as written")
    func escaping() throws {
        let nasty = "a\"b\\c/d\ne\rf\tg\u{1}h\u{1f}i\u{7f}é€😀\u{8}\u{c}"
        let bytes = PrettyJSON.array([.string(nasty)]).bytes()
        let parsed = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String]
        #expect(parsed == [nasty])
        #expect(String(decoding: bytes, as: UTF8.self).contains("\\u0001"))
        #expect(String(decoding: bytes, as: UTF8.self).contains("c/d"))
    }

    @Test("a non-finite double is written as null, never as text JSON cannot read")
    func nonFinite() throws {
        let bytes = PrettyJSON.array([.double(.infinity), .double(.nan), .double(1e-05)]).bytes()
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [Any])
        #expect(parsed[0] is NSNull && parsed[1] is NSNull)
        #expect((parsed[2] as? Double) == 1e-05)
    }

    @Test("a profile with every optional member set, and with none, reads back equal")
    func optionalMembers() throws {
        var full = Profile(metadata: ProfileMetadata(command: ["x y", "\"q\""], attachedPid: 42, backend: "perf",
                                                     startTime: 1.5, endTime: 2.5))
        full.add([SyscallEvent(pid: 7, tid: 8, arch: .x86_64, nr: sysno("read", .x86_64), args: [1, 2, 3, 4, 5, 6], returnValue: -13,
                               paths: [1: "/tmp/a \"b\"\n"])], time: 0.125)
        full.metadata.exitSignal = 9
        full.metadata.exitCode = 1
        #expect(try Profile.decodeJSON(full.encodeJSON()) == full)
        let text = String(decoding: full.encodeJSON(), as: UTF8.self)
        for key in ["attachedPid", "exitSignal", "exitCode", "startTime", "endTime", "firstSeenTime", "number"] {
            #expect(text.contains("\"\(key)\" : "), "\(key) is written")
        }

        var bare = Profile(metadata: ProfileMetadata(command: [], backend: "ptrace"))
        bare.add([SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: 99_999, args: [])])
        #expect(try Profile.decodeJSON(bare.encodeJSON()) == bare)
        let bareText = String(decoding: bare.encodeJSON(), as: UTF8.self)
        for key in ["attachedPid", "exitSignal", "exitCode", "startTime", "endTime", "firstSeenTime"] {
            #expect(!bareText.contains("\"\(key)\""), "\(key) is left out")
        }
    }
}
