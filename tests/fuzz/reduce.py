#!/usr/bin/env python3
"""Reducer: shrinks a fuzz finding to a small program that still shows the same finding.

    reduce.py FINDING_DIR [--thrustc T]                 # a directory saved by difftest/fuzz
    reduce.py --program prog.thrust [--mode KIND] [--configs a,b] [--grep REGEX] [--thrustc T]

The finding's signature (difftest.verdict: its kind, the configurations that show it and, for
crashes, rejections, traps and hangs, the crash kind or diagnostic code per configuration) must
stay the same for a candidate to be kept. The reference configuration (interp) always runs too and
must keep its class, so that a reduction cannot trade the finding for undefined behaviour that
the interpreter would trap on. With --program, the signature is whatever difftest finds for the
program now; --mode requires that kind, --configs limits the configurations run, --grep also
requires the regular expression to match the stderr of a configuration that shows the finding.

Passes, repeated until nothing changes: remove brace-balanced blocks (whole functions, loops,
ifs), delta debugging (ddmin) over lines, then over tokens. Writes reduced.thrust (into the
finding directory, or beside the program, or --output) and reduced-summary.txt, a full difftest
run of the result.
"""
import argparse
import hashlib
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import difftest  # noqa: E402

DEFAULT_THRUSTC = os.path.join(HERE, "..", "..", "build", "dev", "bin", "thrustc")
TOKEN = re.compile(r"""\s*(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|\d[\w.]*(?:(?<=e)-\d+)?|[A-Za-z_]\w*"""
                   r"""|@\w+|<<=|>>=|->|<<|>>|<=|>=|==|!=|&&|\|\||\+\+|--|[-+*/%&|^]=|\S)""")


class Predicate:
    def __init__(self, thrustc, sig, configs, timeout, grep=None, log=None):
        self.thrustc, self.sig, self.timeout, self.grep = thrustc, sig, timeout, grep
        self.log = log or (lambda *a: None)
        self.cache = {}
        self.tests = 0
        ref = difftest.REFERENCE
        shown = sig["configs"]
        if sig["kind"] in ("rejected", "unsupported", "crash", "trap", "hang") \
                and set(shown) >= set(configs) and len(configs) > 1:
            # Every configuration shows it: one of them is enough while reducing.
            self.run = [shown[0]]
            self.want = {"kind": sig["kind"], "configs": [shown[0]],
                         "detail": {shown[0]: sig["detail"][shown[0]]}}
        else:
            self.run = [c for c in configs if c in shown or c == ref]
            self.want = sig

    def __call__(self, text):
        key = hashlib.sha1(text.encode()).hexdigest()
        if key in self.cache:
            return self.cache[key]
        self.tests += 1
        results = difftest.run_all(self.thrustc, text, self.run, self.timeout)
        got = difftest.verdict(results)
        ok = difftest.same_signature(self.want, got)
        if ok and self.grep:
            ok = any(re.search(self.grep, s["stderr"]) for r in results
                     if r["config"] in self.want["configs"] for s in r["steps"])
        self.cache[key] = ok
        return ok


