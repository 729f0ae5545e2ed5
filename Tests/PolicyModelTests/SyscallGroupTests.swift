import Testing
@testable import PolicyModel

@Suite struct SyscallGroupTests {
    @Test("systemd's group names and the dangerous ones exist")
    func namesExist() {
        for name in ["@basic-io", "@file-system", "@io-event", "@ipc", "@network-io", "@process",
                     "@signal", "@timer", "@memory", "@aio", "@chown", "@clock", "@cpu-emulation",
                     "@credentials", "@keyring", "@memlock", "@pkey", "@resources", "@sandbox",
                     "@setuid", "@sync", "@system-service", "@default", "@mount", "@module",
                     "@reboot", "@swap", "@raw-io", "@privileged", "@debug", "@obsolete"] {
            #expect(SyscallGroups.members(of: name)?.isEmpty == false, "\(name)")
            #expect(SyscallGroups.summary(of: name)?.isEmpty == false, "\(name)")
        }
        #expect(SyscallGroups.members(of: "@no-such-group") == nil)
        #expect(SyscallGroups.closestNames(to: "@filesystem") == ["@file-system"])
    }

    @Test("the table names each group once and includes only groups it defines")
    func tableIsWellFormed() {
        let names = syscallGroupTable.map(\.name)
        #expect(Set(names).count == names.count)
        for g in syscallGroupTable {
            #expect(g.name.hasPrefix("@"))
            for m in g.members where m.hasPrefix("@") {
                #expect(names.contains(m), "\(g.name) includes unknown \(m)")
            }
            let plain = g.members.filter { !$0.hasPrefix("@") }
            #expect(Set(plain).count == plain.count, "\(g.name) lists a member twice")
        }
    }

    @Test("nested groups are expanded: @privileged holds @chown's and @reboot's members")
    func nestedGroups() throws {
        let privileged = try #require(SyscallGroups.members(of: "@privileged"))
        for name in ["chown", "fchownat", "reboot", "kexec_load", "init_module", "swapon", "iopl",
                     "settimeofday", "bpf"] {
            #expect(privileged.contains(name), "\(name)")
        }
        #expect(!privileged.contains { $0.hasPrefix("@") })
        #expect(privileged == privileged.sorted())
        let service = try #require(SyscallGroups.members(of: "@system-service"))
        for name in ["read", "write", "openat", "socket", "epoll_wait", "futex", "rt_sigaction",
                     "exit_group", "ioctl"] {
            #expect(service.contains(name), "\(name)")
        }
        #expect(!service.contains("reboot"))
        #expect(SyscallGroups.groups(of: "read") == ["@basic-io", "@system-service"])
        #expect(SyscallGroups.groups(of: "mount") == ["@mount"])
    }

    @Test("every member is a syscall the table knows")
    func membersAreKnown() {
        let table = SyscallTable.shared
        for (group, members) in SyscallGroups.all {
            for m in members {
                #expect(table.definition(named: m) != nil || table.otherArchitectureNames.contains(m),
                        "\(group): \(m) is not in the syscall table")
            }
        }
    }

    @Test("every x86_64 syscall is in at least one group")
    func everyX86_64SyscallIsGrouped() {
        let x86_64 = SyscallTable.shared.definitions(for: .x86_64)
        #expect(x86_64.count > 300)
        let grouped = Set(SyscallGroups.all.values.joined())
        let missing = x86_64.map(\.name).filter { !grouped.contains($0) }
        #expect(missing.isEmpty, "not in any group: \(missing)")
        #expect(SyscallGroups.members(of: "@basic-io", on: .x86_64)?.contains("_llseek") == false)
        #expect(SyscallGroups.members(of: "@basic-io", on: .i386)?.contains("_llseek") == true)
    }

    @Test("every argument in the decoder table exists, holds a value rather than a pointer")
    func argumentTableMatchesTheSyscallTable() throws {
        for (syscall, arguments) in argumentDecoderTable {
            let def = try #require(SyscallTable.shared.definition(named: syscall), "\(syscall)")
            for index in arguments.keys {
                #expect(index < def.arguments.count, "\(syscall) has no argument \(index)")
                if index < def.arguments.count {
                    #expect(!def.arguments[index].isPointer, "\(syscall) argument \(index) is a pointer")
                }
            }
        }
        // By name, as the text policy language writes them.
        let openat = try #require(SyscallTable.shared.definition(named: "openat"))
        let flags = try #require(openat.argumentIndex(named: "flags"))
        #expect(ArgumentDecoders.decoder(syscall: "openat", argument: flags)?.name == "open_flags")
        let socket = try #require(SyscallTable.shared.definition(named: "socket"))
        let domain = try #require(socket.argumentIndex(named: "domain"))
        #expect(ArgumentDecoders.decoder(syscall: "socket", argument: domain)?.name == "socket_domain")
        // mprotect's prot is an unsigned long: bits above 32 are not hidden.
        #expect(ArgumentDecoders.describe(syscall: "mprotect", argument: 2, value: 0x1_0000_0001)
                == "PROT_READ|0x100000000")
        #expect(ArgumentDecoders.describe(syscall: "openat", argument: 0, value: 0xffff_ffff_ffff_ff9c)
                == "AT_FDCWD")
    }
}
