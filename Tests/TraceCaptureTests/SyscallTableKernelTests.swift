import Testing
import PolicyModel
@testable import TraceCapture

/// The syscall table against the running kernel: a rule for any call of the table is compiled
/// and enforced, the calls added after the 6.1 headers (`fchmodat2`, `mseal`, `listmount`, ...)
/// included. Every probed call is refused with an errno, so none of them executes.
@Suite(.serialized) struct SyscallTableKernelTests {
    @Test("a text policy's errno rules for calls newer than the 6.1 headers hold in the kernel")
    func newerCallsEnforced() throws {
        let parsed = try TextPolicy.parse("""
            @default allow
            @arch x86_64 i386
            fchmodat2: errno 33
            mseal: errno 34
            listmount: errno 35
            futex_wait: errno 36
            cachestat: errno 37
            """)
        #expect(parsed.warnings.isEmpty)
        let program = try BPFCompiler.compile(parsed.policy)
        // The kernel's numbers (fchmodat2, mseal, listmount, futex_wait, cachestat), written out
        // and not taken from the table: what is checked is that the table's rules reach them.
        let calls = [FilterProbe.Call(nr: 452), FilterProbe.Call(nr: 462), FilterProbe.Call(nr: 458),
                     FilterProbe.Call(nr: 455), FilterProbe.Call(nr: 451),
                     FilterProbe.Call(nr: 452, compat: true), FilterProbe.Call(nr: 462, compat: true),
                     FilterProbe.Call("getpid")]  // allowed
        let result = try FilterProbe.run(program, calls: calls)
        try #require(result.errnos.count == calls.count, "the child ended early: signal \(result.terminationSignal)")
        #expect(result.errnos == [33, 34, 35, 36, 37, 33, 34, 0])
        // What the filter says of nr 452 is what the policy says: no "every other syscall" for it.
        let summary = FilterSummary(program: program, arches: [.x86_64])
        let fchmodat2 = try #require(summary.architectures[0].entries.first { $0.name == "fchmodat2" })
        #expect(fchmodat2.nr == 452 && fchmodat2.outcome == .constant(.errno(33)))
    }

    /// Calls the kernel runs without asking seccomp (since Linux 6.11, "seccomp: passthrough
    /// uretprobe systemcall without filtering", and the same later for uprobe): an errno rule for
    /// them is not what the caller gets (here SIGSEGV or EPERM from the call itself).
    static let unfiltered: Set = ["uprobe", "uretprobe"]

    @Test("every x86_64 and i386 call of the table reaches its own rule in the kernel", arguments: [false, true])
    func everyCallCompiled(compat: Bool) throws {
        let arch: Arch = compat ? .i386 : .x86_64
        let table = SyscallTable.shared
        let leave: Set = ["exit", "exit_group"]
        let probed = table.definitions(for: arch).filter { !leave.contains($0.name) && !Self.unfiltered.contains($0.name) }
        #expect(probed.count > (compat ? 420 : 360))
        // Errno i + 1 for the i-th call, 4000 for numbers no rule names.
        var rules = leave.map { Rule(syscall: $0, action: .allow) }
        for (i, d) in probed.enumerated() { rules.append(Rule(syscall: d.name, action: .errno(UInt16(i + 1)))) }
        let policy = Policy(defaultAction: .errno(4000), architectures: [arch], badArchAction: .errno(4001), rules: rules)
        let program = try BPFCompiler.compile(policy)
        var calls = probed.map { FilterProbe.Call(nr: Int($0.numbers[arch]!), compat: compat) }
        calls.append(FilterProbe.Call(nr: 1000, compat: compat))  // no syscall: the default
        // Without x86_64 in the policy the child leaves through i386's exit_group.
        let exit = compat ? [FilterProbe.Call(nr: Int(table.number(of: "exit_group", arch: .i386)!), compat: true)] : []
        let result = try FilterProbe.run(program, calls: calls + exit)
        let stop = result.errnos.count < calls.count ? "nr \(calls[result.errnos.count].nr)" : "the end"
        try #require(result.errnos.count == calls.count,
                     "the child ended at \(stop): signal \(result.terminationSignal), exit code \(result.exitCode)")
        let expected = probed.indices.map { Int32($0 + 1) } + [4000]
        let wrong = zip(probed.map(\.name) + ["1000"], zip(result.errnos, expected)).filter { $1.0 != $1.1 }
        #expect(wrong.isEmpty, "\(arch): \(wrong.prefix(10).map { "\($0.0): errno \($0.1.0), expected \($0.1.1)" })")
    }
}
