import Foundation
import Testing
@testable import PolicyModel
import TestSupport


private func event(_ nr: Int32, _ args: [UInt64], pid: Int32 = 100, ret: Int64? = nil, paths: [Int: String] = [:]) -> SyscallEvent {
    SyscallEvent(pid: pid, tid: pid, arch: .x86_64, nr: nr, args: args, returnValue: ret, paths: paths)
}

@Suite struct ProfileTests {
    @Test("counts and argument values are exact while few distinct values are seen")
    func exactCounts() throws {
        var p = Profile()
        p.add([event(0, [3, 0x1000, 10]), event(0, [3, 0x2000, 10]), event(0, [4, 0x1000, 10]),
               event(1, [1, 0x3000, 5], ret: 5), event(1, [2, 0x3000, 5], ret: -9)])
        let read = try #require(p.syscall(named: "read", arch: .x86_64))
        #expect(read.count == 3)
        #expect(read.arguments.count == SyscallTable.shared.definition(named: "read")!.arguments.count)
        #expect(read.arguments[0].entries.map(\.value) == [3, 4])
        #expect(read.arguments[0].entries.map(\.count) == [2, 1])
        #expect(read.arguments[0].other == 0)
        #expect(read.arguments[0].exactDistinctCount == 2)
        #expect(read.calls.counts.count == 3)
        let write = try #require(p.syscall(named: "write", arch: .x86_64))
        #expect(write.returns.returned == 2)
        #expect(write.returns.errors == 1)
        #expect(write.returns.errnos == [9: 1])
        #expect(p.names() == ["read", "write"])
        #expect(p.syscalls.map(\.firstSeenIndex) == [0, 1])
        #expect(p.metadata.totalCalls == 5)
    }

