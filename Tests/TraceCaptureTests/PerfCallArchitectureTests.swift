import CTraceCapture
import PolicyModel
import Testing
@testable import TraceCapture

/// How the perf backend tells i386 (compat) calls from native ones on x86_64, on plain values:
/// the registers first, the instruction before rip only when they do not tell.
@Suite struct PerfCallArchitectureTests {
    func sample(nr: Int64, arg1: UInt64, abi: UInt32, cx: UInt64, ip: UInt64) -> CTraceCapture_perf_sample {
        var s = CTraceCapture_perf_sample()
        s.nr = nr
        s.tid = 42
        s.args = (1, arg1, 0, 0, 0, 0)
        s.user_abi = abi
        s.user_cx = cx
        s.user_ip = ip
        return s
    }

    @Test("registers: 32-bit code is compat; a second argument other than rcx is native; rcx != rip is compat without FRED")
    func registers() {
        typealias P = PerfCallArchitecture
        #expect(P.entry(abi: 1, cx: 5, ip: 5, secondArgument: 7, fred: false) == .compat)
        #expect(P.entry(abi: 2, cx: 0x7f00_0000_1000, ip: 0x7f00_0000_1000, secondArgument: 7, fred: false) == .native)
        #expect(P.entry(abi: 2, cx: 0x4000, ip: 0x5555_0000_1000, secondArgument: 0x4000, fred: false) == .compat)
        #expect(P.entry(abi: 2, cx: 0x4000, ip: 0x4000, secondArgument: 0x4000, fred: false) == .readCode)
        #expect(P.entry(abi: 2, cx: 0x4000, ip: 0x5555_0000_1000, secondArgument: 0x4000, fred: true) == .readCode)
        #expect(P.entry(abi: 2, cx: 3, ip: 9, secondArgument: 7, fred: true) == .native)
        #expect(P.entry(abi: 0, cx: 0, ip: 0, secondArgument: 0, fred: false) == .unknown)
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
        let int80 = sample(nr: 102, arg1: 0x4000, abi: 2, cx: 0x4000, ip: 0x4000)
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
        #expect(never.arch(of: sample(nr: 102, arg1: 0x4000, abi: 2, cx: 0x4000, ip: 0x5555_0000_0000)) == .i386)
        #expect(never.arch(of: sample(nr: 102, arg1: 7, abi: 2, cx: 0x5555_0000_0000, ip: 0x5555_0000_0000)) == .x86_64)
        #expect(never.arch(of: sample(nr: 0x4000_0000 | 102, arg1: 7, abi: 2, cx: 1, ip: 1)) == .x32)
        #expect(never.arch(of: sample(nr: 359, arg1: 7, abi: 1, cx: 7, ip: 7)) == .i386)
        #expect(never.arch(of: sample(nr: 102, arg1: 7, abi: 0, cx: 0, ip: 0)) == nil)
        let unchecked = PerfCallArchitecture(checks: false, fred: false) { _, _, _ in nil }
        #expect(unchecked.arch(of: sample(nr: 102, arg1: 7, abi: 0, cx: 0, ip: 0)) == .host)
    }

    @Test("FRED is read from the cpuinfo flags; an unreadable file counts as FRED")
    func fred() throws {
        let dir = try TestSupport.tempDir("fred")
        try "processor\t: 0\nflags\t\t: fpu sse2 fred lass\n".write(toFile: dir + "/on", atomically: true, encoding: .utf8)
        try "processor\t: 0\nflags\t\t: fpu sse2 fredx\n".write(toFile: dir + "/off", atomically: true, encoding: .utf8)
        #expect(PerfCallArchitecture.fredEnabled(cpuinfo: dir + "/on"))
        #expect(!PerfCallArchitecture.fredEnabled(cpuinfo: dir + "/off"))
        #expect(PerfCallArchitecture.fredEnabled(cpuinfo: dir + "/missing"))
    }
}
