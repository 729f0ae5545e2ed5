import Foundation
import PolicyModel
import Testing

@Suite struct SyscallsCommandTests {
    /// What `seccomp-tui syscalls ARGS` prints; an error when it fails.
    func run(_ arguments: [String]) throws -> String {
        let out = try EnforceTestSupport.seccompTUI(["syscalls"] + arguments)
        guard out.status == 0 else { throw EnforceTestSupport.Failure(output: out) }
        return out.stdout
    }

    /// The error `arguments` end with, as the command line shows it, and its exit code.
    func failure(_ arguments: [String]) throws -> (message: String, code: Int32)? {
        let out = try EnforceTestSupport.seccompTUI(["syscalls"] + arguments)
        guard out.status != 0 else { return nil }
        return (EnforceTestSupport.Failure(output: out).message, out.status)
    }

    @Test("without an argument every syscall of the architecture is listed by number")
    func listsEverySyscall() throws {
        for (arch, header) in [("x86_64", "unistd_64.h"), ("i386", "unistd_32.h")] {
            let lines = try run(["--arch", arch]).split(separator: "\n")
            let text = try String(contentsOfFile: "/usr/include/x86_64-linux-gnu/asm/" + header, encoding: .utf8)
            let defined = text.split(separator: "\n").filter { $0.hasPrefix("#define __NR_") }
            #expect(lines.count == defined.count)
            let numbers = lines.map { Int($0.split(separator: " ")[0])! }
            #expect(numbers == numbers.sorted())
        }
        let lines = try run(["--arch", "x86_64"]).split(separator: "\n")
        #expect(lines.first == "  0  read(unsigned int fd, char __user *buf, size_t count)")
        #expect(lines.contains("257  openat(int dfd, const char __user *filename, int flags, umode_t mode)"))
    }

    @Test("the default architecture is the host's")
    func defaultArch() throws {
        #expect(try run([]) == run(["--arch", Arch.host.rawValue]))
    }

    @Test("a name prints its number, signature and each argument's width, pointer and path")
    func describesName() throws {
        let out = try run(["--arch", "arm64", "openat"])
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines[0] == "openat  56  (aarch64)")
        #expect(lines[1] == "  openat(int dfd, const char __user *filename, int flags, umode_t mode)")
        #expect(lines[2].hasPrefix("  arg0  dfd") && lines[2].hasSuffix("32-bit"))
        #expect(lines[3].hasPrefix("  arg1  filename") && lines[3].hasSuffix("64-bit  pointer  path"))
        #expect(lines[4].hasPrefix("  arg2  flags") && lines[4].hasSuffix("32-bit"))
        #expect(lines.last == "  also: x86_64 257, x32 1073742081, i386 295")
        let write = try run(["--arch", "x86_64", "write"])
        #expect(write.contains("buf    const char __user *  64-bit  pointer\n"))
    }

    @Test("a number prints the syscall that has it, decimal or hex")
    func describesNumber() throws {
        #expect(try run(["--arch", "x86_64", "59"]).hasPrefix("execve  59  (x86_64)\n"))
        #expect(try run(["--arch", "x86", "0xb"]).hasPrefix("execve  11  (i386)\n"))
        #expect(try run(["--arch", "x32", "0x40000000"]).hasPrefix("read  1073741824  (x32)\n"))
    }

    @Test("a number out of range, malformed or negative gets a number error, not 'unknown syscall'")
    func badNumbers() throws {
        for query in ["99999999999", "2147483648", "0x100000000", "0xg", "1e3"] {
            let f = try #require(try failure(["--arch", "x86_64", query]))
            #expect(f.message.contains("'\(query)' is not a syscall number: expected a decimal from -2147483648 to "
                                       + "2147483647 or a hex number 0x0 to 0xffffffff"), "\(query)")
            #expect(f.code != 0)
        }
        let negative = try #require(try failure(["--arch", "x86_64", "--", "-1"]))
        #expect(negative.message.contains("no syscall has number -1 on x86_64"))
    }

    @Test("an unknown name fails naming it and the closest names")
    func unknownName() throws {
        let f = try #require(try failure(["--arch", "x86_64", "opnat"]))
        #expect(f.message.contains("unknown syscall 'opnat'"))
        #expect(f.message.contains("openat"))
        #expect(f.code != 0)
    }

    @Test("names and numbers that are not on the architecture fail")
    func notOnArch() throws {
        let open = try #require(try failure(["--arch", "aarch64", "open"]))
        #expect(open.message.contains("'open' does not exist on aarch64"))
        #expect(open.code != 0)
        let number = try #require(try failure(["--arch", "x86_64", "4000"]))
        #expect(number.message.contains("no syscall has number 4000 on x86_64"))
        let other = try #require(try failure(["cacheflush"]))
        #expect(other.message.contains("does not cover"))
    }

    @Test("an unknown architecture fails listing the valid ones")
    func unknownArch() throws {
        let f = try #require(try failure(["--arch", "sparc", "read"]))
        #expect(f.message.contains("unknown architecture 'sparc'"))
        for name in ["x86_64", "x32", "i386", "aarch64", "arm64"] { #expect(f.message.contains(name)) }
        #expect(f.code != 0)
    }
}
