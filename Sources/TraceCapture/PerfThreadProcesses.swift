import CTraceCapture

/// The process of each traced thread, for samples taken without PERF_SAMPLE_TID (a field the
/// traced thread would write on every call): such a sample names only its thread (the raw
/// record's `common_pid`), and a thread's process comes from the PERF_RECORD_FORK that made it.
///
/// That record sits in the ring of the CPU where the parent ran, so a new thread's first samples
/// can be read (from another CPU's ring) before it: they wait, and so do that thread's later
/// samples, to keep its calls in order. The kernel writes a FORK record before the new thread
/// runs, so the record is in its ring by the time any sample of the thread is read, and the next
/// pass over every ring finds it. A sample still without a process after a whole pass (its FORK
/// record was lost to a full ring) takes the process from /proc, or else its thread's own id.
struct PerfThreadProcesses {
    private var processOf: [Int32: Int32]
    /// Samples waiting for their thread's process, in the order read.
    private var waiting: [CTraceCapture_perf_sample] = []
    /// The threads of `waiting`, each with the pass in which its first sample waited.
    private var waitingSince: [Int32: Int] = [:]
    private var pass = 0
    private var lastThread: Int32 = 0
    private var lastProcess: Int32 = 0
    private let lookUp: (Int32) -> Int32?

    /// `known` maps each thread traced from the start to its process; `lookUp` finds the process
    /// of a thread whose FORK record never came (by default `Tgid:` in /proc/TID/status).
    init(known: [Int32: Int32], lookUp: @escaping (Int32) -> Int32? = { ProcFS.tgid(of: $0) }) {
        processOf = known
        self.lookUp = lookUp
    }

    /// Samples waiting for a FORK record.
    var waitingCount: Int { waiting.count }

    /// Takes a FORK record (`kind` 2): thread `tid` belongs to process `pid`.
    mutating func learn(_ fork: CTraceCapture_perf_sample) {
        processOf[fork.tid] = fork.pid
        if fork.tid == lastThread { lastProcess = fork.pid }
    }

    /// The sample with its process filled in, or nil when it must wait (it is then kept, to come
    /// out of `endPass` or `finish`).
    mutating func resolve(_ sample: CTraceCapture_perf_sample) -> CTraceCapture_perf_sample? {
        var s = sample
        if s.tid == lastThread && lastThread != 0 {
            s.pid = lastProcess
            return s
        }
        if waitingSince.isEmpty || waitingSince[s.tid] == nil, let pid = processOf[s.tid] {
            lastThread = s.tid
            lastProcess = pid
            s.pid = pid
            return s
        }
        if waitingSince[s.tid] == nil { waitingSince[s.tid] = pass }
        waiting.append(s)
        return nil
    }

    /// Ends a pass over every ring: returns, in the order read, the waiting samples whose thread's
    /// process is now known, or whose thread has waited a whole pass (then resolved from /proc).
    mutating func endPass() -> [CTraceCapture_perf_sample] {
        defer { pass += 1 }
        if waiting.isEmpty { return [] }
        var ready = Set<Int32>()
        for (tid, since) in waitingSince {
            if processOf[tid] != nil {
                ready.insert(tid)
            } else if since < pass {
                processOf[tid] = lookUp(tid) ?? tid
                ready.insert(tid)
            }
        }
        return release(ready)
    }

    /// Every waiting sample, those of threads without a FORK record resolved from /proc.
    mutating func finish() -> [CTraceCapture_perf_sample] {
        for tid in waitingSince.keys where processOf[tid] == nil {
            processOf[tid] = lookUp(tid) ?? tid
        }
        return release(Set(waitingSince.keys))
    }

    private mutating func release(_ ready: Set<Int32>) -> [CTraceCapture_perf_sample] {
        if ready.isEmpty { return [] }
        var out: [CTraceCapture_perf_sample] = []
        var still: [CTraceCapture_perf_sample] = []
        for var s in waiting {
            if ready.contains(s.tid) {
                s.pid = processOf[s.tid]!
                out.append(s)
            } else {
                still.append(s)
            }
        }
        waiting = still
        for tid in ready { waitingSince[tid] = nil }
        return out
    }
}
