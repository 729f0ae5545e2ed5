import Testing
@testable import PolicyModel

@Suite struct ProfileConvergenceTests {
    func profile(_ calls: [(String, [UInt64])], arch: Arch = .x86_64) -> Profile {
        var p = Profile()
        p.add(calls.map { SyscallEvent(pid: 1, tid: 1, arch: arch, nr: SyscallTable.shared.number(of: $0.0, arch: arch)!, args: $0.1) })
        return p
    }

    @Test("each run counts the syscalls and argument values no earlier run had; pointers and addresses do not count")
    func contributions() {
        let a = profile([("openat", [0xFFFF_FF9C, 0x7ffd_0000, 0x80000, 0]), ("brk", [0x5555_0000])])
        // A different address for brk and the path pointer: nothing new.
        let b = profile([("openat", [0xFFFF_FF9C, 0x7ffe_1000, 0x80000, 0]), ("brk", [0x5566_0000])])
        // A new flag value and two new syscalls.
        let c = profile([("openat", [0xFFFF_FF9C, 0x7ffe_1000, 0x80041, 0o644]), ("accept4", [3, 0, 0, 0x80800]),
                         ("poll", [0, 1, 1000])])
        let i386 = profile([("read", [0, 0, 1])], arch: .i386)
        let runs = ProfileConvergence.contributions(of: [a, b, c, i386])
        #expect(runs[0].newSyscalls == ["brk", "openat"])
        #expect(runs[1].isNothingNew)
        #expect(runs[2].newSyscalls == ["accept4", "poll"])
        // openat: flags 0x80041 and mode 0644; accept4: fd 3 and flags; poll: nfds is 32-bit, timeout too.
        #expect(runs[2].newValues == 2 + 2 + 2)
        #expect(runs[3].newSyscalls == ["read [i386]"])
        let lines = ProfileConvergence.lines(runs, names: ["a.json", "b.json", "c.json"])
        #expect(lines[1] == "run 2 (b.json): nothing new")
        #expect(lines[2] == "run 3 (c.json): +2 syscalls (accept4, poll), +6 argument values")
        #expect(lines[3].hasPrefix("run 4: +1 syscall (read [i386]), +"))
    }
}
