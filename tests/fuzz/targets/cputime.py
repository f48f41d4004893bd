#!/usr/bin/env python3
"""CPU seconds (user + system) used so far by a process and all its descendants.

cputime.py PID prints one number. A live process's own times plus the times of the children it
has reaped (cutime/cstime) are in /proc/PID/stat; a child still running is counted on its own, so
summing all four fields over the live tree counts every process once. run.sh uses it to stop a
libFuzzer target (fork mode: the work happens in child processes) after a CPU budget rather than
a wall-clock one, so a campaign on a busy machine still gets its full hour.
"""
import os
import sys


def Stat(pid):
    """(ppid, utime + stime + cutime + cstime in ticks) of pid, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # the command name may hold spaces
    ppid = int(fields[1])
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))  # fields 14..17 of proc(5)
    return ppid, ticks


def TreeTicks(root):
    stats = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            s = Stat(int(name))
            if s is not None:
                stats[int(name)] = s
    children = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
        todo.extend(children.get(pid, []))
    return total


def main():
    if len(sys.argv) != 2:
        print("usage: cputime.py PID", file=sys.stderr)
        return 2
    print(f"{TreeTicks(int(sys.argv[1])) / os.sysconf('SC_CLK_TCK'):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
