#!/usr/bin/env python3
"""Runs one tests/e2e/*.thrust program on one executor and checks what it printed.

Directives in the program's comments:
    // expect: <line>        the next line of the program's standard output (all lines, in order)
    // expect-ct: <line>     a line printed by compile-time code, during compilation
    // exit: N               main's return value (default 0)
    // args: a b c           program arguments
    // skip(EXECUTOR): why   skip on that executor, with the reason (counted by CTest as skipped)
Executors: interp (`thrustc -interp -ct-backend interp`: the interpreter runs everything), jit
(`thrustc -jit`: the native JIT runs compile-time code and the program); later aot.
"""
import argparse, os, re, subprocess, sys, tempfile


def directives(text):
    d = {"expect": [], "expect-ct": [], "exit": 0, "args": [], "skip": {}}
    for line in text.split("\n"):
        m = re.match(r"\s*// (expect|expect-ct): ?(.*)$", line)
        if m:
            d[m.group(1)].append(m.group(2))
            continue
        m = re.match(r"\s*// exit: (-?\d+)\s*$", line)
        if m:
            d["exit"] = int(m.group(1))
        m = re.match(r"\s*// args:(.*)$", line)
        if m:
            d["args"] = m.group(1).split()
        m = re.match(r"\s*// skip\((\w+)\): (.+)$", line)
        if m:
            d["skip"][m.group(1)] = m.group(2)
    return d


def run_program(thrustc, executor, path, args):
    env = dict(os.environ, NO_COLOR="1")
    if executor in ("interp", "jit"):
        cmd = [thrustc, "-" + executor] + (["-ct-backend", "interp"] if executor == "interp" else []) + [path] + (["-start"] + args + ["-end"] if args else [])
        p = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
        return p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), p.returncode, ""
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "prog")
        c = subprocess.run([thrustc, path, "-o", exe], capture_output=True, env=env, timeout=300)
        if c.returncode != 0:
            return "", c.stderr.decode(errors="replace"), -1000 - c.returncode, ""
        p = subprocess.run([exe] + args, capture_output=True, env=env, timeout=120)
        return p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), p.returncode, c.stdout.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--thrustc", required=True)
    ap.add_argument("--executor", required=True)
    ap.add_argument("file")
    opts = ap.parse_args()
    d = directives(open(opts.file, encoding="utf-8").read())
    if opts.executor in d["skip"]:
        print(f"SKIP on {opts.executor}: {d['skip'][opts.executor]}")
        sys.exit(77)
    out, err, code, ct_out = run_program(opts.thrustc, opts.executor, opts.file, d["args"])
    if opts.executor == "aot":
        expected_out, got_ct = d["expect"], ct_out.split("\n")[:-1] if ct_out else []
    else:
        expected_out, got_ct = d["expect-ct"] + d["expect"], d["expect-ct"]
    got = out.split("\n")
    if got and got[-1] == "":
        got.pop()
    ok = got == expected_out and code == d["exit"] and got_ct == d["expect-ct"]
    if not ok:
        print(f"FAIL {opts.file} on {opts.executor}: exit {code} (expected {d['exit']})")
        print("--- expected stdout\n" + "\n".join(expected_out))
        print("--- got stdout\n" + "\n".join(got))
        print("--- stderr\n" + err)
        sys.exit(1)
    print(f"ok {opts.file} on {opts.executor}: {len(got)} lines, exit {code}")


if __name__ == "__main__":
    main()
