import Foundation
import Testing
@testable import PolicyModel
import TestSupport

/// Profiles are untrusted files: counts near UInt64.max must be refused with an error, never trap.
@Suite struct ProfileHostileTests {
    /// A valid one-syscall profile (read, three argument histograms, returns) as a JSON object to tamper with.
    static func good() throws -> [String: Any] {
        var p = Profile()
        p.add([SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: sysno("read", .x86_64), args: [3, 4, 5, 0, 0, 0], returnValue: -2)])
        return try #require(try JSONSerialization.jsonObject(with: Data(p.encodeJSON())) as? [String: Any])
    }

    static func field(_ object: [String: Any]) throws -> String? {
        let bytes = Array(try JSONSerialization.data(withJSONObject: object))
        do { _ = try Profile.decodeJSON(bytes); return nil } catch {
            if case .invalid(let f, _) = error { return f }
            return "\(error)"
        }
    }

    static func editSyscall(_ object: [String: Any], _ edit: (inout [String: Any]) -> Void) -> [String: Any] {
        var o = object
        var calls = o["syscalls"] as! [[String: Any]]
        edit(&calls[0])
        o["syscalls"] = calls
        return o
    }

    @Test("histogram counts whose sum overflows UInt64 are refused, not trapped on")
    func histogramOverflow() throws {
        let max = UInt64.max
        let bad = Self.editSyscall(try Self.good()) { s in
            s["count"] = max
            var args = s["args"] as! [[String: Any]]
            args[0]["total"] = max
            args[0]["values"] = [["value": "0x1", "count": max, "error": 0], ["value": "0x2", "count": max, "error": 0]]
            s["args"] = args
        }
        #expect(try Self.field(bad) == "syscalls[0].count")
        let hugeTotal = Self.editSyscall(try Self.good()) { s in
            var args = s["args"] as! [[String: Any]]
            args[0]["values"] = [["value": "0x1", "count": UInt64(1) << 52, "error": 0],
                                 ["value": "0x2", "count": UInt64(1) << 52, "error": 0]]
            s["args"] = args
        }
        #expect(try Self.field(hugeTotal) == "syscalls[0].args[0].total")
    }

    @Test("repeated errno, call and path entries whose counts add past the bound are refused")
    func duplicateEntriesOverflow() throws {
        let near = UInt64(1) << 53
        let errnos = Self.editSyscall(try Self.good()) { s in
            s["returns"] = ["returned": 1, "errors": 1, "errnos": [["errno": 2, "count": near], ["errno": 2, "count": near]]]
        }
        #expect(try Self.field(errnos) == "syscalls[0].returns.errnos[1].count")
        let calls = Self.editSyscall(try Self.good()) { s in
            var c = s["calls"] as! [String: Any]
            let entry = (c["entries"] as! [[String: Any]])[0]
            c["entries"] = [entry.merging(["count": near]) { $1 }, entry.merging(["count": near]) { $1 }]
            s["calls"] = c
        }
        #expect(try Self.field(calls) == "syscalls[0].calls.entries[1].count")
        let paths = Self.editSyscall(try Self.good()) { s in
            s["paths"] = [["index": 0, "capacity": 4, "other": 0,
                           "samples": [["string": "/a", "count": near], ["string": "/a", "count": near]]]]
        }
        #expect(try Self.field(paths) == "syscalls[0].paths[0].samples[1].count")
    }

    @Test("a trace count that would overflow when profiles merge is refused")
    func tracesBound() throws {
        var o = try Self.good()
        var meta = o["metadata"] as! [String: Any]
        meta["traces"] = Int.max
        o["metadata"] = meta
        #expect(try Self.field(o) == "metadata.traces")
    }

    @Test("counts at the bound decode, and merging two such profiles does not trap")
    func boundedMerge() throws {
        let bound = UInt64(1) << 53
        let o = Self.editSyscall(try Self.good()) { s in
            s["count"] = bound
            var args = s["args"] as! [[String: Any]]
            for i in args.indices {
                args[i]["total"] = bound
                var values = args[i]["values"] as! [[String: Any]]
                values[0]["count"] = bound
                args[i]["values"] = values
            }
            s["args"] = args
            var c = s["calls"] as! [String: Any]
            var entries = c["entries"] as! [[String: Any]]
            entries[0]["count"] = bound
            c["entries"] = entries
            s["calls"] = c
        }
        #expect(try Self.field(o) == nil)
        let bytes = Array(try JSONSerialization.data(withJSONObject: o))
        var merged = try Profile.decodeJSON(bytes)
        merged.merge(try Profile.decodeJSON(bytes))
        #expect(merged.syscalls[0].count == bound * 2)
        #expect(merged.syscalls[0].arguments[0].total == bound * 2)
    }

    @Test("a negative count, a count beyond 64 bits, an infinite time and NaN are named by field and position")
    func numbersOutOfRange() throws {
        var p = Profile()
        p.add([SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: sysno("read", .x86_64), args: [3, 4, 5, 0, 0, 0])])
        let good = String(decoding: p.encodeJSON(), as: UTF8.self)
        func error(_ old: String, _ new: String) -> ProfileError? {
            #expect(good.contains(old))
            do { _ = try Profile.decodeJSON(Array(good.replacingOccurrences(of: old, with: new).utf8)); return nil } catch {
                return error
            }
        }
        let negative = try #require(error("\"totalCalls\" : 1", "\"totalCalls\" : -5"))
        guard case .invalid(let field, let expected) = negative else { Issue.record("\(negative)"); return }
        #expect(field == "metadata.totalCalls")
        #expect(expected.hasPrefix("a count: an integer from 0 to 18446744073709551615 (line "))
        #expect(expected.hasSuffix("), not -5"))
        let huge = try #require(error("\"totalCalls\" : 1", "\"totalCalls\" : 18446744073709551616"))
        #expect(huge.description.contains("not 18446744073709551616"))
        let pid = try #require(error("\"traces\" : 1", "\"traces\" : 1e400"))
        #expect(pid.description.hasPrefix("field \"metadata.traces\": expected an integer"))
        guard case .syntax(let syntax) = try #require(error("\"traces\" : 1", "\"traces\" : NaN")) else {
            Issue.record("NaN is not a syntax error"); return
        }
        #expect(syntax.position != nil)
    }

    @Test("2000 mutated profiles: each decodes or throws, and every accepted one merges and re-encodes without a trap")
    func fuzz() throws {
        var rng = SplitMix64(seed: 29)
        var p = Profile(metadata: ProfileMetadata(command: ["x"], backend: "ptrace"))
        for i in 0..<300 {
            let args: [UInt64] = [UInt64(i % 7), rng.next() % 3, 0, 0, 0, 0]
            let ret: Int64 = i % 4 == 0 ? -2 : 0
            let paths: [Int: String] = i % 5 == 2 ? [0: "/p/\(i % 3)"] : [:]
            p.add(SyscallEvent(pid: 1, tid: 1, arch: .x86_64, nr: Int32(i % 5), args: args, returnValue: ret, paths: paths))
        }
        let good = Array(p.encodeJSON())
        let numbers = ["0", "-1", "18446744073709551615", "9007199254740992", "9007199254740993", "2147483648",
                       "1e308", "1.5", "null", "\"x\"", "[]", "{}", "9223372036854775807", "4095", "4096", "1"]
        let digits = good.indices.filter { (0x30...0x39).contains(good[$0]) }
        var accepted = 0
        for _ in 0..<2000 {
            var bytes = good
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                switch rng.next() % 4 {
                case 0, 1: // replace a digit run by a hostile number
                    var a = digits[Int(rng.next() % UInt64(digits.count))]
                    guard a < bytes.count else { continue }
                    var b = a
                    while a > 0, (0x30...0x39).contains(bytes[a - 1]) { a -= 1 }
                    while b < bytes.count, (0x30...0x39).contains(bytes[b]) { b += 1 }
                    bytes.replaceSubrange(a..<b, with: Array(numbers[Int(rng.next() % UInt64(numbers.count))].utf8))
                case 2: // cut the file
                    bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
                default: // duplicate a slice (repeated entries, broken structure)
                    let a = Int(rng.next() % UInt64(bytes.count)), n = Int(rng.next() % 400)
                    bytes.insert(contentsOf: bytes[a..<min(bytes.count, a + n)], at: a)
                }
            }
            guard let profile = try? Profile.decodeJSON(bytes) else { continue }
            accepted += 1
            var merged = profile
            merged.merge(profile)
            merged.merge(p)
            _ = merged.encodeJSON()
            _ = PolicyGeneration.policy(from: [merged], options: .init(argumentRules: .safe))
        }
        #expect(accepted > 20)
    }
}
