#!/usr/bin/env python3
"""What -ct-isolation process costs: `thrustc -check` with compile-time code run in-process
against the same compile with a forked worker, on programs of three sizes, in one run.

    python3 bench/isolation.py [--thrustc build/release/bin/thrustc] [--runs 30] [--json out.json]

Runs alternate between the two modes (so drift in the machine's speed hits both), every sample is
kept, and the figure is the difference of the medians in milliseconds per compilation (the
criterion of docs/ctjit-isolation.md: the worker may be the default if it adds at most 1 ms).
Programs: `none` (no compile-time code: no worker is started), `small` (one constant), `large`
(400 functions and 400 constants, about 2,000 lines, every constant a separate evaluation)."""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time


def small_program():
    return ("fn fib(n: u64) u64 { if n < 2 { return n; } return fib(n - 1) + fib(n - 2); }\n"
            "const K: u64 = fib(15);\nfn main() s32 @public { return K as s32; }\n")


def large_program(n=400):
    lines = []
    for i in range(n):
        lines += [f"fn f{i}(x: u64) u64 {{",
                  f"    var s: u64 = {i};",
                  f"    for var j: u64 = 0; j < x; j += 1; {{ s = s * 31 + j ^ {i}; }}",
                  "    return s;", "}"]
    for i in range(n):
        lines.append(f"const C{i}: u64 = f{i}({i % 17 + 3});")
    lines.append("fn main() s32 @public { return (" + " ^ ".join(f"C{i}" for i in range(0, n, 40)) + ") as s32; }")
    return "\n".join(lines) + "\n"


def none_program():
    return "fn main() s32 @public { return 0; }\n"


def build_type(thrustc):
    cache = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(thrustc))), "CMakeCache.txt")
    try:
        for line in open(cache):
            if line.startswith("CMAKE_BUILD_TYPE:"):
                return line.split("=", 1)[1].strip() or "unknown"
    except OSError:
        pass
    return "unknown"


def summary(samples):
    return {"min": min(samples), "median": statistics.median(samples), "mean": statistics.fmean(samples),
            "sd": statistics.stdev(samples) if len(samples) > 1 else 0.0,
            "cv": statistics.stdev(samples) / statistics.fmean(samples) if len(samples) > 1 else 0.0,
            "samples": samples}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--thrustc", default="build/release/bin/thrustc")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--json")
    opts = ap.parse_args()
    load = os.getloadavg()[0]
    kind = build_type(opts.thrustc)
    report = {"build_type": kind, "host": platform.node(), "machine": platform.machine(), "cpus": os.cpu_count(),
              "load_at_start": load, "runs": opts.runs, "programs": {}}
    print(f"thrustc -check, in-process vs -ct-isolation process; {opts.runs} runs each, alternating; "
          f"build {kind}, load {load:.2f} on {os.cpu_count()} cpus")
    if kind not in ("Release", "RelWithDebInfo"):
        print(f"note: a {kind} build; figures are not the product's")
    if load > 0.5 * (os.cpu_count() or 1):
        print("note: the machine is loaded; medians may be off")
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in (("none", none_program()), ("small", small_program()), ("large", large_program())):
            path = os.path.join(tmp, name + ".thrust")
            open(path, "w").write(text)
            times = {"in-process": [], "process": []}
            for i in range(opts.runs + 2):
                for mode in times:
                    start = time.perf_counter()
                    p = subprocess.run([opts.thrustc, "-check", "-ct-isolation", mode, path], capture_output=True)
                    elapsed = (time.perf_counter() - start) * 1e3
                    if p.returncode != 0:
                        sys.exit(f"{name} ({mode}) failed: {p.stderr.decode()}")
                    if i >= 2:  # two warm-up rounds (page cache, plugins)
                        times[mode].append(elapsed)
            a, b = summary(times["in-process"]), summary(times["process"])
            delta = b["median"] - a["median"]
            report["programs"][name] = {"lines": text.count("\n"), "in-process_ms": a, "process_ms": b,
                                        "added_ms_median": delta, "ratio_median": b["median"] / a["median"]}
            print(f"  {name:6} {text.count(chr(10)):5} lines  in-process median {a['median']:7.2f} ms (sd {a['sd']:.2f})"
                  f"  process median {b['median']:7.2f} ms (sd {b['sd']:.2f})  added {delta:+.2f} ms"
                  f"  (x{b['median'] / a['median']:.3f})")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(report, f, indent=1)
        print(f"wrote {opts.json}")


if __name__ == "__main__":
    main()
