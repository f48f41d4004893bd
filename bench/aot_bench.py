#!/usr/bin/env python3
"""AOT backend benchmark (issue 4).

1. Code quality: every bench/workloads/w_*.thrust is turned into a run-time program (its size
   constant becomes a `static mut` read from argv[1], as the C twin does, and its compile-time
   results are computed in `main`), compiled with `thrustc -O2`, and timed against its C twin
   compiled with `clang-19 -O2`. Both print the same line; the ratio is Thrust / C (target <= 1.10).
2. Compile time: a generated 10,000-line program (bench/gen_frontend.py) compiled to an executable
   at -O0 and -O2 with -ftime-report; the split between the frontend + IR phases and the LLVM
   phases (aot lower / optimize / codegen; link reported apart). Target: non-LLVM < 10 %.

    python3 bench/aot_bench.py [--thrustc build/dev/bin/thrustc] [--runs 5] [--lines 10000]
"""
import argparse
import math
import os
import re
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = os.path.join(HERE, "workloads")
LLVM_PHASES = ("aot lower", "aot optimize", "aot codegen")


def run(cmd, timeout=600):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def runtime_variant(src):
    """The workload with its work moved from compile time to run time, the size from argv[1]."""
    lines, moved, size = [], [], None
    for line in src.split("\n"):
        m = re.match(r"const (\w+): (\w+) = ([\w_]+);\s*// size", line)
        if m:
            size = (m.group(1), m.group(2))
            lines.append(f"static mut {m.group(1)}: {m.group(2)} = {m.group(3)};")
            continue
        m = re.match(r"const (\w+): (\w+) = (\w+\(.*\));", line)
        if m:
            moved.append(f"    var {m.group(1)}: {m.group(2)} = {m.group(3)};")
            continue
        if line.startswith("fn main() s32 @public {"):
            lines.append('fn atol(s: const array[char]) s64 @extern("atol");')
            lines.append("fn main(argc: s32, argv: ptr[array[char]]) s32 @public {")
            lines.append(f"    if argc > 1 {{ {size[0]} = atol(deref argv[1]) as {size[1]}; }}")
            lines.extend(moved)
            continue
        lines.append(line)
    if size is None:
        raise SystemExit("workload without a `// size` constant")
    return "\n".join(lines), size


def cpu_time(cmd):
    """User+system CPU seconds of one run (less disturbed by other load on a shared machine than wall time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = run(cmd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), p.stdout


def best_times(cmds, runs):
    """Best CPU time of each command, the commands interleaved run by run so drift hits both."""
    best, outs = [math.inf] * len(cmds), [None] * len(cmds)
    for _ in range(runs):
        for k, cmd in enumerate(cmds):
            t, outs[k] = cpu_time(cmd)
            best[k] = min(best[k], t)
    return best, outs


def size_of(src, name):
    m = re.search(rf"const {name}: \w+ = ([\w_]+);", src)
    return m.group(1).replace("_", "")


def code_quality(opts, tmp):
    ratios = []
    print(f"run time (CPU), best of {opts.runs} interleaved, sizes x{opts.scale} (thrustc -O2 vs clang-19 -O2 on the C twin):")
    print(f"  {'workload':<14}{'thrust':>10}{'C':>10}{'ratio':>8}  output")
    for name in sorted(f[:-7] for f in os.listdir(WORKLOADS) if f.startswith("w_") and f.endswith(".thrust")):
        src = open(os.path.join(WORKLOADS, name + ".thrust")).read()
        variant, (size_name, _) = runtime_variant(src)
        arg = size_of(src, size_name)
        # Longer runs than the compile-time sizes, so timer noise stays well under 1%.
        arg = str(int(arg) + 6) if name == "w_fib" else str(int(arg) * opts.scale)
        thrust_src = os.path.join(tmp, name + ".thrust")
        open(thrust_src, "w").write(variant)
        exe_t, exe_c = os.path.join(tmp, name + ".thrust.exe"), os.path.join(tmp, name + ".c.exe")
        for cmd in ([opts.thrustc, "-O2", thrust_src, "-o", exe_t],
                    [opts.clang, "-O2", os.path.join(WORKLOADS, name + ".c"), "-o", exe_c, "-lm"]):
            p = run(cmd)
            if p.returncode != 0:
                raise SystemExit(f"{' '.join(cmd)} failed:\n{p.stderr}")
        (t_thrust, t_c), (out_t, out_c) = best_times([[exe_t, arg], [exe_c, arg]], opts.runs)
        same = "same" if out_t == out_c else f"DIFFERS: {out_t.strip()!r} vs {out_c.strip()!r}"
        ratios.append(t_thrust / t_c)
        print(f"  {name:<14}{t_thrust * 1000:>8.1f}ms{t_c * 1000:>8.1f}ms{t_thrust / t_c:>7.2f}x  {same}")
    geo = math.exp(sum(map(math.log, ratios)) / len(ratios))
    print(f"  geomean ratio {geo:.3f}x, worst {max(ratios):.3f}x  (target <= 1.10x: "
          f"{'met' if max(ratios) <= 1.10 else 'NOT met'})")
    return max(ratios) <= 1.10


def parse_report(text):
    """Phase name -> seconds from -ftime-report's table."""
    phases = {}
    for line in text.split("\n"):
        m = re.match(r"\s*([a-z][\w+ -]*?)\s{2,}([\d.]+)\s*(ms|s)\b", line)
        if m:
            phases[m.group(1).strip()] = float(m.group(2)) / (1000 if m.group(3) == "ms" else 1)
    return phases


def compile_split(opts, tmp):
    src = os.path.join(tmp, "gen.thrust")
    gen = run([sys.executable, os.path.join(HERE, "gen_frontend.py"), "--lines", str(opts.lines)])
    open(src, "w").write(gen.stdout)
    print(f"\ncompile time of a generated {opts.lines}-line program (best of {opts.runs}, -ftime-report):")
    ok = True
    for level in ("-O0", "-O2"):
        best = None
        for _ in range(opts.runs):
            p = run([opts.thrustc, level, "-ftime-report", src, "-o", os.path.join(tmp, "gen.exe")])
            if p.returncode != 0:
                raise SystemExit(f"compiling the generated program failed:\n{p.stderr}")
            phases = parse_report(p.stderr)
            llvm = sum(phases.get(k, 0) for k in LLVM_PHASES)
            link = phases.get("aot link", 0)
            other = sum(v for k, v in phases.items() if k not in LLVM_PHASES and k != "aot link" and k != "total")
            if best is None or llvm + other < best[0] + best[1]:
                best = (llvm, other, link, phases)
        llvm, other, link, phases = best
        share = other / (llvm + other)
        ok = ok and share < 0.10
        detail = ", ".join(f"{k} {v * 1000:.1f}" for k, v in phases.items() if k != "total")
        print(f"  {level}: frontend+IR {other * 1000:.1f} ms, LLVM {llvm * 1000:.1f} ms -> non-LLVM share "
              f"{share * 100:.1f}% (target < 10%: {'met' if share < 0.10 else 'NOT met'}); link {link * 1000:.1f} ms")
        print(f"        phases (ms): {detail}")
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--thrustc", default=os.path.join(HERE, "..", "build", "dev", "bin", "thrustc"))
    ap.add_argument("--clang", default="clang-19")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--lines", type=int, default=10000)
    ap.add_argument("--scale", type=int, default=10, help="size multiplier for the run-time workloads")
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        code_quality(opts, tmp)
        compile_split(opts, tmp)


if __name__ == "__main__":
    main()
