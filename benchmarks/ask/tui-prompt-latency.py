"""The TUI's prompt latency: runs `seccomp-tui ask` in tmux over benchmarks/ask/calls.c (N getppid
calls, none allowed by the policy), polls the pane until each call's prompt row shows, stamps it
(CLOCK_MONOTONIC), answers it once with A, and at the end subtracts each call's start (written by
the program). Includes tmux's own capture time (a few ms per poll).

    tui-prompt-latency.py SECCOMP_TUI CALLS_BINARY POLICY N
"""
import os
import subprocess
import sys
import tempfile
import time

tool, calls, policy, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
work = tempfile.mkdtemp()
sock = f"ask-latency-{os.getpid()}"
starts = os.path.join(work, "starts")


def tmux(*args):
    return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", *args], capture_output=True, text=True,
                          env={**os.environ, "TERM": "xterm-256color"}).stdout


tmux("new-session", "-d", "-x", "120", "-y", "30", "-s", "b",
     f"{tool} ask --policy {policy} --child-output {work}/out -- {calls} {n} {starts}; sleep 5")
def count(screen):
    """The count of the getppid row of the syscall list, 0 when there is none."""
    for line in screen.splitlines():
        words = line.replace("?", " ").replace("!", " ").split()
        if len(words) >= 2 and words[0] == "getppid" and words[1].replace(",", "").isdigit():
            return int(words[1].replace(",", ""))
    return 0


stamps = []
try:
    for k in range(n):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            screen = tmux("capture-pane", "-p", "-t", "b")
            # The prompt of call k: a prompt row, and the list counts k + 1 getppid calls.
            if "ASK 1/1" in screen and count(screen) == k + 1:
                stamps.append(time.clock_gettime_ns(time.CLOCK_MONOTONIC))
                break
        else:
            sys.exit(f"tui-prompt-latency: no prompt for call {k}")
        tmux("send-keys", "-t", "b", "A")
    deadline = time.monotonic() + 10
    while not os.path.exists(starts) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    lat = sorted((s - int(t)) / 1e6 for s, t in zip(stamps, open(starts)))
    print(f"{len(lat)} {lat[len(lat) // 2]:.1f} {lat[-1]:.1f}")
finally:
    tmux("kill-server")
