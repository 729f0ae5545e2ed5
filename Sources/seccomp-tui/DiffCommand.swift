import ArgumentParser
import Foundation
import PolicyModel
import TUI
import TraceCapture

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Show exactly which calls two policies decide differently.",
        discussion: """
            A and B are policies (OCI JSON, .policy text), raw BPF filters (.bpf) or pid:N (the \
            filters process N runs under, as `inspect` reads them; needs CAP_SYS_ADMIN). Each is \
            analysed as a BPF program path by path (a policy is compiled first), so the result is \
            exact, not sampled. Prints, per architecture and syscall, the calls decided \
            differently, with a witness call for each. Exit status 0 when equal, 1 when \
            different, 2 on an error.
            """)

    @Argument(help: "The first policy, filter or pid:N.")
    var a: String

    @Argument(help: "The second policy, filter or pid:N.")
    var b: String

    @Flag(help: "Only report calls B allows (or logs) that A refuses: exit 1 when B is looser than A.")
    var subset = false

    @Flag(help: "Count every errno refusal as the same decision.")
    var ignoreErrno = false

    func run() throws {
        do {
            let pathsA = try Diff.paths(of: a)
            let pathsB = try Diff.paths(of: b)
            let diff = try PolicyDiff(pathsA, pathsB, options: .init(subset: subset, ignoreErrno: ignoreErrno))
            if diff.isEqual {
                print(subset ? "B (\(b)) allows nothing A (\(a)) refuses"
                             : "A (\(a)) and B (\(b)) decide every call alike")
                return
            }
            print("A = \(a)\nB = \(b)")
            for line in diff.lines() { print(line) }
            let places = Set(diff.differences.map(\.place)).count
            print(subset ? "B allows calls A refuses, in \(places) syscall\(places == 1 ? "" : "s")"
                         : "\(places) syscall\(places == 1 ? "" : "s") decided differently")
            throw ExitCode(1)
        } catch let e as ExitCode {
            throw e
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// Every path of the filters `spec` names.
    static func paths(of spec: String) throws -> [FilterPath] {
        let programs = try Diff.programs(of: spec)
        do {
            return try FilterPaths.explore(programs)
        } catch {
            throw FileError(path: spec, reason: "cannot be compared exactly: \(error)")
        }
    }

    /// The filters `spec` names: `pid:N`'s installed filters, a raw BPF file, or a policy compiled.
    static func programs(of spec: String) throws -> [[SockFilter]] {
        if spec.hasPrefix("pid:") {
            guard let pid = Int32(spec.dropFirst(4)), pid > 0 else {
                throw ValidationError("\(spec): expected pid:N with N a process id above 0")
            }
            let filters = try FilterReader.filters(of: pid)
            if filters.isEmpty, FilterReader.mode(of: pid) == 1 {
                throw FileError(path: spec, reason: "the process runs in seccomp strict mode (only read, write, _exit and "
                    + "sigreturn), which is no filter to compare")
            }
            for program in filters {
                do { try BPFValidator.validate(program) } catch {
                    throw FileError(path: spec, reason: "the kernel returned a filter the validator refuses: \(error)")
                }
            }
            return filters
        }
        if PolicyFormat(path: spec) == .bpf { return [try Disasm.readProgram(spec)] }
        let policy = try PolicyIO.load(path: spec)
        do {
            return [try BPFCompiler.compile(policy)]
        } catch {
            throw FileError(path: spec, reason: "cannot be compiled to BPF: \(error)")
        }
    }
}
