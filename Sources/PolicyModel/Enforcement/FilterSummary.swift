/// What a seccomp filter does, syscall by syscall, reconstructed from its instructions alone
/// (`inspect PID`, `disasm FILE`).
///
/// For one architecture and one number, the program is run by abstract emulation: `nr` and `arch`
/// are the known values, every argument word and the instruction pointer are unknown. A jump on a
/// known value goes one way, as in `BPFEmulator`; a jump on an unknown value goes both ways. The
/// return values reached are the possible outcomes: one means the outcome is the same whatever
/// the arguments (exactly); several mean the arguments decide (a combination of conditions that
/// cannot hold together can make an outcome listed that no call reaches).
public struct FilterSummary: Hashable, Sendable {
    /// What the filter does with one syscall.
    public enum Outcome: Hashable, Sendable {
        /// The same action whatever the arguments.
        case constant(Action)
        /// The arguments decide among these actions (most restrictive first).
        case dependsOnArguments([Action])

        /// The actions the call can get.
        public var actions: [Action] {
            switch self {
            case .constant(let a): return [a]
            case .dependsOnArguments(let list): return list
            }
        }
    }

    /// The outcome of every named syscall of one architecture.
    public struct ArchSummary: Hashable, Sendable {
        public var arch: Arch
        /// By syscall name, in number order.
        public var entries: [(name: String, nr: Int32, outcome: Outcome)] {
            names.indices.map { (names[$0], numbers[$0], outcomes[$0]) }
        }
        var names: [String] = []
        var numbers: [Int32] = []
        var outcomes: [Outcome] = []

        /// The one action every syscall gets, when there is one (an architecture the filter refuses).
        public var uniformAction: Action? {
            guard case .constant(let first)? = outcomes.first else { return nil }
            return outcomes.allSatisfy({ $0 == .constant(first) }) ? first : nil
        }

        public static func == (a: ArchSummary, b: ArchSummary) -> Bool {
            a.arch == b.arch && a.names == b.names && a.numbers == b.numbers && a.outcomes == b.outcomes
        }

        public func hash(into h: inout Hasher) {
            h.combine(arch)
            h.combine(names)
            h.combine(outcomes)
        }
    }

    public var architectures: [ArchSummary]

    /// Summarizes `program` (already validated) for each architecture of `arches`.
    public init(program: [SockFilter], arches: [Arch] = Arch.allCases, table: SyscallTable = .shared) {
        architectures = arches.map { arch in
            var s = ArchSummary(arch: arch)
            for d in table.definitions(for: arch).sorted(by: { ($0.numbers[arch] ?? 0) < ($1.numbers[arch] ?? 0) }) {
                guard let nr = d.numbers[arch] else { continue }
                s.names.append(d.name)
                s.numbers.append(nr)
                s.outcomes.append(FilterSummary.outcome(of: program, arch: arch, nr: nr))
            }
            return s
        }
    }

    /// The outcome of syscall `nr` of `arch` under `program` (validated), whatever its arguments.
    public static func outcome(of program: [SockFilter], arch: Arch, nr: Int32) -> Outcome {
        let values = AbstractRun(program: program, nr: UInt32(bitPattern: nr), arch: arch.auditArch).returnValues()
        let actions = Set(values.map(Action.init(returnValue:)))
        if actions.count == 1 { return .constant(actions.first!) }
        return .dependsOnArguments(actions.sorted { $0.isMoreRestrictive(than: $1) })
    }

    /// Readable lines: per architecture, the syscalls grouped by outcome.
    public func lines(maxNamesPerLine: Int = 8) -> [String] {
        var out: [String] = []
        for s in architectures {
            if let a = s.uniformAction {
                out.append("\(s.arch.rawValue): every syscall → \(a)")
                continue
            }
            out.append("\(s.arch.rawValue):")
            var constant: [Action: [String]] = [:]
            var dependent: [(String, [Action])] = []
            for (name, _, outcome) in s.entries {
                switch outcome {
                case .constant(let a): constant[a, default: []].append(name)
                case .dependsOnArguments(let list): dependent.append((name, list))
                }
            }
            // The largest group is told as "every other syscall", without its names.
            let largest = constant.max { a, b in
                a.value.count != b.value.count ? a.value.count < b.value.count : b.key.isMoreRestrictive(than: a.key)
            }?.key
            func label(_ action: Action) -> String {
                action.letsCallRun ? "allowed (\(action))" : "refused: \(action)"
            }
            for action in constant.keys.sorted(by: { $1.isMoreRestrictive(than: $0) }) where action != largest {
                let names = constant[action]!
                out.append("  \(label(action)), \(names.count) syscall\(names.count == 1 ? "" : "s"):")
                for i in stride(from: 0, to: names.count, by: maxNamesPerLine) {
                    out.append("    " + names[i..<min(i + maxNamesPerLine, names.count)].joined(separator: " "))
                }
            }
            if !dependent.isEmpty {
                out.append("  depends on arguments, \(dependent.count) syscall\(dependent.count == 1 ? "" : "s"):")
                for (name, actions) in dependent {
                    out.append("    \(name): " + actions.map(\.description).joined(separator: " | "))
                }
            }
            if let largest {
                out.append("  \(label(largest)): every other syscall (\(constant[largest]!.count))")
            }
        }
        return out
    }
}

