import CTraceCapture
import Foundation
import Testing
@testable import TraceCapture

/// The ring reader on a ring buffer built in memory, as the kernel lays it out: a
/// `perf_event_mmap_page` then the data pages. Each sample layout the backend opens events with
/// (RAW, plus TID outside the initial pid namespace, TIME with return values, IDENTIFIER when
/// attaching) is parsed field by field, and so are FORK records; records cut short or of other
/// types are skipped and counted, never read past.
@Suite struct PerfRingReaderTests {
    static let page = 4096
    static let dataPages = 2
    // The layout of the raw data, as the tracefs format files give it on x86_64.
    static let layout = CTraceCapture_perf_layout(
        enter_type: 443, exit_type: 442, type_offset: 0, pid_offset: 4, enter_id_offset: 8, enter_args_offset: 16,
        exit_id_offset: 8, exit_ret_offset: 16)

    /// An in-memory ring: `meta` at the start, data after one page.
    final class FakeRing {
        let memory: UnsafeMutableRawPointer
        let ring: UnsafeMutablePointer<CTraceCapture_perf_ring>
        var head = 0

        init(sampleType: UInt64) {
            let size = (1 + PerfRingReaderTests.dataPages) * PerfRingReaderTests.page
            memory = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: PerfRingReaderTests.page)
            memory.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            ring = .allocate(capacity: 1)
            ring.initialize(to: CTraceCapture_perf_ring())
            ring.pointee.sample_type = sampleType
            ring.pointee.base = memory
            ring.pointee.data_offset = UInt64(PerfRingReaderTests.page)
            ring.pointee.data_size = PerfRingReaderTests.dataPages * PerfRingReaderTests.page
        }

        deinit {
            ring.deallocate()
            memory.deallocate()
        }

        /// Appends a record (header then body), wrapping at the end of the data area, and
        /// publishes it by moving `data_head`.
        func append(type: UInt32, body: [UInt8], size: Int? = nil) {
            var bytes: [UInt8] = []
            withUnsafeBytes(of: type.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: UInt16(0)) { bytes += $0 }
            withUnsafeBytes(of: UInt16(size ?? 8 + body.count).littleEndian) { bytes += $0 }
            bytes += body
            let dataSize = PerfRingReaderTests.dataPages * PerfRingReaderTests.page
            let data = memory + PerfRingReaderTests.page
            for b in bytes {
                data.storeBytes(of: b, toByteOffset: head % dataSize, as: UInt8.self)
                head += 1
            }
            // data_head is the first u64 at offset 1024 of perf_event_mmap_page.
            memory.storeBytes(of: UInt64(head), toByteOffset: 1024, as: UInt64.self)
        }

