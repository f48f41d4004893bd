#!/usr/bin/env python3
"""The ctjit on AArch64 under qemu (issue 5): how much faster than the interpreter, and code size.

Under qemu absolute times mean little, so this reports, for every bench/workloads/w_*.thrust, the
ratio of the interpreter's ct-eval time to the ctjit's, both measured with the same emulated
thrustc in the same run (best of N, from -ftime-report), and their geometric mean; then the bytes
of machine code per IR instruction (from -ctjit-stats) on AArch64 and, with --host-thrustc, on
the host target for comparison. The time limit is off (-ct-timeout 0) so that slow emulated
interpreter runs are not cut short.

  python3 bench/ctjit_qemu.py --thrustc build/aarch64/bin/thrustc-emulated \\
                              --host-thrustc build/release/bin/thrustc
"""
import argparse, math, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ctjit_bench import WORKLOAD_DIR, first_line, parse_ct_eval_ms, run  # noqa: E402

STATS = re.compile(r"ctjit: (\d+) functions, (\d+) IR instructions, (\d+) bytes of code")


def best_ct_eval_ms(thrustc, backend, path, runs):
    best = math.inf
    for _ in range(runs):
        code, _, err = run([thrustc, "-ct-backend", backend, "-ct-timeout", "0", "-check", "-ftime-report", path],
                           timeout=1800)
        t = parse_ct_eval_ms(err)
        if code != 0 or t is None:
            sys.exit(f"{os.path.basename(path)} on {backend}: {first_line(err)}")
        best = min(best, t)
    return best


def code_size(thrustc, path):
    """(IR instructions, bytes of code) the ctjit compiled for the workload's constants."""
    code, out, err = run([thrustc, "-ct-timeout", "0", "-check", "-ctjit-stats", path])
    m = STATS.search(out + err)
    if code != 0 or not m:
        sys.exit(f"{os.path.basename(path)}: no -ctjit-stats ({first_line(err)})")
    return int(m.group(2)), int(m.group(3))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--thrustc", required=True, help="the AArch64 thrustc run under qemu (bin/thrustc-emulated)")
    ap.add_argument("--host-thrustc", help="a host thrustc, for its code size per IR instruction")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (best is kept)")
    opts = ap.parse_args()
    names = sorted(f[:-7] for f in os.listdir(WORKLOAD_DIR) if f.startswith("w_") and f.endswith(".thrust"))
    print(f"{'workload':12} {'interp ms':>10} {'ctjit ms':>9} {'ratio':>7}")
    ratios, sizes = [], {"aarch64": [0, 0], "host": [0, 0]}
    for name in names:
        path = os.path.join(WORKLOAD_DIR, name + ".thrust")
        interp = best_ct_eval_ms(opts.thrustc, "interp", path, opts.runs)
        jit = best_ct_eval_ms(opts.thrustc, "jit", path, opts.runs)
        ratios.append(interp / jit)
        print(f"{name:12} {interp:10.1f} {jit:9.1f} {interp / jit:6.1f}x", flush=True)
        for target, thrustc in (("aarch64", opts.thrustc), ("host", opts.host_thrustc)):
            if thrustc:
                n, b = code_size(thrustc, path)
                sizes[target][0] += n
                sizes[target][1] += b
    geomean = math.exp(sum(map(math.log, ratios)) / len(ratios))
    print(f"geometric mean: ctjit {geomean:.1f}x faster than the interpreter under qemu (issue 5 asks for >= 50x)")
    for target, (n, b) in sizes.items():
        if n:
            print(f"code size on {target}: {b} bytes for {n} IR instructions = {b / n:.2f} bytes per IR instruction")


if __name__ == "__main__":
    main()
