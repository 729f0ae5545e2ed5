"""Loads OCI seccomp profiles with libseccomp the way runc does and reports what the kernel
decides for chosen calls.

stdin: a JSON list of {"profile": <OCI seccomp JSON>, "calls": [[nr, a0, ..., a5], ...]}.
stdout: a JSON list, per profile, of the errno each call failed with (0 when it succeeded or
failed with an errno below 100, i.e. it was allowed to run).

Each profile is loaded in a forked child: runc's rules (libcontainer/seccomp): SCMP_ACT_KILL is
kill-thread, errno and trace default to EPERM, entries with the default action are skipped,
several tests on one argument become separate rules.
"""
import ctypes, json, os, sys
import seccomp

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.syscall.argtypes = [ctypes.c_long] + [ctypes.c_ulong] * 6

OPS = {"SCMP_CMP_EQ": seccomp.EQ, "SCMP_CMP_NE": seccomp.NE, "SCMP_CMP_LT": seccomp.LT,
       "SCMP_CMP_LE": seccomp.LE, "SCMP_CMP_GT": seccomp.GT, "SCMP_CMP_GE": seccomp.GE,
       "SCMP_CMP_MASKED_EQ": seccomp.MASKED_EQ}
ARCHES = {"SCMP_ARCH_X86_64": seccomp.Arch.X86_64, "SCMP_ARCH_X86": seccomp.Arch.X86,
          "SCMP_ARCH_X32": seccomp.Arch.X32, "SCMP_ARCH_AARCH64": seccomp.Arch.AARCH64}

def action(name, ret):
    if name in ("SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD"): return seccomp.KILL
    if name == "SCMP_ACT_KILL_PROCESS": return seccomp.KILL_PROCESS
    if name == "SCMP_ACT_ERRNO": return seccomp.ERRNO(1 if ret is None else ret)
    if name == "SCMP_ACT_TRACE": return seccomp.TRACE(1 if ret is None else ret)
    if name == "SCMP_ACT_ALLOW": return seccomp.ALLOW
    if name == "SCMP_ACT_LOG": return seccomp.LOG
    if name == "SCMP_ACT_TRAP": return seccomp.TRAP
    raise ValueError(name)

def build(profile):
    default = action(profile["defaultAction"], profile.get("defaultErrnoRet"))
    f = seccomp.SyscallFilter(default)
    for a in profile.get("architectures", []):
        arch = ARCHES[a]
        if arch != seccomp.Arch.NATIVE and not f.exist_arch(arch):
            f.add_arch(arch)
    for entry in profile["syscalls"]:
        act = action(entry["action"], entry.get("errnoRet"))
        if act == default:
            continue
        conds = [seccomp.Arg(a["index"], OPS[a["op"]], a["value"], a.get("valueTwo", 0))
                 for a in entry.get("args", [])]
        indices = [a["index"] for a in entry.get("args", [])]
        for name in entry["names"]:
            if len(set(indices)) != len(indices):
                for c in conds:
                    f.add_rule(act, name, c)
            else:
                f.add_rule(act, name, *conds)
    return f

def run(item):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            f = build(item["profile"])
            calls = item["calls"]
            out = [0] * len(calls)
            f.load()
            for i, c in enumerate(calls):
                ctypes.set_errno(0)
                res = libc.syscall(c[0], *c[1:7])
                e = ctypes.get_errno() if res == -1 else 0
                out[i] = e if e >= 100 else 0
            os.write(w, json.dumps(out).encode())
            os._exit(0)
        except BaseException as e:
            os.write(w, json.dumps({"error": repr(e)}).encode())
            os._exit(1)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 1 << 16)
        if not chunk: break
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return json.loads(data) if data else {"error": "child died"}

items = json.load(sys.stdin)
print(json.dumps([run(item) for item in items]))
