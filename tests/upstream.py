#!/usr/bin/env python3
"""Upstream's own tests (../shared/upstream-tests/) against a checked-in list of those expected to pass.

Usage: upstream.py --thrustc BIN [--list tests/upstream-pass.txt] [--update] [--keep DIR] [--sanitized]

Runs ../shared/upstream-tests/run.py (every test root on AOT, -jit and -interp) and compares
each (test, executor) that passed with the list: one line per test, `path executor...`. A listed
pass that no longer passes fails; so does a new pass that is not listed (add it in the same
commit: --update rewrites the list). Prints the pass rates of the part issue 11 measures (outside
the module, import_c and std folders). Exits 77 (a CTest skip) when the folder is absent.
--sanitized (the asan-ubsan build): run.py's time limits are fixed and a sanitizer makes thrustc
several times slower, so a listed pass that now times out is reported but does not fail.
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUITE = HERE.parent.parent / "shared" / "upstream-tests"
EXECUTORS = ("aot", "jit", "interp")
# Part 2 of the language (modules, namespaced importC, std): not counted in the part-1 rate.
PART2_DIRS = ("import_c/", "imports/", "modules/", "module_reexportation/", "std/",
              "compiletime_if_imports/")


def read_list(path: Path):
    passes = {}
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.split("#", 1)[0].split()
            if line:
                passes[line[0]] = set(line[1:])
    return passes


def write_list(path: Path, passes):
    lines = ["# Upstream tests (../shared/upstream-tests/) that pass, with the executors they pass on.",
             "# Checked by tests/upstream.py; regenerate with `tests/upstream.py --thrustc BIN --update`."]
    for test in sorted(passes):
        if passes[test]:
            lines.append(test + " " + " ".join(e for e in EXECUTORS if e in passes[test]))
    path.write_text("\n".join(lines) + "\n")


def run_suite(thrustc: str, work: Path):
    out = work / "results.json"
    cmd = [sys.executable, str(SUITE / "run.py"), "run", "--thrustc", thrustc, "--out", str(out),
           "--work", str(work / "run"), "--jobs", "2"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())["results"]


def report_rates(results):
    scope = [r for r in results if not r["test"].startswith(PART2_DIRS) and not r["test"].startswith("showcase/")]
    for negative in (False, True):
        part = [r for r in scope if r["negative"] == negative]
        rates = ", ".join(f"{e} {sum(r[e]['pass'] for r in part)}" for e in EXECUTORS)
        kind = "negative (rejected)" if negative else "positive"
        print(f"part 1, {len(part)} {kind} tests: {rates}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--thrustc", required=True)
    ap.add_argument("--list", default=str(HERE / "upstream-pass.txt"))
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--keep", help="keep the run's results and scratch files in this folder")
    ap.add_argument("--sanitized", action="store_true", help="tolerate time-outs of listed passes")
    a = ap.parse_args()
    if not (SUITE / "run.py").exists():
        print(f"SKIP: {SUITE} is absent; upstream's tests were not run")
        return 77
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="thrustc-upstream-"))
    work.mkdir(parents=True, exist_ok=True)
    results = run_suite(str(Path(a.thrustc).resolve()), work)
    now = {r["test"]: {e for e in EXECUTORS if r[e]["pass"]} for r in results}
    listed = read_list(Path(a.list))
    report_rates(results)
    if a.update:
        write_list(Path(a.list), now)
        print(f"wrote {a.list}")
        return 0
    lost, gained = [], []
    for test in sorted(set(now) | set(listed)):
        was, got = listed.get(test, set()), now.get(test, set())
        lost += [f"{test} {e}" for e in EXECUTORS if e in was and e not in got]
        gained += [f"{test} {e}" for e in EXECUTORS if e in got and e not in was]
    by_test = {r["test"]: r for r in results}
    slow = []
    for line in lost:
        test, e = line.rsplit(" ", 1)
        rec = by_test.get(test, {}).get(e, {})
        if a.sanitized and "timeout" in rec.get("outcome", ""):
            slow.append(line)
            print(f"timed out under the sanitizers (tolerated): {line}")
            continue
        print(f"STOPPED PASSING: {line}: {rec.get('outcome', 'not run')}: {rec.get('diag', '')}")
    lost = [line for line in lost if line not in slow]
    for line in gained:
        print(f"NEWLY PASSING (add it to the list): {line}")
    if lost or gained:
        print(f"{len(lost)} stopped passing, {len(gained)} newly passing; "
              f"if intended, run: tests/upstream.py --thrustc {a.thrustc} --update")
        return 1
    print(f"{sum(len(v) for v in now.values())} (test, executor) passes, as listed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
