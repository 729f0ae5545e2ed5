# Builds an OCI seccomp policy (as `seccomp-tui export --format oci` writes it) with libseccomp,
# as runc would, and exports the BPF: argv = policy.json, out.bpf, optimize level (1 or 2).
import json, sys, seccomp
policy, out, level = sys.argv[1], sys.argv[2], int(sys.argv[3])
p = json.load(open(policy))
def action(name, errno):
    ret = {"SCMP_ACT_ALLOW": 0x7FFF0000, "SCMP_ACT_LOG": 0x7FFC0000, "SCMP_ACT_TRAP": 0x00030000,
           "SCMP_ACT_KILL": 0, "SCMP_ACT_KILL_THREAD": 0, "SCMP_ACT_KILL_PROCESS": 0x80000000,
           "SCMP_ACT_ERRNO": 0x00050000 | (1 if errno is None else errno),
           "SCMP_ACT_TRACE": 0x7FF00000 | (errno or 0)}[name]
    return ret - (1 << 32) if ret >= (1 << 31) else ret  # the binding takes C ints
ops = {"SCMP_CMP_EQ": seccomp.EQ, "SCMP_CMP_NE": seccomp.NE, "SCMP_CMP_LT": seccomp.LT, "SCMP_CMP_LE": seccomp.LE,
       "SCMP_CMP_GT": seccomp.GT, "SCMP_CMP_GE": seccomp.GE, "SCMP_CMP_MASKED_EQ": seccomp.MASKED_EQ}
arches = {"SCMP_ARCH_X86_64": seccomp.Arch.X86_64, "SCMP_ARCH_X86": seccomp.Arch.X86, "SCMP_ARCH_X32": seccomp.Arch.X32,
          "SCMP_ARCH_AARCH64": seccomp.Arch.AARCH64}
f = seccomp.SyscallFilter(action(p["defaultAction"], p.get("defaultErrnoRet")))
if level == 2:
    f.set_attr(seccomp.Attr.CTL_OPTIMIZE, 2)
for a in p.get("architectures") or ["SCMP_ARCH_X86_64"]:
    if arches[a] != seccomp.Arch.X86_64:
        f.add_arch(arches[a])
skipped = 0
for s in p["syscalls"]:
    assert not s.get("includes") and not s.get("excludes"), "resolve includes/excludes first"
    args = [seccomp.Arg(a["index"], ops[a["op"]], a["value"], a.get("valueTwo", 0)) for a in s.get("args") or []]
    for name in s["names"]:
        try:
            f.add_rule(action(s["action"], s.get("errnoRet")), name, *args)
        except (RuntimeError, ValueError, OSError):
            skipped += 1  # unknown to libseccomp on these architectures, as runc skips it
with open(out, "wb") as o:
    f.export_bpf(o)
print("libseccomp: %d rules skipped" % skipped, file=sys.stderr)
