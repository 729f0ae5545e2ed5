import Foundation
import Glibc
import PolicyModel
import Testing
import TUI
import TestSupport

/// `enforce --complain --tui` on the real binary in tmux: the calls a policy would refuse appear
/// as rows to decide on (and only those), and saving writes the loaded policy extended with the
/// decisions.
@Suite(.serialized, .requires(Requirement.tmux), .requires(Requirement.ptrace)) struct ComplainTUIEndToEndTests {
    @Test("refused calls become rows; allowing mkdir and saving extends the loaded policy")
    func complainRowsExtendPolicy() throws {
        let dir = try TestScratch.directory("complain-tui").path
        // Everything a shell needs to start and exit is allowed; mkdir is refused.
        let base = dir + "/base.policy"
        let allowed = ["execve", "brk", "mmap", "mprotect", "munmap", "arch_prctl", "access", "openat", "newfstatat",
                       "close", "read", "pread64", "set_tid_address", "set_robust_list", "rseq", "prlimit64",
                       "getrandom", "getpid", "getppid", "getuid", "geteuid", "getgid", "getegid", "rt_sigaction",
                       "rt_sigprocmask", "rt_sigreturn", "exit_group", "exit", "fcntl", "dup2", "ioctl", "uname",
                       "getcwd", "write", "stat", "fstat", "lseek", "wait4", "clone", "vfork", "faccessat2",
                       "getpgrp", "umask", "statx"]
        try (["@default errno EPERM", "@arch x86_64"] + allowed.map { "\($0): allow" }).joined(separator: "\n")
            .write(toFile: base, atomically: true, encoding: .utf8)
        let out = dir + "/extended.json"
        let t = try TmuxSession("\(TmuxSession.binary) enforce --complain --tui --policy \(base) -o \(out) -- "
            + "/bin/sh -c 'mkdir \(dir)/made'; echo \"exit=$?\"; sleep 30")
        try t.waitFor("exited with code 0")
        #expect(FileManager.default.fileExists(atPath: dir + "/made"), "complain mode refuses nothing")
        let screen = try t.search("mkdir", until: "mkdir(const char")
        #expect(screen.contains("policy: mkdir: default (errno EPERM)"), "\(screen)")
        #expect(!screen.contains(" execve "), "allowed calls are not rows: \(screen)")
        try t.send("a")
        try t.waitFor("decision: allow")
        try t.saveAndQuit(saved: "saved OCI JSON policy to \(out)")

        let policy = try PolicyIO.load(path: out)
        let table = SyscallTable.shared
        func decide(_ name: String) throws -> Action {
            policy.decide(SeccompData(nr: try #require(table.number(of: name, arch: .x86_64)), arch: .x86_64))
        }
        #expect(try decide("mkdir") == .allow, "decided in the TUI")
        #expect(try decide("execve") == .allow, "kept from the loaded policy")
        #expect(try decide("ptrace") == .errno(UInt16(EPERM)), "the loaded default")
    }
}
