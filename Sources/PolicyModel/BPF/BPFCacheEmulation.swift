/// The kernel's seccomp action cache (Linux 5.11+, `seccomp_cache_prepare_bitmap` and
/// `seccomp_is_const_allow` in `kernel/seccomp.c`): at attach time the kernel runs the filter
/// abstractly for every syscall number of each architecture it knows; a number whose path loads
/// only `nr`/`arch`, jumps on constants, and returns `SECCOMP_RET_ALLOW` is marked always allowed
/// and skips the filter from then on.
public enum BPFCacheEmulation {
    /// Whether the kernel would mark `nr` on the architecture with audit value `auditArch` as
    /// always allowed for `program` (`seccomp_is_const_allow`).
    public static func isConstantAllow(_ program: [SockFilter], nr: Int32, auditArch: UInt32) -> Bool {
        var a: UInt32 = 0
        var pc = 0
        while pc < program.count {
            let ins = program[pc]
            switch ins.code {
            case BPF.ld | BPF.w | BPF.abs:
                switch ins.k {
                case SeccompData.nrOffset: a = UInt32(bitPattern: nr)
                case SeccompData.archOffset: a = auditArch
                default: return false
                }
            case BPF.ret | BPF.k:
                return ins.k == Action.allow.returnValue
            case BPF.jmp | BPF.ja:
                pc += Int(ins.k)
            case BPF.jmp | BPF.jeq | BPF.k, BPF.jmp | BPF.jge | BPF.k, BPF.jmp | BPF.jgt | BPF.k,
                 BPF.jmp | BPF.jset | BPF.k:
                let taken: Bool
                switch BPF.operation(ins.code) {
                case BPF.jeq: taken = a == ins.k
                case BPF.jge: taken = a >= ins.k
                case BPF.jgt: taken = a > ins.k
                default: taken = a & ins.k != 0
                }
                pc += Int(taken ? ins.jt : ins.jf)
            case BPF.alu | BPF.and | BPF.k:
                a &= ins.k
            default:
                return false
            }
            pc += 1
        }
        return false
    }

    /// The numbers in `0..<bitmapSize` the kernel caches as always allowed on `arch`
    /// (on x86_64 the kernel keeps bitmaps for native x86_64 and compat i386; x32 numbers lie
    /// above the bitmap and are never cached).
    public static func alwaysAllowed(_ program: [SockFilter], arch: Arch, bitmapSize: Int32) -> Set<Int32> {
        guard arch != .x32 else { return [] }
        return Set((0..<bitmapSize).filter { isConstantAllow(program, nr: $0, auditArch: arch.auditArch) })
    }
}
