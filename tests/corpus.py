#!/usr/bin/env python3
"""Runs the real programs of ../shared/thrust-corpus on one executor with the outputs its README
lists. Exits 77 (skipped) when the folder is absent."""
import argparse, os, subprocess, sys, tempfile

CASES = [  # file, arguments, expected stdout, expected exit status
    ("fibonacci.thrust", ["10"], "fib(10) = 55\n", 0),
    ("fibonacci.thrust", [], "Usage: ./fibonacci <n>\n", 1),
    ("quicksort.thrust", [], "Original array: 64 34 25 12 22 11 54 9 10 90 \n"
                             "Sorted array: 9 10 11 12 22 25 34 54 64 90 \n", 0),
    ("binarysearch.thrust", ["25"], "Found 25 at index 5\n", 0),
    ("binarysearch.thrust", ["4"], "4 not found\n", 0),
]


def run(thrustc, executor, path, args, tmp):
    if executor in ("interp", "jit"):
        cmd = [thrustc, "-" + executor] + (["-ct-backend", "interp"] if executor == "interp" else []) + [path] + (["-start"] + args + ["-end"] if args else [])
    else:
        exe = os.path.join(tmp, os.path.basename(path) + ".exe")
        c = subprocess.run([thrustc, path, "-o", exe], capture_output=True, timeout=300)
        if c.returncode != 0:
            return "", c.stderr.decode(), c.returncode
        cmd = [exe] + args
    p = subprocess.run(cmd, capture_output=True, timeout=60)
    return p.stdout.decode(), p.stderr.decode(), p.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--thrustc", required=True)
    ap.add_argument("--executor", required=True)
    ap.add_argument("--corpus", required=True)
    opts = ap.parse_args()
    if not os.path.isdir(opts.corpus):
        print(f"SKIP: {opts.corpus} is absent")
        sys.exit(77)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, args, want_out, want_code in CASES:
            out, err, code = run(opts.thrustc, opts.executor, os.path.join(opts.corpus, name), args, tmp)
            ok = out == want_out and code == want_code
            print(f"{'ok  ' if ok else 'FAIL'} {name} {' '.join(args)}: exit {code}")
            if not ok:
                failed += 1
                print(f"  expected {want_out!r} exit {want_code}\n  got      {out!r}\n  stderr   {err}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
