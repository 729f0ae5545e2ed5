import Testing
import PolicyModel
@testable import TraceCapture
import TestSupport

/// Compiled filters against the real kernel: every rule of every policy returns a distinct errno
/// (and so do the default and bad-arch actions), so no probed call executes; the errno the kernel
/// returns for each raw call must be the emulator's answer and `Policy.decide`'s.
@Suite(.serialized) struct FilterProbeKernelTests {
    /// Calls harmless anyway, as the syscall table has them (numbers of every architecture,
    /// argument widths); `exit_group` and `exit` so the child can leave.
    static let table = SyscallTable(definitions: [
        "read", "close", "lseek", "ioctl", "dup", "getpid", "exit", "kill", "fcntl", "umask", "getuid", "getppid",
        "personality", "getpriority", "futex", "exit_group",
    ].map { SyscallTable.shared.definition(named: $0)! })

    static let values: [UInt64] = [0, 1, 2, 3, 5, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
                                   0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FF9C, 0xFFFF_FF9C, 0xFFFF_FFFF_0000_0001]

    static func policy(_ g: inout SplitMix64) -> Policy {
        var errno: UInt16 = 1
        func nextErrno() -> Action { errno += 1; return .errno(errno) }
        let names = table.definitions.map(\.name).filter { $0 != "exit" && $0 != "exit_group" }
        var rules = [Rule(syscall: "exit_group", action: .allow), Rule(syscall: "exit", action: .allow)]
        for _ in 0..<Int.random(in: 1...16, using: &g) {
            let conditions = (0..<Int.random(in: 0...2, using: &g)).map { _ -> Condition in
                let op = CompareOp.allCases.randomElement(using: &g)!
                return Condition(index: Int.random(in: 0..<3, using: &g), op: op, value: values.randomElement(using: &g)!,
                                 valueTwo: op == .maskedEq ? values.randomElement(using: &g)! : 0,
                                 width: Bool.random(using: &g) ? .bits32 : .bits64)
            }
            rules.append(Rule(syscall: names.randomElement(using: &g)!, action: nextErrno(), conditions: conditions))
        }
        var archs: [Arch] = [.x86_64]
        if Bool.random(using: &g) { archs.append(.x32) }
        if Bool.random(using: &g) { archs.append(.i386) }
        return Policy(defaultAction: nextErrno(), architectures: archs, badArchAction: nextErrno(), rules: rules)
    }

    static func call(for p: Policy, _ g: inout SplitMix64) -> FilterProbe.Call {
        let probed = table.definitions.filter { $0.name != "exit" && $0.name != "exit_group" }
        let named = p.rules.map(\.syscall).filter { $0 != "exit" && $0 != "exit_group" }
        var nr: Int
        switch Int.random(in: 0..<10, using: &g) {
        case 0...5: nr = Int(table.number(of: named.randomElement(using: &g)!, arch: .x86_64)!)
        case 6: nr = Int(probed.randomElement(using: &g)!.numbers[.x86_64]!)
        case 7: nr = Int(probed.randomElement(using: &g)!.numbers[.x86_64]!) | 0x4000_0000
        case 8: nr = [-1, 0x3FFF_FFFF, 1000].randomElement(using: &g)!
        default: nr = [39, 102, 110].randomElement(using: &g)!  // getpid, getuid, getppid
        }
        let constants = p.rules.flatMap(\.conditions).flatMap { [$0.value, $0.valueTwo] }
        let args = (0..<6).map { _ -> UInt64 in
            guard let c = constants.randomElement(using: &g), Bool.random(using: &g) else {
                return values.randomElement(using: &g)!
            }
            return [c, c &+ 1, c &- 1, c | 0xFFFF_FFFF_0000_0000, c & 0xFFFF_FFFF].randomElement(using: &g)!
        }
        // A quarter of the calls are i386 calls through int $0x80 (AUDIT_ARCH_I386).
        if Int.random(in: 0..<4, using: &g) == 0 {
            var i386 = Int(probed.randomElement(using: &g)!.numbers[.i386]!)
            if Int.random(in: 0..<4, using: &g) == 0 {
                // Any number but exit (1) and exit_group (252), which the test policies allow.
                repeat { i386 = Int.random(in: 0..<500, using: &g) } while i386 == 1 || i386 == 252
            }
            return FilterProbe.Call(nr: i386, args: args, compat: true)
        }
        return FilterProbe.Call(nr: nr, args: args)
    }

