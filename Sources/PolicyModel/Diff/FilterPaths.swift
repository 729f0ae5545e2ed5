/// One path through a filter (or a stack of filters): the calls that take it and what they get.
public struct FilterPath: Hashable, Sendable {
    public var region: CallRegion
    public var action: Action
}

/// Why a program could not be analysed exactly.
public struct FilterAnalysisError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Every path of classic BPF seccomp programs, by symbolic execution: `nr`, `arch`, the
/// instruction pointer and every argument word are unknowns; each conditional jump on an unknown
/// splits the path in two and adds the test (or its negation) to the path's `CallRegion`; a path
/// whose region becomes empty is dropped. The regions of the paths found partition the set of
/// all calls exactly, each with the action its `RET` returns.
///
/// Exact for what filters do with the data: loads, `A &= K`, jumps comparing a word (masked) with
/// a constant or a constant with a word, scratch memory, `TAX`/`TXA`, arithmetic on known values.
/// A program that computes on an unknown word otherwise (adds two arguments, shifts one, returns
/// a value it loaded) is refused with `FilterAnalysisError` rather than approximated.
public enum FilterPaths {
    /// More paths than this is refused (the program is not a seccomp policy anyone wrote).
    public static let pathLimit = 500_000

    /// The paths of `programs` (validated) run as the kernel runs a process's filters: every
    /// program sees the call and the most restrictive action wins (`seccomp_run_filters`).
    /// `programs` is in installation order; none at all allows everything.
    public static func explore(_ programs: [[SockFilter]]) throws(FilterAnalysisError) -> [FilterPath] {
        var paths = [FilterPath(region: CallRegion(), action: .allow)]
        var combined: [(CallRegion, UInt32?)] = [(CallRegion(), nil)]
        // The kernel runs the most recently installed filter first and keeps the first of equally
        // restrictive returns (a strictly lower action replaces the one held).
        for program in programs.reversed() {
            var next: [(CallRegion, UInt32?)] = []
            for (region, held) in combined {
                for path in try explore(program, within: region) {
                    let value = path.action
                    if let held, !(actionOnly(value) < actionOnly(held)) {
                        next.append((path.region, held))
                    } else {
                        next.append((path.region, value))
                    }
                    if next.count > pathLimit { throw tooManyPaths() }
                }
            }
            combined = next
        }
        if !programs.isEmpty {
            paths = combined.map { FilterPath(region: $0.0, action: Action(returnValue: $0.1!)) }
        }
        return paths
    }

    /// `ACTION_ONLY`: the kernel compares actions as signed values of their top 16 bits.
    static func actionOnly(_ v: UInt32) -> Int32 { Int32(bitPattern: v & 0xFFFF_0000) }

    static func tooManyPaths() -> FilterAnalysisError {
        FilterAnalysisError("the filter has more than \(pathLimit) paths; it is too large to compare exactly")
    }

    /// A value in a register or scratch slot: known, or an unknown word of `seccomp_data` masked.
    enum Value: Hashable {
        case known(UInt32)
        case word(Int, mask: UInt32)
    }

    struct State {
        var pc = 0
        var a = Value.known(0)
        var x = Value.known(0)
        var memory = [Value](repeating: .known(0), count: BPF.memoryWords)
        var region: CallRegion
    }

    /// The paths of one program within `region`, each with its raw return value as `action`'s source.
    static func explore(_ program: [SockFilter], within region: CallRegion) throws(FilterAnalysisError) -> [(region: CallRegion, action: UInt32)] {
        var out: [(region: CallRegion, action: UInt32)] = []
        var work = [State(region: region)]
        var steps = 0
        while var s = work.popLast() {
            while true {
                steps += 1
                if steps > 50_000_000 { throw tooManyPaths() }
                guard s.pc < program.count else { out.append((s.region, 0)); break }
                let ins = program[s.pc]
                let at = s.pc
                s.pc += 1
                let operand: Value = BPF.source(ins.code) == BPF.x ? s.x : .known(ins.k)
                switch BPF.instructionClass(ins.code) {
                case BPF.ld:
                    switch ins.code & 0xE0 {
                    case BPF.abs: s.a = .word(Int(ins.k / 4), mask: .max)
                    case BPF.len: s.a = .known(BPF.seccompDataSize)
                    case BPF.mem: s.a = s.memory[Int(ins.k)]
                    default: s.a = .known(ins.k)
                    }
                    continue
                case BPF.ldx:
                    switch ins.code & 0xE0 {
                    case BPF.len: s.x = .known(BPF.seccompDataSize)
                    case BPF.mem: s.x = s.memory[Int(ins.k)]
                    default: s.x = .known(ins.k)
                    }
                    continue
                case BPF.st: s.memory[Int(ins.k)] = s.a; continue
                case BPF.stx: s.memory[Int(ins.k)] = s.x; continue
                case BPF.alu:
                    switch try alu(BPF.operation(ins.code), s.a, operand, at: at) {
                    case .value(let v): s.a = v; continue
                    case .returns(let r): out.append((s.region, r))
                    }
                case BPF.jmp:
                    let op = BPF.operation(ins.code)
                    if op == BPF.ja { s.pc += Int(ins.k); continue }
                    let test: WordConstraint.Test
                    switch op {
                    case BPF.jeq: test = .equal
                    case BPF.jgt: test = .greater
                    case BPF.jge: test = .greaterOrEqual
                    default: test = .anyBitSet
                    }
                    switch try branch(test, s.a, operand, at: at) {
                    case .decided(let taken):
                        s.pc += Int(taken ? ins.jt : ins.jf)
                        continue
                    case .split(let word, let t, let mask, let k):
                        var f = s
                        f.pc += Int(ins.jf)
                        f.region.add(word: word, t.test, mask: mask, k, holds: !t.holdsWhenTaken)
                        s.pc += Int(ins.jt)
                        s.region.add(word: word, t.test, mask: mask, k, holds: t.holdsWhenTaken)
                        if try satisfiable(f.region, word: word) { work.append(f) }
                        if try satisfiable(s.region, word: word) { continue }
                    }
                case BPF.ret:
                    if ins.code & 0x18 == BPF.a {
                        guard case .known(let v) = s.a else {
                            throw FilterAnalysisError("instruction \(at) returns a value loaded from the call's data; "
                                + "the action would depend on the arguments' values themselves")
                        }
                        out.append((s.region, v))
                    } else {
                        out.append((s.region, ins.k))
                    }
                default:
                    if ins.code & BPF.txa != 0 { s.a = s.x } else { s.x = s.a }
                    continue
                }
                break
            }
            if out.count > pathLimit { throw tooManyPaths() }
        }
        return out
    }

