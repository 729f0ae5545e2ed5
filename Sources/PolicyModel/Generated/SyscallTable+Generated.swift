// PLACEHOLDER until scripts/gen-syscall-table writes the real table.
let generatedSyscallDefinitions: [SyscallDefinition] = [
    SyscallDefinition(name: "read", numbers: [.x86_64: 0, .i386: 3, .aarch64: 63, .x32: 0x4000_0000], arguments: [
        SyscallArgument(name: "fd", cType: "unsigned int", width: .bits32, isPointer: false, isPath: false),
        SyscallArgument(name: "buf", cType: "char __user *", width: .bits64, isPointer: true, isPath: false),
        SyscallArgument(name: "count", cType: "size_t", width: .bits64, isPointer: false, isPath: false),
    ]),
    SyscallDefinition(name: "write", numbers: [.x86_64: 1, .i386: 4, .aarch64: 64, .x32: 0x4000_0001], arguments: [
        SyscallArgument(name: "fd", cType: "unsigned int", width: .bits32, isPointer: false, isPath: false),
        SyscallArgument(name: "buf", cType: "const char __user *", width: .bits64, isPointer: true, isPath: false),
        SyscallArgument(name: "count", cType: "size_t", width: .bits64, isPointer: false, isPath: false),
    ]),
]
let generatedOtherArchitectureNames: Set<String> = []
