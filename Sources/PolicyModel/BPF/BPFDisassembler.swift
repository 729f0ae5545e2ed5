/// Prints a seccomp program one instruction per line in the manner of seccomp-tools
/// (`0012: if (A == openat) goto 0042`, `return ERRNO(1)`), naming syscall numbers with the
/// table of the architecture the instruction is reached under.
public enum BPFDisassembler {
    /// What the accumulator is known to hold, and which audit architecture the path checked.
    struct State: Equatable {
        enum Content: Equatable { case nr, arch, other }
        var content: Content
        var auditArch: UInt32?

        func meet(_ o: State) -> State {
            State(content: content == o.content ? content : .other, auditArch: auditArch == o.auditArch ? auditArch : nil)
        }
    }

    /// The lines of the program; `raw` adds the instruction's code, jt, jf and k columns.
    /// `fallbackArch` names numbers on paths that do not check the architecture.
    public static func lines(_ program: [SockFilter], table: SyscallTable = .shared, raw: Bool = false,
                             fallbackArch: Arch = .host) -> [String] {
        var states = [State?](repeating: nil, count: program.count + 1)
        if !program.isEmpty { states[0] = State(content: .other, auditArch: nil) }
        var out: [String] = []
        let width = max(4, String(program.count).count)
        func label(_ i: Int) -> String {
            let s = String(i)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        func flow(_ s: State, to i: Int) {
            guard i < states.count else { return }
            states[i] = states[i].map { $0.meet(s) } ?? s
        }
        for (pc, ins) in program.enumerated() {
            let state = states[pc] ?? State(content: .other, auditArch: nil)
            var text: String
            var after = state
            let cls = BPF.instructionClass(ins.code)
            switch cls {
            case BPF.ld, BPF.ldx:
                let reg = cls == BPF.ld ? "A" : "X"
                switch ins.code & 0xE0 {
                case BPF.abs:
                    text = "\(reg) = \(fieldName(ins.k))"
                    if cls == BPF.ld {
                        after.content = ins.k == SeccompData.nrOffset ? .nr : ins.k == SeccompData.archOffset ? .arch : .other
                    }
                case BPF.len: text = "\(reg) = sizeof(seccomp_data)"; if cls == BPF.ld { after.content = .other }
                case BPF.mem: text = "\(reg) = mem[\(ins.k)]"; if cls == BPF.ld { after.content = .other }
                case BPF.imm: text = "\(reg) = \(hex(ins.k))"; if cls == BPF.ld { after.content = .other }
                default: text = "\(reg) = ??? (code \(hex(UInt32(ins.code))))"; after.content = .other
                }
                flow(after, to: pc + 1)
            case BPF.st, BPF.stx:
                text = "mem[\(ins.k)] = \(cls == BPF.st ? "A" : "X")"
                flow(after, to: pc + 1)
            case BPF.alu:
                let operand = BPF.source(ins.code) == BPF.x ? "X" : hex(ins.k)
                let ops: [UInt16: String] = [BPF.add: "+=", BPF.sub: "-=", BPF.mul: "*=", BPF.div: "/=", BPF.or: "|=",
                                             BPF.and: "&=", BPF.lsh: "<<=", BPF.rsh: ">>=", BPF.mod: "%=", BPF.xor: "^="]
                if BPF.operation(ins.code) == BPF.neg { text = "A = -A" } else {
                    text = "A \(ops[BPF.operation(ins.code)] ?? "?=") \(operand)"
                }
                after.content = .other
                flow(after, to: pc + 1)
            case BPF.jmp:
                if BPF.operation(ins.code) == BPF.ja {
                    text = "goto \(label(pc + 1 + Int(ins.k)))"
                    flow(state, to: pc + 1 + Int(ins.k))
                } else {
                    // Numbers are named in equality tests; range bounds stay numbers.
                    let named = BPF.operation(ins.code) == BPF.jeq || state.content == .arch
                    let k = BPF.source(ins.code) == BPF.x ? "X"
                        : named ? constant(ins.k, state: state, table: table, fallback: fallbackArch) : hex(ins.k)
                    let t = label(pc + 1 + Int(ins.jt)), f = label(pc + 1 + Int(ins.jf))
                    let (yes, no): (String, String)
                    switch BPF.operation(ins.code) {
                    case BPF.jeq: (yes, no) = ("A == \(k)", "A != \(k)")
                    case BPF.jgt: (yes, no) = ("A > \(k)", "A <= \(k)")
                    case BPF.jge: (yes, no) = ("A >= \(k)", "A < \(k)")
                    default: (yes, no) = ("A & \(k)", "!(A & \(k))")
                    }
                    if ins.jf == 0 && ins.jt != 0 { text = "if (\(yes)) goto \(t)" }
                    else if ins.jt == 0 && ins.jf != 0 { text = "if (\(no)) goto \(f)" }
                    else { text = "if (\(yes)) goto \(t) else goto \(f)" }
                    var taken = state
                    if state.content == .arch, BPF.operation(ins.code) == BPF.jeq, BPF.source(ins.code) == BPF.k {
                        taken.auditArch = ins.k
                    }
                    flow(taken, to: pc + 1 + Int(ins.jt))
                    flow(state, to: pc + 1 + Int(ins.jf))
                }
            case BPF.ret:
                text = ins.code & 0x18 == BPF.a ? "return A" : "return \(actionName(ins.k))"
            default:
                text = ins.code & BPF.txa != 0 ? "A = X" : "X = A"
                if ins.code & BPF.txa != 0 { after.content = .other }
                flow(after, to: pc + 1)
            }
            if raw {
                let cols = "0x\(hex2(UInt32(ins.code))) 0x\(hex2(UInt32(ins.jt))) 0x\(hex2(UInt32(ins.jf))) 0x\(hex8(ins.k))"
                out.append("\(label(pc)): \(cols)  \(text)")
            } else {
                out.append("\(label(pc)): \(text)")
            }
        }
        return out
    }

    static func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
    static func hex2(_ v: UInt32) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: max(0, 2 - s.count)) + s }
    static func hex8(_ v: UInt32) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: max(0, 8 - s.count)) + s }

    static func fieldName(_ offset: UInt32) -> String {
        switch offset {
        case SeccompData.nrOffset: return "sys_number"
        case SeccompData.archOffset: return "arch"
        case 8: return "instruction_pointer"
        case 12: return "instruction_pointer >> 32"
        case 16..<64 where offset % 4 == 0:
            let i = (offset - 16) / 8
            return (offset - 16) % 8 == 0 ? "args[\(i)]" : "args[\(i)] >> 32"
        default: return "data[\(offset)]"
        }
    }

    static func archName(_ audit: UInt32) -> String? {
        switch audit {
        case Arch.x86_64.auditArch: return "ARCH_X86_64"
        case Arch.i386.auditArch: return "ARCH_I386"
        case Arch.aarch64.auditArch: return "ARCH_AARCH64"
        default: return nil
        }
    }

    static func constant(_ k: UInt32, state: State, table: SyscallTable, fallback: Arch) -> String {
        switch state.content {
        case .arch: return archName(k) ?? hex(k)
        case .nr:
            let nr = Int32(bitPattern: k)
            let arch = state.auditArch.flatMap { Arch(auditArch: $0, nr: nr) }
                ?? Arch(auditArch: fallback.auditArch, nr: nr) ?? fallback
            return table.name(of: Int32(bitPattern: k), arch: arch) ?? hex(k)
        case .other: return hex(k)
        }
    }

    static func actionName(_ v: UInt32) -> String {
        let a = Action(returnValue: v)
        switch a {
        case .allow: return "ALLOW"
        case .log: return "LOG"
        case .trace(let d): return "TRACE(\(d))"
        case .userNotif: return "USER_NOTIF"
        case .errno(let e): return "ERRNO(\(e))"
        case .trap: return "TRAP"
        case .killThread: return "KILL"
        case .killProcess: return v == 0x8000_0000 ? "KILL_PROCESS" : "KILL_PROCESS (\(hex(v)))"
        }
    }
}