    static func satisfiable(_ region: CallRegion, word: Int) throws(FilterAnalysisError) -> Bool {
        do {
            return try region.words[word].witness() != nil
        } catch {
            throw FilterAnalysisError("the tests on one word of seccomp_data are too many to decide exactly")
        }
    }

    enum ALUResult {
        case value(Value)
        case returns(UInt32)
    }

    /// The emulator's ALU (`BPFEmulator`) on known values; `A &= K` on a word narrows its mask.
    static func alu(_ op: UInt16, _ a: Value, _ operand: Value, at: Int) throws(FilterAnalysisError) -> ALUResult {
        if case .known(let x) = a, case .known(let y) = operand {
            switch op {
            case BPF.add: return .value(.known(x &+ y))
            case BPF.sub: return .value(.known(x &- y))
            case BPF.mul: return .value(.known(x &* y))
            case BPF.div: return y == 0 ? .returns(0) : .value(.known(x / y))
            case BPF.and: return .value(.known(x & y))
            case BPF.or: return .value(.known(x | y))
            case BPF.xor: return .value(.known(x ^ y))
            case BPF.lsh: return .value(.known(x << (y & 31)))
            case BPF.rsh: return .value(.known(x >> (y & 31)))
            case BPF.neg: return .value(.known(0 &- x))
            default: return .returns(0)
            }
        }
        if op == BPF.and {
            switch (a, operand) {
            case (.word(let w, let m), .known(let k)), (.known(let k), .word(let w, let m)):
                return .value(k & m == 0 ? .known(0) : .word(w, mask: m & k))
            default: break
            }
        }
        if op == BPF.div, case .known(0) = operand { return .returns(0) }
        if op == BPF.mul, case .known(0) = operand { return .value(.known(0)) }
        if [BPF.add, BPF.sub, BPF.mul, BPF.div, BPF.or, BPF.xor, BPF.lsh, BPF.rsh, BPF.neg].contains(op) == false {
            return .returns(0)
        }
        throw FilterAnalysisError("instruction \(at) computes on a word of the call's data (other than masking it with "
            + "A &= K); such a filter cannot be compared exactly")
    }

    struct SplitTest {
        var test: WordConstraint.Test
        /// Whether the test holds on the taken branch.
        var holdsWhenTaken: Bool
    }

    enum Branch {
        case decided(Bool)
        case split(word: Int, SplitTest, mask: UInt32, k: UInt32)
    }

    static func branch(_ test: WordConstraint.Test, _ a: Value, _ operand: Value, at: Int) throws(FilterAnalysisError) -> Branch {
        switch (a, operand) {
        case (.known(let x), .known(let y)):
            switch test {
            case .equal: return .decided(x == y)
            case .greater: return .decided(x > y)
            case .greaterOrEqual: return .decided(x >= y)
            case .anyBitSet: return .decided(x & y != 0)
            }
        case (.word(let w, let m), .known(let k)):
            return .split(word: w, SplitTest(test: test, holdsWhenTaken: true), mask: m, k: k)
        case (.known(let k), .word(let w, let m)):
            // `k OP (w & m)` as a test on the word: `k > v` is `!(v >= k)`, `k >= v` is `!(v > k)`.
            switch test {
            case .equal, .anyBitSet: return .split(word: w, SplitTest(test: test, holdsWhenTaken: true), mask: m, k: k)
            case .greater: return .split(word: w, SplitTest(test: .greaterOrEqual, holdsWhenTaken: false), mask: m, k: k)
            case .greaterOrEqual: return .split(word: w, SplitTest(test: .greater, holdsWhenTaken: false), mask: m, k: k)
            }
        default:
            throw FilterAnalysisError("instruction \(at) compares two words of the call's data with each other; "
                + "such a filter cannot be compared exactly")
        }
    }
}
