import PolicyModel

/// The number of syscall `name` on `arch`, from PolicyModel's table (the tests name calls
/// instead of writing one architecture's numbers). Stops the test run when the table lacks it:
/// the name is the test's own.
public func sysno(_ name: String, _ arch: Arch) -> Int32 {
    guard let nr = SyscallTable.shared.number(of: name, arch: arch) else {
        preconditionFailure("no syscall \(name) on \(arch) in the table")
    }
    return nr
}