/// One abstract run: registers and scratch memory hold a known value or nil (unknown).
private struct AbstractRun {
    struct State: Hashable {
        var pc: Int
        var a: UInt32?
        var x: UInt32?
        var memory: [UInt32?]
    }

    let program: [SockFilter]
    let nr: UInt32
    let arch: UInt32
    /// A bound on the states explored; past it the run stops and the outcomes found so far,
    /// plus the unexplored marker, are reported as argument-dependent.
    let limit = 200_000

    func word(at offset: UInt32) -> UInt32? {
        switch offset {
        case SeccompData.nrOffset: return nr
        case SeccompData.archOffset: return arch
        default: return nil
        }
    }

    func returnValues() -> Set<UInt32> {
        var results = Set<UInt32>()
        var seen = Set<State>()
        var work = [State(pc: 0, a: 0, x: 0, memory: Array(repeating: 0, count: BPF.memoryWords))]
        while var s = work.popLast() {
            guard seen.insert(s).inserted else { continue }
            if seen.count > limit {
                // Give up exploring: claim every action is possible rather than a wrong constant.
                results.insert(Action.killProcess.returnValue)
                results.insert(Action.allow.returnValue)
                return results
            }
            guard s.pc < program.count else { results.insert(0); continue }
            let ins = program[s.pc]
            s.pc += 1
            let operand: UInt32? = BPF.source(ins.code) == BPF.x ? s.x : ins.k
            switch BPF.instructionClass(ins.code) {
            case BPF.ld:
                switch ins.code & 0xE0 {
                case BPF.abs: s.a = word(at: ins.k)
                case BPF.len: s.a = BPF.seccompDataSize
                case BPF.mem: s.a = s.memory[Int(ins.k)]
                default: s.a = ins.k
                }
                work.append(s)
            case BPF.ldx:
                switch ins.code & 0xE0 {
                case BPF.len: s.x = BPF.seccompDataSize
                case BPF.mem: s.x = s.memory[Int(ins.k)]
                default: s.x = ins.k
                }
                work.append(s)
            case BPF.st:
                s.memory[Int(ins.k)] = s.a
                work.append(s)
            case BPF.stx:
                s.memory[Int(ins.k)] = s.x
                work.append(s)
            case BPF.alu:
                let op = BPF.operation(ins.code)
                // The emulator returns 0 for an operation it does not know and on division by zero.
                guard Self.known(op) || op == BPF.div else { results.insert(0); continue }
                if op == BPF.div {
                    if operand == 0 { results.insert(0); continue }
                    if operand == nil { results.insert(0) }
                }
                s.a = Self.alu(op, s.a, operand)
                work.append(s)
            case BPF.jmp:
                let op = BPF.operation(ins.code)
                if op == BPF.ja {
                    s.pc += Int(ins.k)
                    work.append(s)
                    continue
                }
                var taken: Bool?
                if let a = s.a, let v = operand {
                    switch op {
                    case BPF.jeq: taken = a == v
                    case BPF.jgt: taken = a > v
                    case BPF.jge: taken = a >= v
                    default: taken = a & v != 0
                    }
                }
                if taken != false {
                    var t = s
                    t.pc += Int(ins.jt)
                    work.append(t)
                }
                if taken != true {
                    var f = s
                    f.pc += Int(ins.jf)
                    work.append(f)
                }
            case BPF.ret:
                if ins.code & 0x18 == BPF.a {
                    if let a = s.a {
                        results.insert(a)
                    } else {
                        results.insert(Action.killProcess.returnValue)
                        results.insert(Action.allow.returnValue)
                    }
                } else {
                    results.insert(ins.k)
                }
            default:
                if ins.code & BPF.txa != 0 { s.a = s.x } else { s.x = s.a }
                work.append(s)
            }
        }
        return results
    }

    static func known(_ op: UInt16) -> Bool {
        [BPF.add, BPF.sub, BPF.mul, BPF.and, BPF.or, BPF.xor, BPF.lsh, BPF.rsh, BPF.neg].contains(op)
    }

    /// The emulator's ALU on possibly unknown values (nil when either input is unknown).
    static func alu(_ op: UInt16, _ a: UInt32?, _ operand: UInt32?) -> UInt32? {
        if op == BPF.neg { return a.map { 0 &- $0 } }
        // Masking with 0 gives a known 0 whatever A was.
        if op == BPF.and, operand == 0 { return 0 }
        guard let a, let v = operand else { return nil }
        switch op {
        case BPF.add: return a &+ v
        case BPF.sub: return a &- v
        case BPF.mul: return a &* v
        case BPF.div: return a / v
        case BPF.and: return a & v
        case BPF.or: return a | v
        case BPF.xor: return a ^ v
        case BPF.lsh: return a << (v & 31)
        case BPF.rsh: return a >> (v & 31)
        default: return nil
        }
    }
}
