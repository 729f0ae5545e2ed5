import CTraceCapture
import PolicyModel
import Testing
@testable import TraceCapture

/// Pairing of sys_enter and sys_exit samples by thread, whatever order the per-CPU rings give.
@Suite struct PerfBackendPairingTests {
    func sample(_ kind: UInt32, tid: Int32, nr: Int64, time: UInt64, ret: Int64 = 0) -> CTraceCapture_perf_sample {
        var s = CTraceCapture_perf_sample()
        s.kind = kind
        s.pid = 100
        s.tid = tid
        s.nr = nr
        s.time = time
        s.ret = ret
        s.args = (UInt64(time), 2, 3, 4, 5, 6)
        return s
    }

    @Test("an exit read before its enter (the thread moved to another CPU) still pairs")
    func exitBeforeEnter() {
        var p = PerfSyscallPairer(withReturns: true)
        var out: [SyscallEvent] = []
        p.add(sample(1, tid: 7, nr: 0, time: 20, ret: 5), arch: .host, into: &out)
        #expect(out.isEmpty)
        p.add(sample(0, tid: 7, nr: 0, time: 10), arch: .host, into: &out)
        #expect(out.count == 1)
        #expect(out.first?.returnValue == 5 && out.first?.args[0] == 10)
        p.finish(into: &out)
        #expect(out.count == 1 && p.unmatchedExits == 0)
    }

    @Test("threads interleave; calls that never return are emitted at the end without a value")
    func interleaved() {
        var p = PerfSyscallPairer(withReturns: true)
        var out: [SyscallEvent] = []
        p.add(sample(0, tid: 1, nr: 0, time: 1), arch: .host, into: &out)
        p.add(sample(0, tid: 2, nr: 1, time: 2), arch: .host, into: &out)
        p.add(sample(1, tid: 2, nr: 1, time: 3, ret: -9), arch: .host, into: &out)
        p.add(sample(0, tid: 3, nr: 7, time: 4), arch: .host, into: &out)  // never returns (blocked at the end)
        p.add(sample(1, tid: 1, nr: 0, time: 5, ret: 4), arch: .host, into: &out)
        p.add(sample(0, tid: 2, nr: CTraceCapture_perf_nr_exit_group(), time: 6), arch: .host, into: &out)
        p.finish(into: &out)
        #expect(out.map(\.tid) == [2, 1, 2, 3])
        #expect(out.map(\.returnValue) == [-9, 4, nil, nil])
    }

    @Test("an exit without any enter (begun before tracing) is counted and dropped")
    func orphanExit() {
        var p = PerfSyscallPairer(withReturns: true)
        var out: [SyscallEvent] = []
        p.add(sample(1, tid: 4, nr: 0, time: 5, ret: 1), arch: .host, into: &out)
        p.add(sample(0, tid: 4, nr: 1, time: 6), arch: .host, into: &out)
        p.add(sample(1, tid: 4, nr: 1, time: 7, ret: 2), arch: .host, into: &out)
        p.finish(into: &out)
        #expect(out.count == 1 && out.first?.nr == 1 && out.first?.returnValue == 2)
        #expect(p.unmatchedExits == 1)
    }

    @Test("x32 numbers are attributed to x32, others to the host")
    func arches() {
        #expect(PerfCallArchitecture.arch(ofNumber: 0x4000_0000 + 1) == (Arch.host == .x86_64 ? .x32 : .host))
        #expect(PerfCallArchitecture.arch(ofNumber: 1) == .host)
        #expect(PerfCallArchitecture.arch(ofNumber: -1) == .host)
    }

    @Test("an i386 call whose number is x86_64's exit_group (231, i386 fgetxattr) waits for its return")
    func i386NumbersAreNotNativeExits() {
        var p = PerfSyscallPairer(withReturns: true)
        var out: [SyscallEvent] = []
        p.add(sample(0, tid: 5, nr: 231, time: 1), arch: .i386, into: &out)
        #expect(out.isEmpty)
        p.add(sample(1, tid: 5, nr: 231, time: 2, ret: -61), arch: .i386, into: &out)
        p.add(sample(0, tid: 5, nr: 252, time: 3), arch: .i386, into: &out)  // i386 exit_group never returns
        #expect(out.map(\.arch) == [.i386, .i386] && out.map(\.returnValue) == [-61, nil])
        p.finish(into: &out)
        #expect(out.count == 2 && p.unmatchedExits == 0)
    }

    @Test("a malformed tracepoint format line is an error naming the file and line")
    func formatError() {
        let text = "name: sys_enter\nformat:\n\tfield:long id;\toffset:x;\tsize:8;\tsigned:1;\n"
        #expect(throws: PerfBackendError.tracefs(
            "f/format line 3: expected `field:TYPE NAME; offset:N; size:N;`, found \"field:long id;\toffset:x;\tsize:8;\tsigned:1;\"")) {
            _ = try PerfTracepoints.parseFormat(text, path: "f/format")
        }
    }

    @Test("the tracefs format files give the fields the reader needs")
    func realFormat() throws {
        let t = try PerfTracepoints.load()
        #expect(t.enterID != t.exitID)
        #expect(t.layout.enter_args_offset == t.layout.enter_id_offset + 8)
        // struct trace_entry: common_type (u16), flags, preempt_count, then common_pid (int)
        #expect(t.layout.type_offset == 0 && t.layout.pid_offset == 4)
        let id = try String(contentsOfFile: t.tracefs + "/events/raw_syscalls/sys_enter/id", encoding: .utf8)
        #expect(UInt32(id.trimmingCharacters(in: .whitespacesAndNewlines)) == t.enterID)
    }
}
