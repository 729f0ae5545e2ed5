import ArgumentParser
import Foundation
import PolicyModel
import TraceCapture

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show the seccomp filters installed in a running process.",
        discussion: """
            Reads PID's filters with PTRACE_SECCOMP_GET_FILTER (the process is stopped for a \
            moment and keeps running) and shows, per filter, its disassembly and what it does \
            with each syscall of each architecture: allowed, refused and how, or depending on \
            the arguments. The kernel runs every filter and keeps the most restrictive answer. \
            Needs CAP_SYS_ADMIN.
            """)

    @Argument(help: "The process.")
    var pid: Int32

    func validate() throws {
        if pid <= 0 { throw ValidationError("<pid> takes a process id above 0, not \(pid)") }
    }

    @Flag(help: "Only the summaries, not the disassembly.")
    var summaryOnly = false

    func run() throws {
        let filters = try FilterReader.filters(of: pid)
        if filters.isEmpty {
            let strict = FilterReader.mode(of: pid) == 1
            print(strict ? "process \(pid) runs in seccomp strict mode (only read, write, _exit and sigreturn); it has no filter"
                         : "process \(pid) has no seccomp filter")
            return
        }
        for (i, program) in filters.enumerated() {
            print("filter \(i + 1) of \(filters.count) (installed \(i == 0 ? "first" : "after filter \(i)"), "
                + "\(program.count) instructions):")
            do {
                try BPFValidator.validate(program)
            } catch {
                print("  the kernel returned a program the validator refuses: \(error)")
                continue
            }
            if !summaryOnly {
                print(BPFDisassembler.lines(program).map { "  " + $0 }.joined(separator: "\n"))
                print()
            }
            print(FilterSummary(program: program).lines().map { "  " + $0 }.joined(separator: "\n"))
            if i + 1 < filters.count { print() }
        }
    }
}
