import ArgumentParser
import Foundation
import PolicyModel
import TUI

struct Disasm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disasm", abstract: "Disassemble a raw BPF seccomp filter.",
        discussion: "FILE holds `struct sock_filter` instructions, 8 bytes each, as written by "
            + "`export --format bpf` or `seccomp_export_bpf`. The program is checked as the kernel would.")

    @Argument(help: "The raw BPF file.")
    var file: String

    @Flag(help: "Also show each instruction's code, jt, jf and k.")
    var raw = false

    @Option(help: "The architecture whose syscall names to use where the program does not check it.")
    var arch: String = Arch.host.rawValue

    @Option(help: ArgumentHelp("For benchmarks: a file of calls, one `name arg0 ... arg5` (hex) per line; prints the "
                                + "instructions the filter executes per call on the host architecture, with and without "
                                + "the kernel's cache.", visibility: .hidden))
    var cost: String?

    @Option(help: ArgumentHelp("For benchmarks with --cost: the policy the filter was built from.", visibility: .hidden))
    var policy: String?

    func run() throws {
        guard let fallback = Arch(name: arch) else {
            throw ValidationError("unknown architecture '\(arch)' (expected one of \(Arch.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let program = try Disasm.readProgram(file)
        if let cost {
            let p = try policy.map { try PolicyIO.load(path: $0) }
            print(try FilterCost.measure(program, callsFile: cost, policy: p).report)
            return
        }
        print(BPFDisassembler.lines(program, raw: raw, fallbackArch: fallback).joined(separator: "\n"))
        print("\nWhat the filter does with each syscall:")
        print(FilterSummary(program: program).lines().map { "  " + $0 }.joined(separator: "\n"))
    }

    /// Reads and validates a raw BPF file; every fault names the file.
    static func readProgram(_ path: String) throws -> [SockFilter] {
        let limit = BPF.maxInstructions * 8
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(path: path, limit: limit)
        } catch let e as FileError where e.reason.hasPrefix("the file is larger") {
            throw FileError(path: path, reason: "the kernel would refuse this filter: the file holds more than "
                            + "\(limit) bytes, the kernel's limit of \(BPF.maxInstructions) instructions")
        }
        guard !bytes.isEmpty else { throw FileError(path: path, reason: "the file is empty; expected BPF instructions of 8 bytes each") }
        guard let program = SockFilter.program(from: bytes) else {
            throw FileError(path: path, reason: "\(bytes.count) bytes is not a whole number of 8-byte BPF instructions")
        }
        do {
            try BPFValidator.validate(program)
        } catch let e as BPFValidationError {
            throw FileError(path: path, reason: "the kernel would refuse this filter: \(e)")
        }
        return program
    }
}
