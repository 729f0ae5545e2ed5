import Foundation
import Testing
@testable import PolicyModel
import TestSupport

@Suite struct FilterSummaryTests {
    @Test("the summary of a compiled random policy holds every action Policy.decide gives, and a constant outcome only when decide agrees for every call")
    func summaryMatchesDecide() throws {
        var g = SplitMix64(seed: 0x5EC_0007)
        let table = RandomFilterPolicies.table
        for _ in 0..<30 {
            let policy = RandomFilterPolicies.policy(&g, table: table)
            let program = try BPFCompiler.compile(policy, table: table)
            let summary = FilterSummary(program: program, table: table)
            for s in summary.architectures {
                for (name, nr, outcome) in s.entries {
                    if let constant = BPFCompiler.constantAction(of: name, in: policy, on: s.arch),
                       policy.architectures.contains(s.arch) {
                        #expect(outcome == .constant(constant), "\(name) on \(s.arch)")
                    }
                    for _ in 0..<12 {
                        var call = RandomFilterPolicies.call(for: policy, &g, table: table)
                        call.nr = nr
                        call.arch = s.arch.auditArch
                        let decided = policy.decide(call, table: table)
                        #expect(outcome.actions.contains(decided), "\(name) on \(s.arch): \(decided) not in \(outcome)")
                    }
                }
            }
        }
    }

    @Test("argument rules are summarized as depending on the arguments, with both outcomes")
    func argumentDependence() throws {
        let policy = Policy(defaultAction: .errno(1), rules: [
            Rule(syscall: "read", action: .allow),
            Rule(syscall: "write", action: .allow, conditions: [Condition(index: 0, op: .le, value: 2, width: .bits32)]),
            Rule(syscall: "socket", action: .killProcess, conditions: [Condition(index: 0, op: .eq, value: 16)]),
            Rule(syscall: "socket", action: .allow),
        ])
        let summary = FilterSummary(program: try BPFCompiler.compile(policy), arches: [.x86_64])
        let outcomes = Dictionary(uniqueKeysWithValues: summary.architectures[0].entries.map { ($0.name, $0.outcome) })
        #expect(outcomes["read"] == .constant(.allow))
        #expect(outcomes["close"] == .constant(.errno(1)))
        #expect(outcomes["write"] == .dependsOnArguments([.errno(1), .allow]))
        #expect(outcomes["socket"] == .dependsOnArguments([.killProcess, .allow]))
        let text = summary.lines().joined(separator: "\n")
        #expect(text.contains("write: errno"))
        #expect(text.contains("every other syscall"))
    }
}

