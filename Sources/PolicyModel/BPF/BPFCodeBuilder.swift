/// Where a jump goes: a return of a constant (placed wherever it is cheapest), or an instruction
/// already emitted.
enum BPFTarget: Hashable {
    case ret(UInt32)
    case label(Int)
}

/// Emits a program backwards, from its last instruction to its first, so that every jump target
/// already exists when the jump is written. A label is an instruction's index counted from the
/// end. Conditional jumps reach at most 255 instructions forward: a farther return is written
/// again nearby (one instruction, no extra step), a farther instruction is reached through a
/// `JA` trampoline (32-bit offset).
struct BPFCodeBuilder {
    private(set) var reversed: [SockFilter] = []
    /// The nearest emitted return of each value.
    private var returns: [UInt32: Int] = [:]
    /// The nearest emitted trampoline to each label.
    private var trampolines: [Int: Int] = [:]

    /// The label the next emitted instruction gets.
    var position: Int { reversed.count }

    /// The program in execution order.
    var program: [SockFilter] { reversed.reversed() }

    private func distance(to label: Int) -> Int { position - label - 1 }

    /// The nearest existing instruction that ends up at `target`, if any.
    private func nearest(_ target: BPFTarget) -> Int? {
        switch target {
        case .ret(let v): return returns[v]
        case .label(let l): return max(l, trampolines[l] ?? l)
        }
    }

    private mutating func append(_ ins: SockFilter) -> Int {
        reversed.append(ins)
        return reversed.count - 1
    }

    /// Writes an instruction that reaches `target` from here: a return or a `JA`.
    private mutating func emitHelper(to target: BPFTarget) -> Int {
        switch target {
        case .ret(let v):
            let l = append(.ret(v))
            returns[v] = l
            return l
        case .label(let l):
            let t = append(.stmt(BPF.jmp | BPF.ja, UInt32(distance(to: l))))
            trampolines[l] = t
            return t
        }
    }

    /// The label of `target`, writing it (a return) if it does not exist yet.
    mutating func materialize(_ target: BPFTarget) -> Int {
        if let l = nearest(target) { return l }
        return emitHelper(to: target)
    }

    /// Writes a conditional jump `code k` to `jt` when true, `jf` when false.
    mutating func emitJump(_ code: UInt16, _ k: UInt32, jt: BPFTarget, jf: BPFTarget) -> BPFTarget {
        if jt == jf { return jt }
        var lt = nearest(jt)
        var lf = nearest(jf)
        while true {
            let fitsT = lt.map { distance(to: $0) <= 255 } ?? false
            let fitsF = lf.map { distance(to: $0) <= 255 } ?? false
            if fitsT && fitsF { break }
            if !fitsF { lf = emitHelper(to: jf) } else { lt = emitHelper(to: jt) }
        }
        let l = append(.jump(code, k, UInt8(distance(to: lt!)), UInt8(distance(to: lf!))))
        return .label(l)
    }

    /// Writes a statement (load, ALU) whose successor is `next`.
    mutating func emitStatement(_ ins: SockFilter, next: BPFTarget) -> BPFTarget {
        let n = materialize(next)
        if n != position - 1 {
            if case .ret(let v) = next { _ = emitHelper(to: .ret(v)) } else { _ = emitHelper(to: next) }
        }
        return .label(append(ins))
    }
}
