import Foundation
import PolicyModel
import Testing

@Suite struct SyscallGroupsCommandTests {
    /// What `seccomp-tui syscalls ARGS` prints; an error when it fails.
    func run(_ arguments: [String]) throws -> String {
        let out = try EnforceTestSupport.seccompTUI(["syscalls"] + arguments)
        guard out.status == 0 else { throw EnforceTestSupport.Failure(output: out) }
        return out.stdout
    }

    /// `name → number` from the kernel's x86_64 unistd header.
    func unistd64() throws -> [String: Int] {
        let text = try String(contentsOfFile: "/usr/include/x86_64-linux-gnu/asm/unistd_64.h", encoding: .utf8)
        var numbers: [String: Int] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("#define __NR_") {
            let parts = line.split(separator: " ")
            if parts.count == 3, let n = Int(parts[2]) { numbers[String(parts[1].dropFirst(5))] = n }
        }
        return numbers
    }

    @Test("--groups lists every group with its summary, and every x86_64 syscall of the headers is in one")
    func listsGroups() throws {
        let out = try run(["--groups", "--arch", "x86_64"])
        let headers = out.split(separator: "\n").filter { $0.hasPrefix("@") }
        #expect(headers.map { String($0.split(separator: " ")[0]) } == SyscallGroups.names)
        for h in headers {
            let name = String(h.split(separator: " ")[0])
            let count = SyscallGroups.members(of: name, on: .x86_64)?.count ?? -1
            #expect(h.hasPrefix("\(name) (\(count)): \(SyscallGroups.summary(of: name) ?? "")"))
        }
        let listed = Set(out.split(separator: "\n").filter { $0.hasPrefix("    ") }
            .flatMap { $0.split(separator: " ") }.map(String.init))
        let kernel = try unistd64()
        #expect(kernel.count > 300)
        let missing = kernel.keys.filter { !listed.contains($0) }.sorted()
        #expect(missing.isEmpty, "in no group: \(missing)")
        #expect(out.split(separator: "\n").allSatisfy { $0.count <= 100 })
    }

    @Test("a group name prints its members with their numbers from the headers")
    func groupMembers() throws {
        let kernel = try unistd64()
        for arguments in [["--arch", "x86_64", "@mount"], ["--arch", "x86_64", "--groups", "@mount"]] {
            let lines = try run(arguments).split(separator: "\n").map(String.init)
            #expect(lines[0] == "@mount: Mounting and unmounting of file systems")
            let rows = lines.dropFirst().filter { $0.first == " " || $0.first?.isNumber == true }
            for name in try #require(SyscallGroups.members(of: "@mount", on: .x86_64)) {
                let number = try #require(kernel[name], "\(name) not in unistd_64.h")
                #expect(rows.contains { $0.hasSuffix("  \(name)") && $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(number) ") })
            }
        }
        let i386 = try run(["--arch", "i386", "@basic-io"])
        #expect(i386.contains("140  _llseek\n"))
        let x86 = try run(["--arch", "x86_64", "@basic-io"])
        #expect(x86.hasSuffix("not on x86_64:\n    _llseek\n"))
    }

    @Test("--groups with a syscall name prints the groups it is in")
    func groupsOfSyscall() throws {
        #expect(try run(["--groups", "read"]) == "read: @basic-io @system-service\n")
        #expect(try run(["--groups", "reboot"]) == "reboot: @privileged @reboot\n")
    }

    @Test("an unknown group or syscall fails with the closest names")
    func unknownGroup() throws {
        for (arguments, expected) in [(["@mout"], "unknown syscall group '@mout'; closest: @mount"),
                                      (["--groups", "opnat"], "unknown syscall 'opnat'")] {
            let out = try EnforceTestSupport.seccompTUI(["syscalls"] + arguments)
            #expect(out.status != 0)
            #expect(EnforceTestSupport.Failure(output: out).message.contains(expected), "\(out.stderr)")
        }
    }

    @Test("a syscall's details name its decoded arguments and its groups")
    func detailsShowDecodersAndGroups() throws {
        let lines = try run(["--arch", "x86_64", "openat"]).split(separator: "\n").map(String.init)
        #expect(lines.contains("  values: dfd dirfd, flags open_flags, mode file_mode"))
        #expect(lines.contains("  groups: @file-system @system-service"))
        let socket = try run(["--arch", "x86_64", "socket"])
        #expect(socket.contains("  values: domain socket_domain, type socket_type, protocol ip_protocol/netlink_protocol\n"))
    }
}
