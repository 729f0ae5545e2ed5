/// The text policy language (`.policy` files): readable, diffable policies with named arguments.
///
/// ```
/// # comments run from '#' to the end of the line
/// @default errno EPERM          # what a call no rule matches gets (required, once)
/// @arch x86_64 x32              # architectures the filter accepts (default: the host's)
/// @badarch kill                 # what calls from other architectures get (default: kill)
/// @flags tsync log              # seccomp(2) filter flags
/// @include common.policy        # another file, relative to this one (8 levels at most, no cycles)
///
/// read: allow                                   # unconditional rule
/// write: fd == 1 || fd == 2                     # conditions alone mean allow
/// socket: domain == AF_INET && type & SOCK_CLOEXEC == SOCK_CLOEXEC
/// mmap: prot & PROT_EXEC == 0                   # (prot & PROT_EXEC) == 0
/// openat: dfd == AT_FDCWD && flags == O_RDONLY|O_CLOEXEC
/// ioctl: errno EPERM if cmd == TIOCSTI          # an action other than allow, with conditions
/// ptrace: errno EPERM
/// @obsolete: kill                               # a group stands for each of its syscalls
/// ```
///
/// Grammar, one statement per line:
/// ```
/// rule       := target ':' action [ 'if' expression ]  |  target ':' expression
/// target     := syscall-name | '@' group-name
/// expression := conjunction ( '||' conjunction )*       # one rule per alternative
/// conjunction:= condition ( '&&' condition )*           # the conditions of one rule
/// condition  := argument op value | argument '&' value '==' value
/// op         := '==' | '!=' | '<' | '<=' | '>' | '>='  # unsigned comparisons
/// argument   := a name from the syscall table (fd, flags, ...) | arg0 ... arg5
/// value      := term ( '|' term )*
/// term       := decimal | 0x-hex | 0-octal (0644) | -decimal | CONSTANT
/// action     := allow | errno (NAME|N) | kill | kill-process | kill-thread | trap | log | trace N | notify
/// ```
/// `&&` binds tighter than `||`. `argN` always means the argument at position N. A constant is
/// looked up in the argument's decoder first, then among all constants. Arguments whose C type
/// is 32 bits wide are compared on their low 32 bits; a value that does not fit them is an error
/// (a sign-extended negative such as `AT_FDCWD` fits). `<`, `<=`, `>`, `>=` on a signed argument
/// get a warning, since comparisons are unsigned.
public enum TextPolicy {
    /// Parses a text policy. `file` names it in diagnostics and anchors relative `@include`s;
    /// `readFile` returns the text of an included file given its path (nil: `@include` is refused).
    /// Throws the first `TextPolicyDiagnostic`; warnings are in the result.
    public static func parse(_ text: String, file: String = "<input>", vocabulary: TextPolicyVocabulary = .standard,
                             readFile: ((String) throws -> String)? = nil) throws -> ParsedTextPolicy {
        var parser = TextPolicyParser(vocabulary: vocabulary, readFile: readFile)
        return try parser.parse(text, file: file)
    }

    /// The canonical text of `policy`: `@default`, `@arch` (and `@badarch`, `@flags` when they
    /// differ from the defaults), then one line per syscall and action, sorted by syscall name;
    /// a line joins that action's rules with `||` and their conditions with `&&`. Values are
    /// written as constant names when those read back to exactly the same value, else as numbers.
    public static func format(_ policy: Policy, vocabulary: TextPolicyVocabulary = .standard) -> String {
        TextPolicyWriter(vocabulary: vocabulary).text(of: policy)
    }
}

/// A parsed text policy and the warnings found on the way.
public struct ParsedTextPolicy: Sendable {
    public var policy: Policy
    public var warnings: [TextPolicyDiagnostic]
}
