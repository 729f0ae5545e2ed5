import Foundation
import PolicyModel
import TUI

/// What a filter costs on a recorded mix of calls (for `benchmarks/bpf-instructions`): the mean
/// number of instructions executed per call with the kernel's action cache applied (calls whose
/// number the kernel caches as always allowed run no instruction) and without it, and, given the
/// policy, the share of always-allowed syscalls the kernel can cache and how many calls the
/// filter decides differently from the policy.
struct FilterCost {
    var calls = 0
    var cachedCalls = 0
    var instructionsWithCache = 0
    var instructionsWithoutCache = 0
    var alwaysAllowed = 0
    var alwaysAllowedCacheable = 0
    var disagreements = 0
    var unknownNames: Set<String> = []

    var report: String {
        func mean(_ n: Int, over count: Int? = nil) -> String {
            let d = count ?? calls
            return d == 0 ? "0" : String(format: "%.5f", Double(n) / Double(d))
        }
        var lines = [
            "calls \(calls)",
            "cached_calls \(cachedCalls)",
            "mean_instructions_with_cache \(mean(instructionsWithCache))",
            "mean_instructions_without_cache \(mean(instructionsWithoutCache))",
            "mean_instructions_per_uncached_call \(mean(instructionsWithCache, over: calls - cachedCalls))",
        ]
        if alwaysAllowed > 0 || disagreements > 0 {
            lines.append("always_allowed_syscalls \(alwaysAllowed)")
            lines.append("always_allowed_cacheable \(alwaysAllowedCacheable)")
            lines.append("calls_decided_unlike_policy \(disagreements)")
        }
        if !unknownNames.isEmpty { lines.append("unknown_names \(unknownNames.sorted().joined(separator: ","))") }
        return lines.joined(separator: "\n")
    }

    static func measure(_ program: [SockFilter], callsFile: String, policy: Policy?,
                        table: SyscallTable = .shared) throws -> FilterCost {
        guard let text = try? String(contentsOfFile: callsFile, encoding: .utf8) else {
            throw FileError(path: callsFile, reason: "cannot read the file")
        }
        let arch = Arch.host
        var cost = FilterCost()
        var cacheByNr: [Int32: Bool] = [:]
        for (i, line) in text.split(separator: "\n").enumerated() {
            let fields = line.split(separator: " ")
            guard let name = fields.first.map(String.init) else { continue }
            let args = fields.dropFirst().prefix(6).map { UInt64($0.hasPrefix("0x") ? $0.dropFirst(2) : $0, radix: 16) }
            guard args.allSatisfy({ $0 != nil }) else {
                throw FileError(path: callsFile, reason: "line \(i + 1): expected `name arg0 ... arg5` in hex")
            }
            guard let nr = table.number(of: name, arch: arch) else {
                cost.unknownNames.insert(name)
                continue
            }
            let data = SeccompData(nr: nr, arch: arch, args: args.map { $0! })
            let cached = cacheByNr[nr] ?? BPFCacheEmulation.isConstantAllow(program, nr: nr, auditArch: arch.auditArch)
            cacheByNr[nr] = cached
            let run = BPFEmulator.runValidated(program, on: data)
            cost.calls += 1
            cost.instructionsWithoutCache += run.executed
            if cached { cost.cachedCalls += 1 } else { cost.instructionsWithCache += run.executed }
            if let policy, policy.decide(data, table: table) != run.action { cost.disagreements += 1 }
        }
        if let policy {
            for d in table.definitions(for: arch) {
                guard BPFCompiler.constantAction(of: d.name, in: policy, on: arch) == .allow else { continue }
                cost.alwaysAllowed += 1
                if BPFCacheEmulation.isConstantAllow(program, nr: d.numbers[arch]!, auditArch: arch.auditArch) {
                    cost.alwaysAllowedCacheable += 1
                }
            }
        }
        return cost
    }
}
