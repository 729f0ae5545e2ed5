# Reads `strace -f -e raw=all` output; writes the calls (`name arg0..arg5` in hex), a minijail
# frequency file (`name: count`) and a policy with argument rules on the hot syscalls (OCI JSON):
# every traced syscall allowed, except futex, fcntl and ioctl, allowed only for the operations,
# commands and requests a program like this uses (the traced ones and the common ones).
import collections, json, re, sys
trace, calls_out, freq_out, policy_out = sys.argv[1:5]
line_re = re.compile(r"^\d+\s+([a-z_0-9]+)\((.*?)(?:\) += |\s*<unfinished \.\.\.>)")
counts = collections.Counter()
values = collections.defaultdict(set)
with open(trace) as f, open(calls_out, "w") as out:
    for line in f:
        m = line_re.match(line)
        if not m:
            continue  # "<... resumed>" halves, signals, exits
        name, raw = m.group(1), m.group(2)
        args = []
        for a in raw.split(", ")[:6]:
            a = a.strip()
            try:
                args.append(int(a, 16) if a.startswith("0x") else int(a))
            except ValueError:
                args.append(0)
        args = [x & 0xFFFFFFFFFFFFFFFF for x in args] + [0] * (6 - len(args))
        counts[name] += 1
        if name in ("futex", "fcntl", "ioctl"):
            values[name].add(args[1] & 0xFFFFFFFF)
        out.write(name + " " + " ".join("%x" % x for x in args) + "\n")
with open(freq_out, "w") as f:
    for name, n in counts.most_common():
        f.write("%s: %d\n" % (name, n))
common = {
    # FUTEX_WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET, WAKE_BITSET, with and without PRIVATE
    "futex": [0, 1, 3, 4, 5, 9, 10, 128, 129, 131, 132, 133, 137, 138, 393, 394],
    # F_DUPFD..F_SETLKW, F_SETOWN, F_GETOWN, F_DUPFD_CLOEXEC, F_OFD_GETLK/SETLK/SETLKW, F_GETPIPE_SZ
    "fcntl": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1030, 36, 37, 38, 1032],
    # TCGETS, TCSETS, TIOCGPGRP, TIOCSPGRP, TIOCGWINSZ, FIONREAD, FIONBIO, FIOCLEX, FIONCLEX
    "ioctl": [0x5401, 0x5402, 0x540F, 0x5410, 0x5413, 0x541B, 0x5421, 0x5451, 0x5450],
}
syscalls = []
for name in sorted(counts):
    if name in common:
        for v in sorted(set(common[name]) | values[name]):
            syscalls.append({"names": [name], "action": "SCMP_ACT_ALLOW",
                             "args": [{"index": 1, "value": v, "op": "SCMP_CMP_EQ"}]})
    else:
        syscalls.append({"names": [name], "action": "SCMP_ACT_ALLOW"})
# What the microbenchmark itself needs.
for name in ("exit", "exit_group", "rt_sigreturn", "getppid", "write", "fstat", "newfstatat"):
    if name not in counts:
        syscalls.append({"names": [name], "action": "SCMP_ACT_ALLOW"})
json.dump({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
           "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], "syscalls": syscalls},
          open(policy_out, "w"), indent=1)
