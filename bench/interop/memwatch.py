#!/usr/bin/env python3
"""Runs a command and records its peak memory, for bench/interop/side_by_side.sh.

    memwatch.py --out FILE [--timeout S] [--interval S] -- COMMAND [ARGS...]

COMMAND runs as a direct child in a new session (its own process group),
with stdin, stdout and stderr inherited. Until it exits, the process tree
below it (the child and every descendant still linked to it by parent pid)
is sampled every --interval seconds from /proc: the sum of VmRSS over the
tree, the sum of Pss (/proc/<pid>/smaps_rollup) over the tree, and the
largest process count. When the child exits, wait4() gives its exact peak
resident set (ru_maxrss: the kernel's high-water mark of the child and of
any descendant it reaped, the largest single process, not a sum) and the CPU
time of the child and of every descendant reaped below it.

FILE gets one "key=value" per line:
    exit=<code>                 the child's exit status (128+N for signal N)
    maxrss_kb=<n>               wait4 ru_maxrss: exact peak of one process
    tree_rss_peak_kb=<n>        sampled peak of the sum of VmRSS over the tree
    tree_pss_peak_kb=<n>        sampled peak of the sum of Pss over the tree
    child_rss_peak_kb=<n>       sampled peak of the sum excluding the root
                                process (for a Node driver: the browser)
    procs_peak=<n>              most processes seen at once in the tree
    cpu_user_s=<x> cpu_sys_s=<x>
    samples=<n>
and the script exits with the child's status. At --timeout (or on SIGTERM /
SIGINT) the child gets SIGTERM, then SIGKILL for its process group 5 s
later.
"""
import argparse
import os
import signal
import subprocess
import sys
import time


def read_status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def read_pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def children_map():
    """parent pid -> list of child pids, from /proc/<pid>/stat."""
    kids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces.
        rest = stat[stat.rfind(")") + 2:].split()
        if len(rest) < 2:
            continue
        kids.setdefault(int(rest[1]), []).append(int(name))
    return kids


def tree(root):
    kids = children_map()
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--interval", type=float, default=0.1)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not cmd:
        ap.error("no command")

    child = subprocess.Popen(cmd, start_new_session=True)
    stop = {"why": None}

    def on_signal(signum, _frame):
        stop["why"] = f"signal {signum}"

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    deadline = time.monotonic() + a.timeout
    tree_rss = tree_pss = child_rss = procs = samples = 0
    status = rusage = None
    term_sent = None
    while True:
        pid, st, ru = os.wait4(child.pid, os.WNOHANG)
        if pid == child.pid:
            status, rusage = st, ru
            break
        pids = tree(child.pid)
        rss = [read_status_kb(p, "VmRSS") for p in pids]
        tree_rss = max(tree_rss, sum(rss))
        child_rss = max(child_rss, sum(rss[1:]))
        tree_pss = max(tree_pss, sum(read_pss_kb(p) for p in pids))
        procs = max(procs, len(pids))
        samples += 1
        now = time.monotonic()
        if term_sent is None and (stop["why"] or now > deadline):
            print(f"memwatch: {stop['why'] or 'timeout'}: stopping {cmd[0]}",
                  file=sys.stderr)
            child.send_signal(signal.SIGTERM)
            term_sent = now
        elif term_sent is not None and now > term_sent + 5:
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(a.interval)

    if os.WIFEXITED(status):
        code = os.WEXITSTATUS(status)
    else:
        code = 128 + os.WTERMSIG(status)
    with open(a.out, "w") as f:
        f.write(f"exit={code}\n")
        f.write(f"maxrss_kb={rusage.ru_maxrss}\n")
        f.write(f"tree_rss_peak_kb={tree_rss}\n")
        f.write(f"tree_pss_peak_kb={tree_pss}\n")
        f.write(f"child_rss_peak_kb={child_rss}\n")
        f.write(f"procs_peak={procs}\n")
        f.write(f"cpu_user_s={rusage.ru_utime:.3f}\n")
        f.write(f"cpu_sys_s={rusage.ru_stime:.3f}\n")
        f.write(f"samples={samples}\n")
    sys.exit(code)


if __name__ == "__main__":
    main()