    @Test("the summary table has an errors column only when return values were recorded")
    func summaryTable() {
        var plain = Profile()
        plain.add([event(0, [3, 0, 1]), event(0, [3, 0, 1]), event(1, [1, 0, 1])])
        #expect(plain.summaryTable().split(separator: "\n").map(String.init) == [
            "    calls syscall", "--------- ----------------", "        2 read", "        1 write",
            "--------- ----------------", "        3 total",
        ])
        var returns = Profile()
        returns.add([event(0, [3, 0, 1], ret: 1), event(1, [1, 0, 1], ret: -9)])
        #expect(returns.summaryTable().split(separator: "\n").map(String.init) == [
            "    calls    errors syscall", "--------- --------- ----------------", "        1           read",
            "        1         1 write", "--------- --------- ----------------", "        2         1 total",
        ])
    }

    @Test("a number the table does not know is kept under nr_N with six argument histograms")
    func unknownNumber() throws {
        var p = Profile()
        p.add([event(9999, [1, 2, 3, 4, 5, 6])])
        let s = try #require(p.syscall(named: "nr_9999", arch: .x86_64))
        #expect(s.arguments.count == 6)
        #expect(s.number == 9999)
    }

    @Test("memory stays bounded over 200k events with random arguments, and heavy hitters survive")
    func bounded() throws {
        var rng = SplitMix64(seed: 42)
        var p = Profile()
        var batch: [SyscallEvent] = []
        for n in 0..<200_000 {
            let fd: UInt64 = n % 2 == 0 ? 7 : rng.next() % 100_000
            batch.append(event(0, [fd, rng.next(), rng.next() % 3], pid: Int32(n % 3000),
                               paths: [0: "/tmp/f\(rng.next() % 100)"]))
            if batch.count == 4096 { p.add(batch); batch.removeAll(keepingCapacity: true) }
        }
        p.add(batch)
        let read = try #require(p.syscall(named: "read", arch: .x86_64))
        #expect(read.count == 200_000)
        for h in read.arguments {
            #expect(h.values.count <= p.limits.valuesPerArgument)
            #expect(h.total == 200_000)
            #expect(h.entries.reduce(0) { $0 + $1.count } + h.other == 200_000)
        }
        #expect(read.arguments[0].overflowed)
        #expect(read.arguments[0].entries.first?.value == 7)
        #expect(read.arguments[0].count(of: 7) >= 100_000 - UInt64(200_000 / p.limits.valuesPerArgument))
        #expect(read.arguments[2].exactDistinctCount == 3)
        #expect(read.calls.counts.count == p.limits.distinctCalls)
        #expect(read.calls.overflow == 200_000 - read.calls.counts.values.reduce(0, +))
        #expect(read.paths[0]!.counts.count == p.limits.pathSamples)
        #expect(read.paths[0]!.other + read.paths[0]!.counts.values.reduce(0, +) == 200_000)
        #expect(p.metadata.pids.count == p.limits.pids)
    }

    @Test("merging two profiles equals recording both event streams into one")
    func mergeEqualsConcatenation() {
        var rng = SplitMix64(seed: 7)
        func events(_ n: Int) -> [SyscallEvent] {
            (0..<n).map { _ in
                event(Int32(rng.next() % 2), [rng.next() % 5, rng.next() % 3, 0], ret: Int64(rng.next() % 4) - 2,
                      paths: [1: "/p\(rng.next() % 4)"])
            }
        }
        let a = events(300), b = events(500)
        var pa = Profile(), pb = Profile(), both = Profile()
        pa.add(a); pb.add(b); both.add(a + b)
        pa.merge(pb)
        #expect(pa.syscalls == both.syscalls)
        #expect(pa.metadata.totalCalls == 800)
        #expect(pa.metadata.traces == 2)
    }

    @Test("merging overflowed histograms adds totals and keeps the bound")
    func mergeOverflowed() throws {
        var rng = SplitMix64(seed: 9)
        var pa = Profile(), pb = Profile()
        pa.add((0..<5000).map { i in event(0, [i % 2 == 0 ? 1 : rng.next()]) })
        pb.add((0..<3000).map { i in event(0, [i % 3 == 0 ? 2 : rng.next()]) })
        pa.merge(pb)
        let h = try #require(pa.syscall(named: "read", arch: .x86_64)).arguments[0]
        #expect(h.total == 8000)
        #expect(h.values.count <= 32)
        #expect(h.entries.reduce(0) { $0 + $1.count } + h.other == 8000)
        #expect(h.entries.prefix(2).map(\.value).sorted() == [1, 2])
    }

    @Test("a profile survives a JSON round trip unchanged, 64-bit values included")
    func roundTrip() throws {
        var rng = SplitMix64(seed: 3)
        var p = Profile(metadata: ProfileMetadata(command: ["sh", "-c", "echo hi"], backend: "ptrace",
                                                  startTime: 1_700_000_000.5, endTime: 1_700_000_001.25))
        p.add((0..<2000).map { _ in event(Int32(rng.next() % 3), [rng.next(), .max, rng.next() % 4],
                                          ret: -2, paths: [0: "/x/\(rng.next() % 40)"]) }, time: 0.5)
        p.add([event(9999, [1, 2, 3, 4, 5, 6])], time: 1.5)
        p.metadata.lostEvents = 3
        p.metadata.exitCode = 0
        let json = p.encodeJSON()
        let back = try Profile.decodeJSON(json)
        #expect(back == p)
        #expect(back.encodeJSON() == json)
        #expect(String(decoding: json, as: UTF8.self).contains("\"version\" : 1"))
        #expect(String(decoding: json, as: UTF8.self).contains("\"0xffffffffffffffff\""))
    }

    @Test("a call's six arguments hash as one block of 48 bytes: every field counts, equal calls hash equal")
    func callHash() {
        #expect(MemoryLayout<CallArguments>.size == 48)
        let base = CallArguments(1, 2, 3, 4, 5, 6)
        #expect(base.hashValue == CallArguments([1, 2, 3, 4, 5, 6]).hashValue)
        for i in 0..<6 {
            var values: [UInt64] = [1, 2, 3, 4, 5, 6]
            values[i] ^= 1 << 40
            #expect(CallArguments(values).hashValue != base.hashValue, "argument \(i)")
        }
    }

    @Test("an unknown version is refused with an error naming it")
    func badVersion() {
        let text = #"{"version": 7, "metadata": {}, "syscalls": []}"#
        #expect(throws: ProfileError.unsupportedVersion(7)) { try Profile.decodeJSON(Array(text.utf8)) }
        #expect(ProfileError.unsupportedVersion(7).description.contains("version 7"))
        #expect(throws: ProfileError.invalid(field: "version", expected: "the format version number (1)")) {
            try Profile.decodeJSON(Array(#"{"syscalls": []}"#.utf8))
        }
    }

    @Test("a malformed field is reported by its path")
    func malformed() throws {
        var p = Profile()
        p.add([event(0, [1, 2, 3])])
        let good = String(decoding: p.encodeJSON(), as: UTF8.self)
        func field(_ text: String) -> String? {
            do { _ = try Profile.decodeJSON(Array(text.utf8)); return nil } catch {
                if case .invalid(let f, _) = error { return f }
                return "\(error)"
            }
        }
        #expect(field(good.replacingOccurrences(of: "\"count\" : 1,\n      \"firstSeen\"", with: "\"count\" : \"one\",\n      \"firstSeen\"")) == "syscalls[0].count")
        #expect(field(good.replacingOccurrences(of: "\"value\" : \"0x1\"", with: "\"value\" : \"one\"")) == "syscalls[0].args[0].values[0].value")
        #expect(field(good.replacingOccurrences(of: "\"arch\" : \"x86_64\"", with: "\"arch\" : \"vax\"")) == "syscalls[0].arch")
        #expect(field(good.replacingOccurrences(of: "\"total\" : 1", with: "\"total\" : 5")) == "syscalls[0].args[0].total")
        #expect(throws: ProfileError.self) { try Profile.decodeJSON(Array("not json".utf8)) }
        #expect(field(good) == nil)
    }
}
