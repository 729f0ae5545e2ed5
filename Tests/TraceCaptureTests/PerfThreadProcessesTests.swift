import CTraceCapture
import Testing
@testable import TraceCapture

/// How samples without PERF_SAMPLE_TID get their process: from the threads known at the start,
/// from FORK records, read before or after the thread's first samples, and from /proc (here a
/// stand-in) when a FORK record never comes.
@Suite struct PerfThreadProcessesTests {
    static func sample(tid: Int32, nr: Int64) -> CTraceCapture_perf_sample {
        var s = CTraceCapture_perf_sample()
        s.tid = tid
        s.nr = nr
        return s
    }

    static func fork(pid: Int32, tid: Int32) -> CTraceCapture_perf_sample {
        var s = CTraceCapture_perf_sample()
        s.kind = 2
        s.pid = pid
        s.tid = tid
        return s
    }

    @Test("known threads and threads whose FORK record came first resolve at once")
    func immediate() {
        var t = PerfThreadProcesses(known: [100: 100], lookUp: { _ in nil })
        #expect(t.resolve(Self.sample(tid: 100, nr: 1))?.pid == 100)
        t.learn(Self.fork(pid: 100, tid: 101))  // a thread
        t.learn(Self.fork(pid: 102, tid: 102))  // a child process
        #expect(t.resolve(Self.sample(tid: 101, nr: 2))?.pid == 100)
        #expect(t.resolve(Self.sample(tid: 102, nr: 3))?.pid == 102)
        #expect(t.resolve(Self.sample(tid: 100, nr: 4))?.pid == 100)
        #expect(t.waitingCount == 0 && t.endPass().isEmpty)
    }

    @Test("samples read before their FORK record wait, with the thread's later ones, and come out in order")
    func waitsForFork() {
        var t = PerfThreadProcesses(known: [100: 100], lookUp: { _ in Issue.record("no lookup expected"); return nil })
        #expect(t.resolve(Self.sample(tid: 200, nr: 1)) == nil)
        #expect(t.resolve(Self.sample(tid: 100, nr: 2))?.pid == 100)  // others go on
        #expect(t.resolve(Self.sample(tid: 200, nr: 3)) == nil)
        #expect(t.endPass().isEmpty)  // first pass: the record may still be in a ring not yet read
        t.learn(Self.fork(pid: 150, tid: 200))
        // Known now, but it still waits behind the thread's earlier samples.
        #expect(t.resolve(Self.sample(tid: 200, nr: 4)) == nil)
        let out = t.endPass()
        #expect(out.map(\.nr) == [1, 3, 4] && out.allSatisfy { $0.pid == 150 && $0.tid == 200 })
        #expect(t.waitingCount == 0)
        #expect(t.resolve(Self.sample(tid: 200, nr: 5))?.pid == 150)
    }

    @Test("a thread without a FORK record after a whole pass takes its process from /proc, else its own id")
    func fallsBack() {
        var asked: [Int32] = []
        var t = PerfThreadProcesses(known: [:], lookUp: { tid in
            asked.append(tid)
            return tid == 300 ? 299 : nil
        })
        #expect(t.resolve(Self.sample(tid: 300, nr: 1)) == nil)
        #expect(t.resolve(Self.sample(tid: 400, nr: 2)) == nil)
        #expect(t.endPass().isEmpty && asked.isEmpty)
        #expect(t.resolve(Self.sample(tid: 500, nr: 3)) == nil)  // first seen in this pass: waits on
        let out = t.endPass()
        #expect(Set(asked) == [300, 400])
        #expect(out.map(\.nr) == [1, 2] && out.map(\.pid) == [299, 400])
        #expect(t.waitingCount == 1)
        #expect(t.resolve(Self.sample(tid: 300, nr: 4))?.pid == 299)  // remembered
        let last = t.finish()
        #expect(last.map(\.nr) == [3] && last.first?.pid == 500 && t.waitingCount == 0)
    }

    @Test("a reused thread id takes the process of its newest FORK record")
    func reuse() {
        var t = PerfThreadProcesses(known: [100: 100], lookUp: { _ in nil })
        #expect(t.resolve(Self.sample(tid: 100, nr: 1))?.pid == 100)
        t.learn(Self.fork(pid: 700, tid: 100))
        #expect(t.resolve(Self.sample(tid: 100, nr: 2))?.pid == 700)
    }
}
