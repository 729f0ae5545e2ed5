import Testing
import PolicyModel
@testable import TraceCapture
import TestSupport

/// Policies listing only i386, x32 without x86_64, or an architecture twice, compiled and installed: the
/// kernel's errno for native, x32 and i386 calls is `Policy.decide`'s.
@Suite(.serialized) struct ArchitectureListKernelTests {
    /// Every list holds x86_64 or i386, so the child can leave through an allowed `exit_group`
    /// (this kernel may lack the x32 ABI: x32-only lists are covered by the emulator tests).
    @Test("i386-only, x32 and i386, and repeated architecture lists decide in the kernel as Policy.decide",
          arguments: [[Arch.i386], [.x86_64, .x86_64], [.x32, .i386, .x32], [.i386, .x86_64, .i386], [.x86_64, .x32]])
    func architectureLists(architectures: [Arch]) throws {
        let table = FilterProbeKernelTests.table
        let rules = [Rule(syscall: "getppid", action: .errno(77)), Rule(syscall: "exit_group", action: .allow),
                     Rule(syscall: "umask", action: .errno(78), conditions: [Condition(index: 0, op: .eq, value: 0o22, width: .bits32)])]
        let p = Policy(defaultAction: .errno(5), architectures: architectures, badArchAction: .errno(9), rules: rules)
        let program = try BPFCompiler.compile(p, table: table)
        var calls: [FilterProbe.Call] = []
        for (name, args) in [("getppid", [UInt64]()), ("umask", [0o22]), ("umask", [0x1_0000_0012]), ("getpid", [])] {
            calls.append(FilterProbe.Call(name, args: args))
            calls.append(FilterProbe.Call(nr: Int(sysno(name, .x32)), args: args))
        }
        for (name, args) in [("getppid", [UInt64]()), ("umask", [0o22]), ("umask", [0o23]), ("getpid", [])] {
            calls.append(FilterProbe.Call(name, .i386, args: args))
        }
        // Without x86_64 the child's own exit_group would fail: it leaves through i386's.
        let leave = architectures.contains(.x86_64) ? [] : [FilterProbe.Call("exit_group", .i386)]
        let result = try FilterProbe.run(program, calls: calls + leave)
        try #require(result.errnos.count == calls.count, "the child ended early: signal \(result.terminationSignal)")
        #expect(result.exitCode == 0)
        for (call, kernelErrno) in zip(calls, result.errnos) {
            let data = call.seccompData
            let decided = p.decide(data, table: table)
            #expect(BPFEmulator.runValidated(program, on: data).action == decided)
            #expect(.errno(UInt16(kernelErrno)) == decided, "\(data): kernel errno \(kernelErrno), decide \(decided)")
        }
        // Each listed architecture's calls reach its rules; the others get the bad-arch action.
        let getppid: [(FilterProbe.Call, Arch)] = [(calls[0], .x86_64), (calls[1], .x32), (calls[8], .i386)]
        for (call, arch) in getppid {
            let index = calls.firstIndex(of: call)!
            #expect(result.errnos[index] == (Set(architectures).contains(arch) ? 77 : 9), "getppid on \(arch)")
        }
    }
}
