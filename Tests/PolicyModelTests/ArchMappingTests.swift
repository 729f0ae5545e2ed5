import Testing
@testable import PolicyModel

/// The one table that carries x86_64 policies to other architectures, checked against the
/// generated syscall tables.
@Suite struct ArchMappingTests {
    let table = SyscallTable.shared
    static let targets: [Arch] = [.aarch64, .i386, .x32]

    @Test("every x86_64 syscall a target lacks is replaced, dropped with a reason, or known to have no counterpart", arguments: targets)
    func complete(target: Arch) {
        for def in table.definitions(for: .x86_64) where table.number(of: def.name, arch: target) == nil {
            let replaced = ArchMapping.byName[def.name].map { table.number(of: $0.to, arch: target) != nil } ?? false
            let dropped = ArchMapping.withoutSyscall[def.name]?.arches.contains(target) ?? false
            #expect(replaced || dropped || ArchMapping.noCounterpart.contains(def.name), "\(def.name) on \(target)")
        }
    }

    @Test("every replacement is used by some target, and maps each argument onto one of the same width")
    func replacementsAreSound() throws {
        for r in ArchMapping.replacements {
            #expect(Self.targets.contains { table.number(of: r.from, arch: $0) == nil && table.number(of: r.to, arch: $0) != nil },
                    "\(r.from) → \(r.to) applies nowhere")
            let from = try #require(table.definition(named: r.from)), to = try #require(table.definition(named: r.to))
            #expect(r.arguments.count == from.arguments.count, "\(r.from): \(from.arguments.count) arguments")
            for (i, target) in r.arguments.enumerated() {
                guard let target else { continue }
                let a = from.arguments[i], b = try #require(to.arguments[safe: target], "\(r.to) has no argument \(target)")
                #expect(a.width == b.width && a.isPointer == b.isPointer, "\(r.from).\(a.name) → \(r.to).\(b.name)")
            }
        }
        #expect(Set(ArchMapping.replacements.map(\.from)).count == ArchMapping.replacements.count)
        #expect(ArchMapping.noCounterpart.isDisjoint(with: ArchMapping.replacements.map(\.from)))
    }

    func policy(_ text: String) throws -> Policy { try TextPolicy.parse(text, file: "t.policy").policy }

    @Test("an x86_64 policy for aarch64: same names kept, others replaced with their conditions moved, one note per mapping")
    func toAarch64() throws {
        let p = try policy("""
            @default errno EPERM
            @arch x86_64
            read: allow
            open: flags & 0x40 == 0
            open: flags == 0
            dup2: newfd == 1
            arch_prctl: allow
            """)
        let (out, notes) = try ArchMapping.retarget(p, to: .aarch64)
        #expect(out.architectures == [.aarch64])
        #expect(out.rules.map(\.syscall) == ["read", "openat", "openat", "dup3"])
        #expect(out.rules[1].conditions.map(\.index) == [2])
        #expect(out.rules[3].conditions.map(\.index) == [1])
        #expect(notes.contains("open → openat (2 rules)") && notes.contains("dup2 → dup3"))
        #expect(notes.contains("arch_prctl: dropped: aarch64 sets the thread pointer (TPIDR_EL0) without a syscall"))
        #expect(notes.contains { $0.hasPrefix("argument values are carried over as numbers") })
    }

    @Test("a call with no counterpart, or a condition on an argument the replacement lacks, is an error naming it")
    func errors() throws {
        #expect(throws: ArchMappingError.noCounterpart(syscall: "iopl", arch: .aarch64)) {
            try ArchMapping.retarget(try policy("@default errno EPERM\n@arch x86_64\niopl: allow\n"), to: .aarch64)
        }
        #expect(throws: ArchMappingError.argumentLost(syscall: "poll", argument: "timeout", replacement: "ppoll", arch: .aarch64)) {
            try ArchMapping.retarget(try policy("@default errno EPERM\n@arch x86_64\npoll: arg2 == 0\n"), to: .aarch64)
        }
    }

    @Test("i386: newfstatat becomes fstatat64 and sigreturn is allowed with rt_sigreturn; x32 keeps x86_64's names")
    func toI386AndX32() throws {
        let p = try policy("@default errno EPERM\n@arch x86_64\nnewfstatat: allow\nrt_sigreturn: allow\nopen: allow\n")
        let (i386, _) = try ArchMapping.retarget(p, to: .i386)
        #expect(i386.rules.map(\.syscall) == ["fstatat64", "rt_sigreturn", "open", "sigreturn"])
        let (x32, notes) = try ArchMapping.retarget(p, to: .x32)
        #expect(x32.rules.map(\.syscall) == ["newfstatat", "rt_sigreturn", "open"] && notes.isEmpty)
    }
}