def ddmin(items, test, join, deadline):
    """Removes chunks of items while test(join(items)) holds, chunk size halving down to 1."""
    n = 2
    while len(items) > 1 and time.monotonic() < deadline:
        chunk = max(1, len(items) // n)
        i, progress = 0, False
        while i < len(items) and time.monotonic() < deadline:
            cand = items[:i] + items[i + chunk:]
            if cand and test(join(cand)):
                items, progress = cand, True
            else:
                i += chunk
        if not progress:
            if chunk == 1:
                break
            n *= 2
    return items


def blocks_pass(lines, test, deadline):
    """Removes brace-balanced line ranges (a line ending in `{` through its closing line),
    largest first."""
    changed = True
    while changed and time.monotonic() < deadline:
        changed = False
        spans = []
        for i, l in enumerate(lines):
            if l.rstrip().endswith("{"):
                depth = 0
                for j in range(i, len(lines)):
                    depth += lines[j].count("{") - lines[j].count("}")
                    if depth <= 0:
                        spans.append((j - i, i, j))
                        break
        for _, i, j in sorted(spans, reverse=True):
            if time.monotonic() > deadline:
                break
            cand = lines[:i] + lines[j + 1:]
            if test("\n".join(cand) + "\n"):
                lines, changed = cand, True
                break
    return lines


def tokens(text):
    return TOKEN.findall(text)


def reduce_text(text, test, max_seconds=600, log=None):
    log = log or (lambda *a: None)
    deadline = time.monotonic() + max_seconds
    if not test(text):
        raise RuntimeError("the program does not show the finding (flaky, or a different binary)")
    lines = text.rstrip("\n").split("\n")
    for rnd in range(4):
        before = "\n".join(lines)
        lines = blocks_pass(lines, test, deadline)
        lines = ddmin(lines, test, lambda ls: "\n".join(ls) + "\n", deadline)
        toks = tokens("\n".join(lines) + "\n")
        toks = ddmin(toks, test, lambda ts: "".join(ts) + "\n", deadline)
        lines = ("".join(toks)).strip("\n").split("\n")
        lines = [l for l in lines if l.strip()]
        log(f"  round {rnd + 1}: {len(lines)} lines, {len(toks)} tokens")
        if "\n".join(lines) == before or time.monotonic() > deadline:
            break
    out = "\n".join(lines) + "\n"
    if not test(out):   # blank-line removal is not tested separately
        out = "".join(toks) + "\n"
    return out


def reduce_finding(finding_dir, thrustc, max_seconds=600, timeout=5.0, log=None):
    """Reduces FINDING_DIR/program.thrust; writes reduced.thrust and reduced-summary.txt."""
    with open(os.path.join(finding_dir, "finding.json")) as f:
        meta = json.load(f)
    program = open(os.path.join(finding_dir, "program.thrust"), encoding="utf-8").read()
    return reduce_program(program, thrustc, meta["signature"], meta["configs"], finding_dir,
                          max_seconds, timeout, None, log)


def reduce_program(program, thrustc, sig, configs, out_dir, max_seconds, timeout, grep, log,
                   output=None):
    log = log or (lambda *a: None)
    t0 = time.monotonic()
    pred = Predicate(thrustc, sig, configs, timeout, grep, log)
    log(f"  keeping: {sig['kind']} in {', '.join(sig['configs'])}; running {', '.join(pred.run)}")
    reduced = reduce_text(program, pred, max_seconds, log)
    output = output or os.path.join(out_dir, "reduced.thrust")
    with open(output, "w") as f:
        f.write(reduced)
    results, got, note = difftest.test_program(thrustc, reduced, configs, max(timeout, 10.0))
    summary = difftest.summary_text(results, got, note=note)
    summary += "\n--- reduced program\n" + reduced
    for r in results:
        summary += f"\n--- {r['config']} stdout\n{r['stdout']}"
    with open(os.path.join(os.path.dirname(output), "reduced-summary.txt"), "w") as f:
        f.write(summary)
    res = {"lines_before": len(program.split("\n")), "lines_after": len(reduced.strip().split("\n")),
           "tokens_after": len(tokens(reduced)), "seconds": time.monotonic() - t0,
           "tests": pred.tests, "output": output, "same": difftest.same_signature(sig, got)}
    log(f"  reduced to {res['lines_after']} lines, {res['tokens_after']} tokens in "
        f"{res['seconds']:.0f} s ({res['tests']} runs) -> {output}")
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 2)[2])
    ap.add_argument("finding", nargs="?", help="a finding directory (with finding.json)")
    ap.add_argument("--program", help="reduce this program instead")
    ap.add_argument("--mode", choices=difftest.KIND_ORDER, help="the kind of finding to keep")
    ap.add_argument("--configs", help="configurations to run (default: all available)")
    ap.add_argument("--grep", help="a regular expression that the finding's stderr must match")
    ap.add_argument("--output", help="where to write the reduced program")
    ap.add_argument("--thrustc", default=DEFAULT_THRUSTC)
    ap.add_argument("--max-seconds", type=float, default=600)
    ap.add_argument("--timeout", type=float, default=5.0, help="seconds per step while reducing")
    opts = ap.parse_args()
    thrustc = os.path.abspath(opts.thrustc)
    if opts.finding:
        with open(os.path.join(opts.finding, "finding.json")) as f:
            meta = json.load(f)
        program = open(os.path.join(opts.finding, "program.thrust"), encoding="utf-8").read()
        sig, configs, out_dir = meta["signature"], meta["configs"], opts.finding
    elif opts.program:
        program = open(opts.program, encoding="utf-8").read()
        configs = opts.configs.split(",") if opts.configs else difftest.default_configs(thrustc)[0]
        _, sig, _ = difftest.test_program(thrustc, program, configs, 10.0)
        if sig is None:
            sys.exit("the program shows no finding")
        if opts.mode and sig["kind"] != opts.mode:
            sys.exit(f"the program shows a {sig['kind']}, not a {opts.mode}: {sig}")
        out_dir = os.path.dirname(os.path.abspath(opts.program))
    else:
        ap.error("give a finding directory or --program")
    reduce_program(program, thrustc, sig, configs, out_dir, opts.max_seconds, opts.timeout,
                   opts.grep, print, opts.output)


if __name__ == "__main__":
    main()
