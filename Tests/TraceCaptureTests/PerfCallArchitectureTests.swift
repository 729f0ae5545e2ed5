import CTraceCapture
import PolicyModel
import Testing
@testable import TraceCapture
import TestSupport

/// How the perf backend tells i386 (compat) calls from native ones on x86_64, on plain values:
/// the registers first, the instruction before rip only when they do not tell.
@Suite struct PerfCallArchitectureTests {
    func sample(nr: Int64, arg1: UInt64, arg3: UInt64 = 0, abi: UInt32, cx: UInt64, si: UInt64 = 0, ip: UInt64)
        -> CTraceCapture_perf_sample {
        var s = CTraceCapture_perf_sample()
        s.nr = nr
        s.tid = 42
        s.args = (1, arg1, 0, arg3, 0, 0)
        s.user_abi = abi
        s.user_cx = cx
        s.user_si = si
        s.user_ip = ip
        return s
    }

    @Test("registers: 32-bit code is compat; compat has arg1 == rcx, arg3 == rsi; native arg1 == rsi and, without FRED, rcx == rip")
    func registers() {
        func entry(abi: UInt32 = 2, cx: UInt64, si: UInt64, ip: UInt64, arg1: UInt64, arg3: UInt64, fred: Bool = false)
            -> PerfCallArchitecture.Entry {
            PerfCallArchitecture.entry(abi: abi, cx: cx, si: si, ip: ip, arg1: arg1, arg3: arg3, fred: fred)
        }
        let ip: UInt64 = 0x7f00_0000_1000
        #expect(entry(abi: 1, cx: 5, si: 5, ip: 5, arg1: 7, arg3: 7) == .compat)
        #expect(entry(cx: ip, si: 7, ip: ip, arg1: 7, arg3: 9) == .native)
        #expect(entry(cx: 0x4000, si: 3, ip: ip, arg1: 0x4000, arg3: 3) == .compat)
        // glibc's syscall() in a loop: rsi holds the previous call's rcx, i.e. rip; r10 (arg3) does not.
        #expect(entry(cx: ip, si: ip, ip: ip, arg1: ip, arg3: 0x7ffe_0000) == .native)
        // int $0x80 with ecx holding its return address: rsi (arg3) tells.
        #expect(entry(cx: ip, si: 3, ip: ip, arg1: ip, arg3: 3) == .compat)
        #expect(entry(cx: ip, si: ip, ip: ip, arg1: ip, arg3: ip) == .readCode, "both fit")
        #expect(entry(cx: 1, si: 2, ip: ip, arg1: 2, arg3: 5) == .readCode, "neither fits: rcx is not rip")
        // FRED: rcx tells nothing.
        #expect(entry(cx: 1, si: 2, ip: ip, arg1: 2, arg3: 5, fred: true) == .native)
        #expect(entry(cx: 0, si: 0, ip: ip, arg1: 0, arg3: 0, fred: true) == .readCode)
        #expect(entry(cx: 4, si: 3, ip: ip, arg1: 4, arg3: 3, fred: true) == .compat)
        #expect(entry(abi: 0, cx: 0, si: 0, ip: 0, arg1: 0, arg3: 0) == .unknown)
    }

    @Test("code: syscall is native, int $0x80 and sysenter are compat, anything else tells nothing")
    func code() {
        #expect(PerfCallArchitecture.entry(instructionBefore: [0x0F, 0x05]) == .native)
        #expect(PerfCallArchitecture.entry(instructionBefore: [0xCD, 0x80]) == .compat)
        #expect(PerfCallArchitecture.entry(instructionBefore: [0x0F, 0x34]) == .compat)
        #expect(PerfCallArchitecture.entry(instructionBefore: [0x90, 0x90]) == nil)
        #expect(PerfCallArchitecture.entry(instructionBefore: [0x05]) == nil)
    }

    @Test("a sample's architecture: i386 socketcall is never x86_64 getuid; unreadable or unknown code leaves it unknown")
    func samples() {
        let int80 = sample(nr: 102, arg1: 0x4000, arg3: 0x4000, abi: 2, cx: 0x4000, si: 0x4000, ip: 0x4000)
        let reads: [[UInt8]?] = [[0xCD, 0x80], [0x0F, 0x05], [0x90, 0x90], nil]
        let expected: [Arch?] = [.i386, .x86_64, nil, nil]
        for (code, arch) in zip(reads, expected) {
            let p = PerfCallArchitecture(checks: true, fred: false) { tid, address, count in
                tid == 42 && address == 0x4000 - 2 && count == 2 ? code : nil
            }
            #expect(p.arch(of: int80) == arch)
        }
        let never = PerfCallArchitecture(checks: true, fred: false) { _, _, _ in
            Issue.record("registers told: no read")
            return nil
        }
        #expect(never.arch(of: sample(nr: 102, arg1: 0x4000, abi: 2, cx: 0x4000, si: 0, ip: 0x5555_0000_0000)) == .i386)
        #expect(never.arch(of: sample(nr: 102, arg1: 7, abi: 2, cx: 0x5555_0000_0000, si: 7, ip: 0x5555_0000_0000)) == .x86_64)
        #expect(never.arch(of: sample(nr: 0x4000_0000 | 102, arg1: 7, abi: 2, cx: 1, si: 7, ip: 1)) == .x32)
        #expect(never.arch(of: sample(nr: 359, arg1: 7, abi: 1, cx: 7, ip: 7)) == .i386)
        #expect(never.arch(of: sample(nr: 102, arg1: 7, abi: 0, cx: 0, ip: 0)) == nil)
        let unchecked = PerfCallArchitecture(checks: false, fred: false) { _, _, _ in nil }
        #expect(unchecked.arch(of: sample(nr: 102, arg1: 7, abi: 0, cx: 0, ip: 0)) == .host)
    }

    @Test("FRED is read from the cpuinfo flags; an unreadable file counts as FRED")
    func fred() throws {
        let dir = try TestScratch.directory("fred").path
        try "processor\t: 0\nflags\t\t: fpu sse2 fred lass\n".write(toFile: dir + "/on", atomically: true, encoding: .utf8)
        try "processor\t: 0\nflags\t\t: fpu sse2 fredx\n".write(toFile: dir + "/off", atomically: true, encoding: .utf8)
        #expect(PerfCallArchitecture.fredEnabled(cpuinfo: dir + "/on"))
        #expect(!PerfCallArchitecture.fredEnabled(cpuinfo: dir + "/off"))
        #expect(PerfCallArchitecture.fredEnabled(cpuinfo: dir + "/missing"))
    }
}
