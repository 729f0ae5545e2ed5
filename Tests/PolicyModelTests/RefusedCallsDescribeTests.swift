import PolicyModel
import Testing

/// How `enforce` and `check` show a refused call: signed arguments with their sign, unsigned
/// ones and pointers as they are, read at the argument's width on each architecture.
@Suite struct RefusedCallsDescribeTests {
    func call(_ name: String, _ arch: Arch, _ args: [UInt64]) throws -> SyscallEvent {
        let nr = try #require(SyscallTable.shared.number(of: name, arch: arch))
        return SyscallEvent(pid: 1, tid: 1, arch: arch, nr: nr, args: args + Array(repeating: 0, count: 6 - args.count))
    }

    @Test("a negative int, pid_t or off_t shows as negative, on 64- and 32-bit architectures")
    func signed() throws {
        let minusOne = UInt64.max
        #expect(RefusedCalls.describe(try call("kill", .x86_64, [minusOne, 0])).hasPrefix("kill(pid=-1, "))
        #expect(RefusedCalls.describe(try call("kill", .i386, [0xFFFF_FFFF, 0])).hasPrefix("kill(pid=-1, "))
        #expect(RefusedCalls.describe(try call("lseek", .x86_64, [3, UInt64(bitPattern: -10), 0])).contains("offset=-10"))
        #expect(RefusedCalls.describe(try call("lseek", .i386, [3, 0xFFFF_FFF6, 0])).contains("offset=-10"))
    }

    @Test("unsigned arguments and pointers stay unsigned")
    func unsigned() throws {
        #expect(RefusedCalls.describe(try call("read", .x86_64, [3, 0x7ffd_0000, UInt64.max])).contains("count=18446744073709551615"))
        #expect(RefusedCalls.describe(try call("read", .x86_64, [3, 0x7ffd_0000, 4])).contains("buf=0x7ffd0000"))
        // close's fd is an unsigned int in the kernel: -1 reaches it as 4294967295.
        #expect(RefusedCalls.describe(try call("close", .x86_64, [UInt64.max])) == "close(fd=4294967295)")
    }
}
