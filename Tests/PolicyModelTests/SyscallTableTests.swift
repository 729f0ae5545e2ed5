import Foundation
import Testing
@testable import PolicyModel
import TestSupport

/// The generated table against the headers it came from and against libseccomp's own table.
@Suite struct SyscallTableTests {
    let table = SyscallTable.shared

    /// `__NR_name` → number, read from a uapi header. x32 bodies are `(__X32_SYSCALL_BIT + n)`.
    static func headerNumbers(_ path: String) throws -> [String: Int32] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var numbers: [String: Int32] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 3, words[0] == "#define", words[1].hasPrefix("__NR_") else { continue }
            let name = String(words[1].dropFirst("__NR_".count))
            let body = words[2...].joined(separator: " ")
            if let n = Int32(body) {
                numbers[name] = n
            } else if body.hasPrefix("(__X32_SYSCALL_BIT + "), body.hasSuffix(")"),
                      let n = Int32(body.dropFirst("(__X32_SYSCALL_BIT + ".count).dropLast()) {
                numbers[name] = Int32(bitPattern: Arch.x32SyscallBit) + n
            } else {
                Issue.record("\(path): cannot read '\(line)'")
            }
        }
        return numbers
    }

    func tableNumbers(_ arch: Arch) -> [String: Int32] {
        Dictionary(uniqueKeysWithValues: table.definitions(for: arch).map { ($0.name, $0.numbers[arch]!) })
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The calls `scripts/data/syscalls-newer.h` declares: those added after the 6.1 headers.
    static func newerThanHeaders() throws -> Set<String> {
        let text = try String(contentsOf: root.appendingPathComponent("scripts/data/syscalls-newer.h"), encoding: .utf8)
        return Set(text.split(separator: "\n").compactMap { line -> String? in
            guard let r = line.range(of: "asmlinkage long sys_") else { return nil }
            return String(line[r.upperBound...].prefix { $0 != "(" })
        })
    }

    /// Per architecture, `name` → number from the committed copy of libseccomp's syscalls.csv,
    /// read here independently of the generator (x32 numbers get the x32 bit).
    static func csvNumbers() throws -> [Arch: [String: Int32]] {
        let text = try String(contentsOf: root.appendingPathComponent("scripts/data/libseccomp-syscalls.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let names: [(Arch, String)] = [(.x86_64, "x86_64"), (.x32, "x32"), (.i386, "x86"), (.aarch64, "aarch64")]
        let columns = try names.map { arch, column in (arch, try #require(header.firstIndex(of: column))) }
        var out: [Arch: [String: Int32]] = [:]
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            for (arch, i) in columns where f[i] != "PNR" {
                let n = try #require(Int32(f[i]), "\(line)")
                out[arch, default: [:]][String(f[0])] = arch == .x32 ? n | Int32(bitPattern: Arch.x32SyscallBit) : n
            }
        }
        return out
    }

    @Test("every architecture's table is libseccomp's syscalls.csv (Linux 7.1) exactly")
    func equalsCSV() throws {
        let csv = try Self.csvNumbers()
        for arch in Arch.allCases {
            let expected = try #require(csv[arch])
            #expect(tableNumbers(arch) == expected, "\(arch)")
        }
        // The calls of the running kernel that the Debian 12 headers (6.1) lack.
        #expect(table.number(of: "fchmodat2", arch: .x86_64) == 452)
        #expect(table.number(of: "mseal", arch: .x86_64) == 462)
        #expect(table.number(of: "listmount", arch: .aarch64) == 458)
        #expect(table.number(of: "cachestat", arch: .x32) == 0x4000_01C3)
        #expect(table.number(of: "map_shadow_stack", arch: .i386) == 453)
    }

    @Test("the x86_64, i386 and x32 headers (Linux 6.1) agree with the table, which adds only later calls",
          arguments: [(Arch.x86_64, "unistd_64.h"), (.i386, "unistd_32.h"), (.x32, "unistd_x32.h")])
    func agreesWithHeader(arch: Arch, header: String) throws {
        let expected = try Self.headerNumbers("/usr/include/x86_64-linux-gnu/asm/" + header)
        #expect(expected.count > 300)
        let ours = tableNumbers(arch)
        #expect(Set(expected.keys).subtracting(ours.keys).sorted() == [], "in \(header), not in the table")
        let added = Set(ours.keys).subtracting(expected.keys)
        let newer = try Self.newerThanHeaders()
        #expect(!added.isEmpty && added.isSubset(of: newer), "in the table, not in \(header)")
        let differing = expected.compactMap { name, n in
            ours[name].flatMap { $0 == n ? nil : "\(name): table \($0), \(header) \(n)" }
        }
        #expect(differing == [], "numbers differ")
    }

    @Test("every call added after 6.1 has the kernel's arguments")
    func newerCallsHaveArguments() throws {
        let fchmodat2 = try #require(table.definition(named: "fchmodat2"))
        #expect(fchmodat2.arguments.map(\.name) == ["dfd", "filename", "mode", "flags"])
        #expect(fchmodat2.arguments[1].isPath && fchmodat2.arguments[2].width == .bits32)
        let mseal = try #require(table.definition(named: "mseal"))
        #expect(mseal.arguments.map(\.name) == ["start", "len", "flags"])
        let wait = try #require(table.definition(named: "futex_wait"))
        #expect(wait.arguments.count == 6 && wait.arguments[4].isPointer)
        for name in try Self.newerThanHeaders() where !["uprobe", "uretprobe", "rseq_slice_yield"].contains(name) {
            #expect(table.definition(named: name)?.arguments.isEmpty == false, "\(name)")
        }
    }

    @Test("arguments carry the man pages' names as aliases; the kernel's name comes first")
    func argumentAliases() throws {
        let ioctl = try #require(table.definition(named: "ioctl"))
        #expect(ioctl.arguments[1].name == "cmd" && ioctl.arguments[1].aliases == ["request"])
        #expect(ioctl.argumentIndex(named: "request") == 1 && ioctl.argumentIndex(named: "cmd") == 1)
        #expect(ioctl.arguments[1].nameWithAliases == "cmd (request)")
        let openat = try #require(table.definition(named: "openat"))
        #expect(openat.argumentIndex(named: "dirfd") == 0 && openat.argumentIndex(named: "pathname") == 1)
        let wait4 = try #require(table.definition(named: "wait4"))
        #expect(wait4.argumentIndex(named: "wstatus") == 1)
        // No alias is another argument's kernel name, arg0...arg5, or repeated within a call.
        for d in table.definitions {
            let kernel = Set(d.arguments.map(\.name))
            let aliases = d.arguments.flatMap(\.aliases)
            #expect(Set(aliases).count == aliases.count, "\(d.name)")
            #expect(kernel.isDisjoint(with: aliases), "\(d.name)")
            #expect(!aliases.contains { TextPolicyLineParser.argumentIndex($0) != nil }, "\(d.name)")
        }
    }

    /// `arch name number` lines from libseccomp's resolver for every name given on stdin.
    static func libseccompNumbers(names: [String]) throws -> [Arch: [String: Int32]] {
        let script = """
            import sys, seccomp
            arches = {"x86_64": seccomp.Arch.X86_64, "x32": seccomp.Arch.X32,
                      "i386": seccomp.Arch.X86, "aarch64": seccomp.Arch.AARCH64}
            for name in sys.stdin.read().split():
                for arch, value in arches.items():
                    print(arch, name, seccomp.resolve_syscall(value, name))
            """
        let r = try ProcessRunner.run(["/usr/bin/python3", "-c", script], input: Data(names.joined(separator: "\n").utf8))
        guard r.status == 0 else { throw ProcessRunner.Failure("python3 seccomp failed: \(r.stderr)") }
        var result: [Arch: [String: Int32]] = [:]
        for line in r.stdout.split(separator: "\n") {
            let f = line.split(separator: " ")
            // Negative numbers are libseccomp's pseudo-syscalls: not on this architecture.
            guard f.count == 3, let arch = Arch(rawValue: String(f[0])), let n = Int32(f[2]), n >= 0
            else { continue }
            result[arch, default: [:]][String(f[1])] = n
        }
        return result
    }

    /// Every `__SNR_name` libseccomp's header knows.
    static func libseccompNames() throws -> Set<String> {
        let text = try String(contentsOfFile: "/usr/include/seccomp-syscalls.h", encoding: .utf8)
        var names = Set<String>()
        for line in text.split(separator: "\n") where line.hasPrefix("#define __SNR_") {
            let word = line.dropFirst("#define __SNR_".count).prefix { !$0.isWhitespace }
            names.insert(String(word))
        }
        return names
    }

    @Test("every architecture agrees with libseccomp's resolver, apart from named exceptions", .requires(Requirement.libseccompPython))
    func crossCheckLibseccomp() throws {
        let libseccompNames = try Self.libseccompNames()
        #expect(libseccompNames.count > 400)
        let names = libseccompNames.union(table.definitions.map(\.name)).sorted()
        let resolved = try Self.libseccompNumbers(names: names)

        // Debian's libseccomp 2.5.4 stops before some of the calls the table (Linux 7.1) has.
        let newerThanHeaders = try Self.newerThanHeaders()
        // On i386 libseccomp resolves the socket and SysV IPC calls to their multiplexers,
        // socketcall (102) and ipc (117), even where the kernel also has a direct number
        // (socket is 359, msgget 399, ...). accept, recv, send, semop and semtimedop have no
        // direct i386 number at all.
        let socketcallNames: Set = ["accept", "accept4", "bind", "connect", "getpeername",
                                    "getsockname", "getsockopt", "listen", "recv", "recvfrom",
                                    "recvmmsg", "recvmsg", "send", "sendmmsg", "sendmsg", "sendto",
                                    "setsockopt", "shutdown", "socket", "socketpair"]
        let ipcNames: Set = ["msgctl", "msgget", "msgrcv", "msgsnd", "semctl", "semget", "semop",
                             "semtimedop", "shmat", "shmctl", "shmdt", "shmget"]

        for arch in Arch.allCases {
            let ours = tableNumbers(arch)
            let theirs = resolved[arch] ?? [:]
            #expect(theirs.count > 300, "libseccomp resolved almost nothing on \(arch)")
            var multiplexed = Set<String>()
            if arch == .i386 {
                let socketcall = try #require(table.number(of: "socketcall", arch: .i386))
                let ipc = try #require(table.number(of: "ipc", arch: .i386))
                multiplexed = Set(theirs.filter {
                    ($0.value == socketcall && socketcallNames.contains($0.key))
                        || ($0.value == ipc && ipcNames.contains($0.key))
                }.keys)
                #expect(multiplexed == socketcallNames.union(ipcNames))
            }
            var differing: [String] = []
            for (name, n) in ours where theirs[name] != nil && theirs[name] != n && !multiplexed.contains(name) {
                differing.append("\(name): ours \(n), libseccomp \(theirs[name]!)")
            }
            #expect(differing.isEmpty, "\(arch): \(differing)")
            let onlyOurs = Set(ours.keys).subtracting(theirs.keys)
            let onlyTheirs = Set(theirs.keys).subtracting(ours.keys).subtracting(multiplexed)
            #expect(onlyOurs.isSubset(of: newerThanHeaders), "\(arch): only in our table: \(onlyOurs.subtracting(newerThanHeaders).sorted())")
            #expect(onlyTheirs.sorted() == [], "\(arch): only in libseccomp")
        }
    }

    @Test("other-architecture names hold every name libseccomp knows and our tables lack")
    func otherArchitectureNames() throws {
        let ours = Set(table.definitions.map(\.name))
        let expected = try Self.libseccompNames().subtracting(ours)
        #expect(expected.isSubset(of: table.otherArchitectureNames))
        #expect(table.otherArchitectureNames.contains("riscv_hwprobe"))  // Linux 6.4, after libseccomp 2.5.4
        #expect(table.otherArchitectureNames.contains("cacheflush"))
        #expect(ours.isDisjoint(with: table.otherArchitectureNames))
    }

    @Test("known arguments have the kernel's widths")
    func widths() throws {
        let openat = try #require(table.definition(named: "openat"))
        #expect(openat.arguments.map(\.name) == ["dfd", "filename", "flags", "mode"])
        #expect(openat.arguments[2].width == .bits32)
        #expect(openat.arguments[3].width == .bits32)  // umode_t
        let mmap = try #require(table.definition(named: "mmap"))
        let len = try #require(mmap.arguments.first { $0.name == "length" || $0.name == "len" })
        #expect(len.width == .bits64)
        let write = try #require(table.definition(named: "write"))
        #expect(write.arguments[0].name == "fd")
        #expect(write.arguments[0].width == .bits32)
        #expect(write.arguments[2].width == .bits64)  // size_t
        let kill = try #require(table.definition(named: "kill"))
        #expect(kill.arguments.map(\.width) == [.bits32, .bits32])  // pid_t, int
        let lseek = try #require(table.definition(named: "lseek"))
        #expect(lseek.arguments[1].width == .bits64)  // off_t
    }

    @Test("pointers and paths are marked")
    func pointersAndPaths() throws {
        let openat = try #require(table.definition(named: "openat"))
        #expect(openat.arguments[1].isPointer && openat.arguments[1].isPath)
        #expect(!openat.arguments[0].isPointer && !openat.arguments[2].isPath)
        let write = try #require(table.definition(named: "write"))
        #expect(write.arguments[1].isPointer && !write.arguments[1].isPath)
        let setxattr = try #require(table.definition(named: "setxattr"))
        #expect(setxattr.arguments[0].isPath)  // path
        #expect(!setxattr.arguments[1].isPath)  // attribute name
        let rename = try #require(table.definition(named: "renameat2"))
        #expect(rename.arguments.filter(\.isPath).map(\.name) == ["oldname", "newname"])
        // Every path is a pointer to char.
        for d in table.definitions {
            for a in d.arguments where a.isPath {
                #expect(a.isPointer && a.cType.contains("char"), "\(d.name).\(a.name)")
            }
        }
    }

    @Test("every architecture's numbers are unique and every syscall has a number somewhere")
    func uniqueNumbers() {
        for arch in Arch.allCases {
            let numbers = table.definitions(for: arch).map { $0.numbers[arch]! }
            #expect(Set(numbers).count == numbers.count, "\(arch)")
        }
        #expect(table.definitions.allSatisfy { !$0.numbers.isEmpty && $0.arguments.count <= 6 })
        #expect(table.definitions(for: .x32).allSatisfy { UInt32($0.numbers[.x32]!) & Arch.x32SyscallBit != 0 })
    }

    @Test("names use the userspace spelling")
    func userspaceNames() {
        #expect(table.number(of: "newfstatat", arch: .x86_64) == 262)
        #expect(table.number(of: "_llseek", arch: .i386) == 140)
        #expect(table.number(of: "mmap2", arch: .i386) == 192)
        #expect(table.number(of: "umount2", arch: .aarch64) == 39)
        #expect(table.name(of: 56, arch: .aarch64) == "openat")
        #expect(table.number(of: "open", arch: .aarch64) == nil)
    }

    @Test("closest names suggest the intended syscall")
    func closestNames() {
        #expect(table.closestNames(to: "opnat").contains("openat"))
        #expect(table.closestNames(to: "wrtie").contains("write"))
    }

    @Test("the committed table is what scripts/gen-syscall-table writes")
    func generatedFileIsCurrent() throws {
        let root = Self.root
        let r = try ProcessRunner.run(["/usr/bin/python3", root.appendingPathComponent("scripts/gen-syscall-table").path, "--check"])
        #expect(r.status == 0, "\(r.stderr)")
    }
}