        func read(max: Int = 64) -> (samples: [CTraceCapture_perf_sample], lost: UInt64, skipped: UInt64) {
            var layout = PerfRingReaderTests.layout
            let out = UnsafeMutablePointer<CTraceCapture_perf_sample>.allocate(capacity: max)
            defer { out.deallocate() }
            var lost: UInt64 = 0
            var skipped: UInt64 = 0
            let n = CTraceCapture_perf_ring_read(ring, &layout, out, max, &lost, &skipped)
            return (Array(UnsafeBufferPointer(start: out, count: n)), lost, skipped)
        }
    }

    static func u16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    static func u32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    static func u64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    /// The raw tracepoint data of a sys_enter: common fields, id, six arguments (64 bytes), padded
    /// with its u32 size to a multiple of 8 as the kernel does.
    static func enterRaw(nr: UInt64, args: [UInt64], commonPID: UInt32 = 0) -> [UInt8] {
        var raw = u16(443) + [0, 0] + u32(commonPID) + u64(nr)
        for a in args { raw += u64(a) }
        return u32(UInt32(raw.count + 4)) + raw + [0, 0, 0, 0]
    }

    static func exitRaw(nr: UInt64, ret: Int64, commonPID: UInt32 = 0) -> [UInt8] {
        let raw = u16(442) + [0, 0] + u32(commonPID) + u64(nr) + u64(UInt64(bitPattern: ret))
        return u32(UInt32(raw.count + 4)) + raw + [0, 0, 0, 0]
    }

    /// A sample's body; `pid` and `tid` nil: without PERF_SAMPLE_TID.
    static func sample(id: UInt64?, pid: UInt32?, tid: UInt32?, time: UInt64?, raw: [UInt8]) -> [UInt8] {
        var body: [UInt8] = []
        if let id { body += u64(id) }
        if let pid, let tid { body += u32(pid) + u32(tid) }
        if let time { body += u64(time) }
        return body + raw
    }

    static let sampleRecord: UInt32 = 9  // PERF_RECORD_SAMPLE
    static let lostRecord: UInt32 = 2  // PERF_RECORD_LOST
    static let exitRecord: UInt32 = 4  // PERF_RECORD_EXIT
    static let forkRecord: UInt32 = 7  // PERF_RECORD_FORK

    /// A FORK or EXIT record's body: pid, ppid, tid, ptid, time.
    static func task(pid: UInt32, ppid: UInt32, tid: UInt32, ptid: UInt32) -> [UInt8] {
        u32(pid) + u32(ppid) + u32(tid) + u32(ptid) + u64(123_456)
    }

    @Test("RAW only: the thread from common_pid, the process left unknown (0)")
    func rawOnly() {
        let ring = FakeRing(sampleType: CTraceCapture_perf_sample_type(0, 0, 0, 0))
        ring.append(type: Self.sampleRecord, body: Self.sample(
            id: nil, pid: nil, tid: nil, time: nil, raw: Self.enterRaw(nr: 39, args: [1, 2, 3, 4, 5, 6], commonPID: 4321)))
        ring.append(type: Self.sampleRecord, body: Self.sample(
            id: nil, pid: nil, tid: nil, time: 77, raw: Self.exitRaw(nr: 39, ret: 5, commonPID: 4322)))
        let r = FakeRing(sampleType: CTraceCapture_perf_sample_type(1, 0, 0, 0))
        r.append(type: Self.sampleRecord, body: Self.sample(
            id: nil, pid: nil, tid: nil, time: 77, raw: Self.exitRaw(nr: 39, ret: 5, commonPID: 4322)))
        let a = ring.read()
        #expect(a.samples.count == 1 && a.skipped == 1)  // the second has a TIME field this ring does not expect
        #expect(a.samples.first?.pid == 0 && a.samples.first?.tid == 4321 && a.samples.first?.nr == 39)
        #expect(a.samples.first?.args.5 == 6)
        let b = r.read()
        #expect(b.samples.count == 1 && b.skipped == 0)
        #expect(b.samples.first?.kind == 1 && b.samples.first?.tid == 4322 && b.samples.first?.time == 77)
        #expect(b.samples.first?.ret == 5 && b.samples.first?.pid == 0)
    }

    @Test("FORK records give the new thread and its process; EXIT records pass quietly; short ones are skipped")
    func forkAndExit() {
        let ring = FakeRing(sampleType: CTraceCapture_perf_sample_type(0, 0, 0, 0))
        ring.append(type: Self.forkRecord, body: Self.task(pid: 500, ppid: 400, tid: 501, ptid: 400))
        ring.append(type: Self.exitRecord, body: Self.task(pid: 500, ppid: 400, tid: 501, ptid: 400))
        ring.append(type: Self.forkRecord, body: Self.u32(1) + Self.u32(2))
        ring.append(type: Self.sampleRecord, body: Self.sample(
            id: nil, pid: nil, tid: nil, time: nil, raw: Self.enterRaw(nr: 60, args: [0, 0, 0, 0, 0, 0], commonPID: 501)))
        let r = ring.read()
        #expect(r.skipped == 1 && r.lost == 0)
        #expect(r.samples.count == 2)
        #expect(r.samples.first?.kind == 2 && r.samples.first?.pid == 500 && r.samples.first?.tid == 501)
        #expect(r.samples.first?.nr == 0 && r.samples.first?.args.0 == 0)
        #expect(r.samples.last?.kind == 0 && r.samples.last?.tid == 501 && r.samples.last?.nr == 60)
    }

    @Test("TID and RAW: pid, tid, number and arguments; no id, no time")
    func tidRaw() {
        let ring = FakeRing(sampleType: CTraceCapture_perf_sample_type(0, 0, 1, 0))
        ring.append(type: Self.sampleRecord, body: Self.sample(
            id: nil, pid: 10, tid: 11, time: nil, raw: Self.enterRaw(nr: 39, args: [1, 2, 3, 4, 5, 6])))
        let r = ring.read()
        #expect(r.samples.count == 1 && r.skipped == 0)
        let s = r.samples[0]
        #expect(s.kind == 0 && s.pid == 10 && s.tid == 11 && s.nr == 39 && s.id == 0 && s.time == 0)
        #expect([s.args.0, s.args.1, s.args.2, s.args.3, s.args.4, s.args.5] == [1, 2, 3, 4, 5, 6])
    }

    @Test("TID, TIME and RAW: an enter and an exit with their times and return value")
    func withTime() {
        let ring = FakeRing(sampleType: CTraceCapture_perf_sample_type(1, 0, 1, 0))
        ring.append(type: Self.sampleRecord, body: Self.sample(
            id: nil, pid: 10, tid: 12, time: 1000, raw: Self.enterRaw(nr: 0, args: [7, 0, 0, 0, 0, 0])))
        ring.append(type: Self.sampleRecord, body: Self.sample(
            id: nil, pid: 10, tid: 12, time: 1001, raw: Self.exitRaw(nr: 0, ret: -2)))
        let r = ring.read()
        #expect(r.samples.count == 2 && r.skipped == 0)
        #expect(r.samples[0].kind == 0 && r.samples[0].time == 1000 && r.samples[0].args.0 == 7)
        #expect(r.samples[1].kind == 1 && r.samples[1].time == 1001 && r.samples[1].ret == -2 && r.samples[1].tid == 12)
    }

    @Test("IDENTIFIER, TID and RAW: the event id comes first")
    func withID() {
        let ring = FakeRing(sampleType: CTraceCapture_perf_sample_type(0, 1, 1, 0))
        ring.append(type: Self.sampleRecord, body: Self.sample(
            id: 77, pid: 20, tid: 21, time: nil, raw: Self.enterRaw(nr: 110, args: [0, 0, 0, 0, 0, 0])))
        let r = ring.read()
        #expect(r.samples.count == 1)
        #expect(r.samples.first?.id == 77 && r.samples.first?.pid == 20 && r.samples.first?.nr == 110)
    }

    @Test("lost records are counted; other records, other tracepoints and short samples are skipped")
    func lostAndSkipped() {
        let ring = FakeRing(sampleType: CTraceCapture_perf_sample_type(1, 1, 1, 0))
        ring.append(type: Self.lostRecord, body: Self.u64(5) + Self.u64(1234))
        ring.append(type: 3, body: Self.u64(0))  // PERF_RECORD_COMM-like: not ours
        var other = Self.enterRaw(nr: 1, args: [0, 0, 0, 0, 0, 0])
        other[4] = 0x99  // common_type of another tracepoint
        ring.append(type: Self.sampleRecord, body: Self.sample(id: 1, pid: 1, tid: 1, time: 1, raw: other))
        // A sample whose raw size claims more bytes than the record holds.
        var long = Self.enterRaw(nr: 1, args: [0, 0, 0, 0, 0, 0])
        long.replaceSubrange(0..<4, with: Self.u32(4096))
        ring.append(type: Self.sampleRecord, body: Self.sample(id: 1, pid: 1, tid: 1, time: 1, raw: long))
        // A sample cut before its TIME field.
        ring.append(type: Self.sampleRecord, body: Self.u64(1) + Self.u32(1) + Self.u32(1))
        ring.append(type: Self.sampleRecord, body: Self.sample(
            id: 3, pid: 4, tid: 5, time: 6, raw: Self.enterRaw(nr: 2, args: [0, 0, 0, 0, 0, 0])))
        let r = ring.read()
        #expect(r.lost == 1234)
        #expect(r.skipped == 4)
        #expect(r.samples.count == 1 && r.samples.first?.nr == 2 && r.samples.first?.time == 6)
    }

    @Test("a record that wraps around the end of the data area is read whole")
    func wraps() {
        let ring = FakeRing(sampleType: CTraceCapture_perf_sample_type(0, 0, 1, 0))
        let body = Self.sample(id: nil, pid: 1, tid: 2, time: nil, raw: Self.enterRaw(nr: 3, args: [9, 9, 9, 9, 9, 9]))
        let recordSize = 8 + body.count
        let count = Self.dataPages * Self.page / recordSize + 3
        var seen = 0
        for i in 0..<count {
            ring.append(type: Self.sampleRecord, body: Self.sample(
                id: nil, pid: 1, tid: UInt32(i), time: nil, raw: Self.enterRaw(nr: 3, args: [9, 9, 9, 9, 9, UInt64(i)])))
            let r = ring.read()
            #expect(r.samples.count == 1 && r.skipped == 0)
            if let s = r.samples.first, s.tid == Int32(i), s.args.5 == UInt64(i) { seen += 1 }
        }
        #expect(seen == count)
    }

    @Test("a header whose size runs past data_head drops the rest of what was published")
    func badHeader() {
        let ring = FakeRing(sampleType: CTraceCapture_perf_sample_type(0, 0, 1, 0))
        ring.append(type: Self.sampleRecord, body: Self.u64(0), size: 200)
        let r = ring.read()
        #expect(r.samples.isEmpty && r.skipped == 1)
        #expect(CTraceCapture_perf_ring_pending(ring.ring) == 0)
    }

    @Test("REGS_USER: a sys_enter sample's ABI, rcx, rsi and rip after the raw data; exits carry none; an ABI-NONE sample no registers")
    func userRegisters() throws {
        try #require(CTraceCapture_perf_regs_supported() != 0, "x86_64 hosts only")
        let ring = FakeRing(sampleType: CTraceCapture_perf_sample_type(1, 0, 0, 1))
        ring.append(type: Self.sampleRecord, body: Self.sample(
            id: nil, pid: nil, tid: nil, time: 5, raw: Self.enterRaw(nr: 102, args: [1, 0x4000, 0, 0, 0, 0], commonPID: 9))
            + Self.u64(2) + Self.u64(0x4000) + Self.u64(0x77) + Self.u64(0x5555_1234))
        ring.append(type: Self.sampleRecord, body: Self.sample(
            id: nil, pid: nil, tid: nil, time: 6, raw: Self.exitRaw(nr: 102, ret: 3, commonPID: 9)))
        ring.append(type: Self.sampleRecord, body: Self.sample(
            id: nil, pid: nil, tid: nil, time: 7, raw: Self.enterRaw(nr: 20, args: [0, 0, 0, 0, 0, 0], commonPID: 9))
            + Self.u64(0))
        // Registers cut short, and an ABI value the kernel never writes: skipped.
        ring.append(type: Self.sampleRecord, body: Self.sample(
            id: nil, pid: nil, tid: nil, time: 8, raw: Self.enterRaw(nr: 20, args: [0, 0, 0, 0, 0, 0], commonPID: 9))
            + Self.u64(1) + Self.u64(7))
        ring.append(type: Self.sampleRecord, body: Self.sample(
            id: nil, pid: nil, tid: nil, time: 9, raw: Self.enterRaw(nr: 20, args: [0, 0, 0, 0, 0, 0], commonPID: 9))
            + Self.u64(3) + Self.u64(0) + Self.u64(0) + Self.u64(0))
        let r = ring.read()
        #expect(r.skipped == 2)
        try #require(r.samples.count == 3)
        #expect(r.samples[0].user_abi == 2 && r.samples[0].user_cx == 0x4000 && r.samples[0].user_si == 0x77)
        #expect(r.samples[0].user_ip == 0x5555_1234)
        #expect(r.samples[1].kind == 1 && r.samples[1].ret == 3 && r.samples[1].user_abi == 0)
        #expect(r.samples[2].nr == 20 && r.samples[2].user_abi == 0 && r.samples[2].user_ip == 0)
    }
}
