import Testing
@testable import PolicyModel

@Suite struct TextPolicyErrorTests {
    typealias F = TextPolicyFixtures

    /// Each bad line after `@default kill`, with the diagnostic it must produce (line 2).
    static let cases: [(String, String)] = [
        // lexer
        ("read: fd = 1", "2:10: expected '==' (a single '=' is not an operator)"),
        ("read: fd ! 1", "2:10: expected '!=' ('!' alone is not an operator)"),
        ("read: fd == 1 ; allow", "2:15: unexpected character ';'"),
        ("read: fd == 0x", "2:13: '0x' is not a number (expected hexadecimal digits)"),
        ("read: fd == 09", "2:13: '09' is not a number (expected octal digits)"),
        ("read: fd == 12ab", "2:13: '12ab' is not a number (expected decimal digits)"),
        ("read: count == 18446744073709551616", "2:16: '18446744073709551616' does not fit in 64 bits"),
        ("@ read: allow", "2:1: expected a directive or group name after '@'"),
        // statement structure
        ("== 1", "2:1: expected a syscall name, a group (@name) or a directive (@default, @arch, @include) at the start of the line, found '=='"),
        ("read allow", "2:6: expected ':' after 'read', found 'allow'"),
        ("read:", "2:6: expected an action (allow, errno NAME, kill, kill-thread, trap, log, trace N, notify) or a condition after 'read:'"),
        ("read: fd", "2:9: expected an operator (==, !=, <, <=, >, >=, &) after 'fd', found the end of the line"),
        ("read: fd 1", "2:10: expected an operator (==, !=, <, <=, >, >=, &) after 'fd', found '1'"),
        ("read: fd ==", "2:12: expected a value (a number or a constant such as O_RDONLY) after '=='"),
        ("read: fd == 1 |", "2:16: expected a value (a number or a constant such as O_RDONLY) after '|'"),
        ("read: fd == 1 fd == 2", "2:15: expected '&&', '||' or the end of the line after 'fd == 1', found 'fd'"),
        ("read: fd == 1 ||", "2:17: expected an argument name (such as fd, or arg0...arg5), found the end of the line"),
        ("read: fd == 1 && == 2", "2:18: expected an argument name (such as fd, or arg0...arg5), found '=='"),
        ("mmap: prot & PROT_EXEC != 0", "2:24: expected '==' after the mask 'PROT_EXEC' (a masked argument is compared with == only), found '!='"),
        ("read: alow", "2:7: unknown action 'alow': expected allow, errno NAME, kill, kill-thread, trap, log, trace N, notify (did you mean 'allow' or 'log'?)"),
        ("read: allow fd == 1", "2:13: expected 'if' or the end of the line after the action 'allow', found 'fd'"),
        ("read: errno", "2:12: expected an errno name or number after 'errno' (errno EPERM)"),
        ("read: errno EPRM", "2:13: unknown errno name 'EPRM' (did you mean 'EPERM'?)"),
        ("read: errno 4096", "2:13: errno 4096 is out of range (0...4095)"),
        ("read: trace", "2:12: expected a number (0...65535) after 'trace', found the end of the line"),
        ("read: trace 65536", "2:13: trace value 65536 does not fit 16 bits (0...65535)"),
        // directives
        ("@default allow", "2:1: a second @default (the first is at test.policy:1)"),
        ("@arch", "2:6: expected an architecture name (x86_64, x32, i386, aarch64) after '@arch'"),
        ("@arch x86_46", "2:7: unknown architecture 'x86_46': expected x86_64, x32, i386 or aarch64 (did you mean 'x86_64'?)"),
        ("@arch 64", "2:7: expected an architecture name (x86_64, x32, i386, aarch64) after '@arch', found '64'"),
        ("@flags tsinc", "2:8: unknown filter flag 'tsinc': expected tsync, log, spec-allow, new-listener, tsync-esrch, wait-killable-recv (did you mean 'tsync'?)"),
        ("@defualt errno EPERM", "2:1: unknown directive '@defualt': expected @default, @arch, @include, @badarch, @flags, or a group followed by ':' (did you mean '@default'?)"),
        ("@basic-io allow", "2:11: expected ':' after '@basic-io', found 'allow'"),
        ("@basic-i allow", "2:1: unknown directive '@basic-i': expected @default, @arch, @include, @badarch, @flags, or a group followed by ':' (did you mean '@basic-io'?)"),
        ("@include a.policy b", "2:19: expected the end of the line after the file name, found 'b'"),
        ("@default", "2:9: expected an action (allow, errno NAME, kill, kill-thread, trap, log, trace N, notify) after '@default', found the end of the line"),
        ("@include", "2:9: expected a file name after '@include'"),
        ("@include other.policy", "2:10: @include is not available here (the policy was not read from a file)"),
        // names
        ("opnat: allow", "2:1: unknown syscall 'opnat' (did you mean 'openat'?)"),
        ("@basic-oi: allow", "2:1: unknown syscall group '@basic-oi' (did you mean '@basic-io'?)"),
        ("openat: flag == 0", "2:9: 'openat' has no argument 'flag'; expected dfd, filename, flags, mode, or arg0...arg3 (did you mean 'flags'?)"),
        ("openat: flags == O_RDONY", "2:18: unknown constant 'O_RDONY' for 'flags' of 'openat' (did you mean 'O_RDONLY'?)"),
        ("ioctl: cmd == TCGETZ", "2:15: unknown constant 'TCGETZ' for 'cmd' of 'ioctl' (did you mean 'TCGETS' or 'TCSETS'?)"),
        ("@basic-io: count == 1", "2:12: 'lseek' has no argument 'count' (in lseek, a member of @basic-io); expected fd, offset, whence, or arg0...arg2"),
        // values
        ("read: fd == 0x100000000", "2:13: value '0x100000000' (0x100000000) does not fit the 32-bit argument 'fd' (unsigned int) of 'read'"),
        ("openat: flags == O_CLOEXEC|BIG", "2:18: value 'O_CLOEXEC|BIG' (0x100080000) does not fit the 32-bit argument 'flags' (int) of 'openat'"),
        ("kill: pid == -2147483649", "2:14: -2147483649 is below the smallest 32-bit value (-2147483648) of 'pid'"),
    ]

    @Test("every kind of bad input names file, line, column and what was expected", arguments: 0..<cases.count)
    func badInput(_ i: Int) {
        let (line, message) = Self.cases[i]
        #expect(F.error("@default kill\n\(line)") == "test.policy:\(message)")
    }

    @Test("a policy without @default is refused")
    func missingDefault() {
        #expect(F.error("read: allow") == "test.policy:1:1: no '@default ACTION' line: a policy must say what happens to calls no rule matches (e.g. @default errno EPERM)")
    }

    @Test("the standard vocabulary suggests the closest syscall names from SyscallTable.shared")
    func standardSuggestions() throws {
        let known = try #require(SyscallTable.shared.definitions.first?.name)
        let misspelt = String(known.dropLast())
        do {
            _ = try TextPolicy.parse("@default kill\n\(misspelt)x: allow", file: "p.policy")
            Issue.record("a misspelt syscall was accepted")
        } catch {
            #expect("\(error)".hasPrefix("p.policy:2:1: unknown syscall '\(misspelt)x' (did you mean"))
            #expect("\(error)".contains("'\(known)'"))
        }
    }
}
