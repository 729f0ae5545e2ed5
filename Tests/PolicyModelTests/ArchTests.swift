import Testing
@testable import PolicyModel

/// `Arch(auditArch:nr:)`: which architecture a call is from, as `seccomp_data` says it.
@Suite struct ArchTests {
    let table = SyscallTable.shared

    @Test("every number of every architecture's table maps back to that architecture under its audit value")
    func tableNumbersMapBack() {
        for arch in Arch.allCases {
            for def in table.definitions(for: arch) {
                let nr = def.numbers[arch]!
                #expect(Arch(auditArch: arch.auditArch, nr: nr) == arch, "\(def.name) \(nr) on \(arch)")
            }
        }
    }

    @Test("an audit value that is none of ours is nil; -1 (the skipped call) under i386 and aarch64 stays theirs")
    func unknownAndNegative() {
        #expect(Arch(auditArch: 0x4000_0028, nr: 0) == nil)  // AUDIT_ARCH_ARM
        #expect(Arch(auditArch: Arch.i386.auditArch, nr: -1) == .i386)
        #expect(Arch(auditArch: Arch.aarch64.auditArch, nr: -1) == .aarch64)
    }
}