    @Test("the kernel returns the errno the emulator predicts, on random policies and calls")
    func kernelAgreesWithEmulator() throws {
        var g = SplitMix64(seed: 42)
        var compared = 0
        for _ in 0..<300 {
            let p = Self.policy(&g)
            let program = try BPFCompiler.compile(p, table: Self.table)
            let calls = (0..<200).map { _ in Self.call(for: p, &g) }
            let result = try FilterProbe.run(program, calls: calls)
            try #require(result.errnos.count == calls.count, "the child ended early: signal \(result.terminationSignal)")
            #expect(result.exitCode == 0)
            for (call, kernelErrno) in zip(calls, result.errnos) {
                let data = call.seccompData
                let emulated = BPFEmulator.runValidated(program, on: data).action
                #expect(emulated == p.decide(data, table: Self.table))
                guard case .errno(let e) = emulated else {
                    Issue.record("the test policy let \(data) through with \(emulated)")
                    continue
                }
                #expect(kernelErrno == Int32(e), "kernel errno \(kernelErrno), emulator \(e) for \(data)")
                compared += 1
            }
        }
        #expect(compared == 300 * 200)
    }

    @Test("i386 calls through int $0x80 reach the i386 block, or the bad-arch action when i386 is not listed")
    func compatCalls() throws {
        let rules = [Rule(syscall: "getppid", action: .errno(77)), Rule(syscall: "exit_group", action: .allow),
                     Rule(syscall: "umask", action: .errno(78), conditions: [Condition(index: 0, op: .eq, value: 0o22, width: .bits32)])]
        let calls = [FilterProbe.Call("getppid", .i386), FilterProbe.Call("getpid", .i386),
                     FilterProbe.Call("umask", .i386, args: [0o22]), FilterProbe.Call("umask", .i386, args: [0o23]),
                     FilterProbe.Call("getppid")]
        let withI386 = Policy(defaultAction: .errno(5), architectures: [.x86_64, .i386], badArchAction: .errno(9), rules: rules)
        let r1 = try FilterProbe.run(try BPFCompiler.compile(withI386, table: Self.table), calls: calls)
        #expect(r1.errnos == [77, 5, 78, 5, 77])
        let withoutI386 = Policy(defaultAction: .errno(5), architectures: [.x86_64], badArchAction: .errno(9), rules: rules)
        let r2 = try FilterProbe.run(try BPFCompiler.compile(withoutI386, table: Self.table), calls: calls)
        #expect(r2.errnos == [9, 9, 9, 9, 77])
    }

    @Test("a filter the kernel refuses reports the install errno")
    func refusedFilter() {
        let bad = [SockFilter.loadWord(2), SockFilter.ret(Action.allow.returnValue)]  // misaligned load
        #expect(throws: FilterProbeError(operation: "seccomp(SECCOMP_SET_MODE_FILTER)", errno: 22)) {
            _ = try FilterProbe.run(bad, calls: [FilterProbe.Call("getpid")])
        }
        #expect(throws: BPFValidationError.self) { try BPFValidator.validate(bad) }
    }

    @Test("a kill action ends the child before the remaining calls")
    func killEndsChild() throws {
        let p = Policy(defaultAction: .errno(7), architectures: [.x86_64],
                       rules: [Rule(syscall: "getppid", action: .killProcess), Rule(syscall: "exit_group", action: .allow)])
        let program = try BPFCompiler.compile(p, table: Self.table)
        let getpid = FilterProbe.Call("getpid")
        let r = try FilterProbe.run(program, calls: [getpid, FilterProbe.Call("getppid"), getpid])
        #expect(r.errnos == [7])
        #expect(r.terminationSignal == 31)  // SIGSYS
    }
}
