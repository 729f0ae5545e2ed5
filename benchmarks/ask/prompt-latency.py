"""Reads `seccomp-tui ask` standard error; stamps (CLOCK_MONOTONIC) each line that lists an asked
getppid call as it arrives, i.e. when the prompt appears; at EOF pairs the stamps in order with
the call starts in argv[1] and prints the prompt latency in ms: count, median, p99, max."""
import sys
import time

stamps = []
for line in sys.stdin:
    if "asked: getppid(" in line:
        stamps.append(time.clock_gettime_ns(time.CLOCK_MONOTONIC))
starts = [int(x) for x in open(sys.argv[1])]
lat = sorted((s - t) / 1e6 for s, t in zip(stamps, starts))
if len(stamps) != len(starts) or not lat:
    sys.exit(f"prompt-latency: {len(stamps)} prompts for {len(starts)} calls")
print(f"{len(lat)} {lat[len(lat) // 2]:.3f} {lat[len(lat) * 99 // 100]:.3f} {lat[-1]:.3f}")
