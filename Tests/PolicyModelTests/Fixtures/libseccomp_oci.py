"""Loads OCI seccomp profiles with libseccomp the way runc does and reports what the kernel
decides for chosen calls.

stdin: a JSON list of {"profile": <OCI seccomp JSON>, "calls": [[nr, a0, ..., a5], ...]}.
stdout: a JSON list, per profile, of the errno each call failed with (0 when it succeeded or
failed with an errno below 100, i.e. it was allowed to run).

With `--export-bpf DIR`: stdin is a JSON list of profiles, each built the same way and exported
as raw BPF (`seccomp_export_bpf`) to DIR; stdout lists the files.

Each profile is loaded in a forked child: runc's rules (libcontainer/seccomp): SCMP_ACT_KILL is
kill-thread, errno and trace default to EPERM, entries with the default action are skipped,
several tests on one argument become separate rules.
"""
import ctypes, json, os, signal, sys, time
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

def export(profiles, directory):
    """Each profile built as runc builds it and exported as raw BPF to DIRECTORY/N.bpf, in a
    child process given 20 s (libseccomp can loop forever on some rules); the list of paths,
    or "error: ..." where libseccomp refused the profile or "hang: ..." where it never finished."""
    out = []
    for i, profile in enumerate(profiles):
        path = os.path.join(directory, "%d.bpf" % i)
        pid = os.fork()
        if pid == 0:
            try:
                with open(path, "wb") as f:
                    build(profile).export_bpf(f)
                os._exit(0)
            except BaseException as e:
                with open(path + ".error", "w") as f:
                    f.write(repr(e))
                os._exit(1)
        deadline = time.monotonic() + 20
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done: break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                status = None
                break
            time.sleep(0.0005)
        if status is None:
            out.append("hang: libseccomp did not finish in 20 s")
        elif status != 0:
            out.append("error: " + open(path + ".error").read())
        else:
            out.append(path)
    return out

if len(sys.argv) == 3 and sys.argv[1] == "--export-bpf":
    # stdin: a JSON list of OCI profiles; nothing is loaded into the kernel.
    print(json.dumps(export(json.load(sys.stdin), sys.argv[2])))
else:
    items = json.load(sys.stdin)
    print(json.dumps([run(item) for item in items]))