@Suite struct PolicyTransformTests {
    @Test("replacing refusals changes exactly the calls the policy refuses, whatever their arguments")
    func replacingRefusals() {
        var g = SplitMix64(seed: 0xC0_4D1A)
        let table = RandomFilterPolicies.table
        for _ in 0..<200 {
            let policy = RandomFilterPolicies.policy(&g, table: table)
            let traced = policy.replacingRefusals(with: .trace(0x5EC))
            let logged = policy.replacingRefusals(with: .log)
            let reporting = policy.reportingRefusals()
            for _ in 0..<20 {
                let call = RandomFilterPolicies.call(for: policy, &g, table: table)
                let original = policy.decide(call, table: table)
                #expect(traced.decide(call, table: table) == (original.letsCallRun ? original : .trace(0x5EC)))
                #expect(logged.decide(call, table: table) == (original.letsCallRun ? original : .log))
                let reported = reporting.decide(call, table: table)
                #expect(reported.letsCallRun == original.letsCallRun)
                // Never weaker: a kill stays a kill (a trap could be survived by a SIGSYS handler).
                if original == .killProcess || original == .killThread || original == .trap { #expect(reported == original) }
                if original.letsCallRun { #expect(reported == original) }
                // Without a tracer or listener, what the call sees must not change.
                #expect(Self.effect(reported) == Self.effect(original), "\(call): \(original) reported as \(reported)")
            }
        }
    }

    /// What a call gets from an action when no tracer or user-notification listener is there:
    /// `trace` and `user_notif` fail with ENOSYS.
    static func effect(_ a: Action) -> Action {
        switch a {
        case .trace, .userNotif: return .errno(38)
        default: return a
        }
    }

    @Test("report mode keeps an errno rule's errno where a trace or notify rule matches the same call")
    func reportKeepsErrnoOverTrace() {
        let table = RandomFilterPolicies.table
        let name = table.definitions(for: .x86_64)[0].name
        let nr = table.number(of: name, arch: .x86_64)!
        for other in [Action.trace(3), .userNotif] {
            let policy = Policy(defaultAction: .allow, architectures: [.x86_64], rules: [
                Rule(syscall: name, action: other),
                Rule(syscall: name, action: .errno(50), conditions: [Condition(index: 0, op: .eq, value: 7)]),
            ])
            let reporting = policy.reportingRefusals()
            let matching = SeccompData(nr: nr, arch: .x86_64, args: [7])
            #expect(policy.decide(matching, table: table) == .errno(50))
            #expect(reporting.decide(matching, table: table) == .errno(50))
            #expect(Self.effect(reporting.decide(SeccompData(nr: nr, arch: .x86_64, args: [8]), table: table)) == .errno(38))
        }
    }
}

@Suite struct ContainerRuntimeTests {
    @Test("--runtime runc allows each measured syscall whatever the arguments, dropping rules that refused one")
    func runcAdditions() throws {
        let strict = Policy(defaultAction: .errno(1), rules: [
            Rule(syscall: "read", action: .allow),
            Rule(syscall: "close", action: .errno(9), conditions: [Condition(index: 0, op: .eq, value: 3)]),
        ])
        let (policy, notes) = try strict.adding(runtime: .runc)
        let program = try BPFCompiler.compile(policy)
        for name in try ContainerRuntime.runc.extraSyscalls() {
            let nr = try #require(SyscallTable.shared.number(of: name, arch: .x86_64), "\(name)")
            #expect(FilterSummary.outcome(of: program, arch: .x86_64, nr: nr) == .constant(.allow), "\(name)")
        }
        #expect(notes.contains { $0.hasPrefix("close: dropped 1 rule") })
        #expect(policy.rules.filter { $0.syscall == "read" }.count == 1, "read was already allowed")
        let (same, none) = try strict.adding(runtime: .none)
        #expect(same == strict && none.isEmpty)
    }

    @Test("crun is refused with the reason")
    func crunNotMeasured() {
        #expect(throws: ContainerRuntimeError.self) { try Policy(defaultAction: .allow).adding(runtime: .crun) }
    }
}

@Suite struct SeccompAuditRecordTests {
    @Test("a kernel log line of a seccomp kill is parsed; other lines are not records")
    func parse() throws {
        let line = "audit: type=1326 audit(1795953500.840:1093): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=22270 "
            + "comm=\"sh\" exe=\"/usr/bin/dash\" sig=31 arch=c000003e syscall=79 compat=0 ip=0x7f504b07ecce code=0x80000000"
        let r = try #require(SeccompAuditRecord(line: Substring(line)))
        #expect(r.pid == 22270 && r.comm == "sh" && r.signal == 31 && r.nr == 79)
        #expect(r.arch == .x86_64 && r.action == .killProcess)
        let x32 = try #require(SeccompAuditRecord(line: Substring(line.replacingOccurrences(of: "syscall=79", with: "syscall=1073741903"))))
        #expect(x32.arch == .x32)
        let log = try #require(SeccompAuditRecord(line: Substring(line.replacingOccurrences(of: "code=0x80000000", with: "code=0x7ffc0000")
            .replacingOccurrences(of: "sig=31", with: "sig=0"))))
        #expect(log.action == .log && log.signal == 0)
        #expect(SeccompAuditRecord(line: "audit: type=1400 apparmor=\"DENIED\" pid=1") == nil)
        #expect(SeccompAuditRecord(line: Substring(line.replacingOccurrences(of: "code=0x80000000", with: "code=zz"))) == nil)
    }
}
