#!/usr/bin/env python3
"""Compile-time JIT benchmark: how fast compile-time code runs, against references in the same run.

For every bench/workloads/w_*.thrust (a constant computed by a function call at compile time):
  interp  ct-eval time with `-ct-backend interp` (from `thrustc -check -ftime-report`), best of N
  jit     the same with `-ct-backend jit`; n/a while that backend is not available
  gcc -O2 / gcc -O0   wall time of the C twin (w_*.c) as a process, best of N
and the ratios against the targets of issue 3: jit at least 0.5x the speed of gcc -O2 (geometric
mean), never slower than gcc -O0, at least 50x faster than the interpreter. Every executor's
output must equal the C twin's. Also: start-up of `thrustc -jit hello.thrust` (best of 20, target
< 10 ms), JIT compile speed from `-ctjit-stats` (target >= 5 million IR instructions/s), and a
check that each tests/e2e/w_*.thrust copy is the bench program at a small size with the C twin's
output as its expectation. See bench/README.md. Exit status 1 if an output differs.
"""
import argparse, math, os, re, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORKLOAD_DIR = os.path.join(HERE, "workloads")
E2E_DIR = os.path.join(ROOT, "tests", "e2e")
SIZE_LINE = re.compile(r"^(const \w+: \w+ = )([0-9_]+);(\s*// size.*)$", re.M)
TARGET_VS_O2, TARGET_VS_INTERP, TARGET_STARTUP_MS, TARGET_IR_PER_S = 0.5, 50.0, 10.0, 5e6


def run(cmd, timeout=300):
    env = dict(os.environ, NO_COLOR="1")
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout} s"
    return p.returncode, p.stdout, p.stderr


def first_line(text):
    lines = [l for l in text.strip().split("\n") if l.strip()]
    return lines[0] if lines else "(no message)"


def best_wall(cmd, runs):
    """Best wall time in seconds of `runs` runs of a process, with its last exit code and stdout."""
    best, code, out = math.inf, 0, ""
    for _ in range(runs):
        start = time.perf_counter()
        code, out, _ = run(cmd)
        best = min(best, time.perf_counter() - start)
    return best, code, out


def parse_ct_eval_ms(stderr):
    m = re.search(r"^\s*ct-eval\s+([0-9.]+) ms", stderr, re.M)
    return float(m.group(1)) if m else None


def thrust_ct_eval(thrustc, backend, path, runs):
    """Best ct-eval time (ms) on one backend, or (None, reason). The first run also runs main
    (-interp) so the printed constant can be compared; the others only compile (-check)."""
    base = [thrustc, "-ct-backend", backend, "-ftime-report"]
    code, out, err = run(base + ["-interp", path])
    if code != 0:
        return None, None, first_line(err)
    best = parse_ct_eval_ms(err)
    if best is None:
        return None, None, "no ct-eval line in -ftime-report"
    for _ in range(runs - 1):
        code, _, err = run(base + ["-check", path])
        t = parse_ct_eval_ms(err)
        if code != 0 or t is None:
            return None, None, first_line(err)
        best = min(best, t)
    return best, out, None


def compile_c(cc, src, opt, tmp):
    exe = os.path.join(tmp, os.path.basename(src)[:-2] + opt.replace("-", "_"))
    code, _, err = run([cc, opt, "-o", exe, src])
    if code != 0:
        sys.exit(f"{cc} {opt} {src} failed:\n{err}")
    return exe


def fmt_ms(v):
    return "n/a" if v is None else f"{v:.2f}" if v < 10 else f"{v:.1f}"


def fmt_ratio(v):
    return "n/a" if v is None else f"{v:.2f}x" if v < 100 else f"{v:.0f}x"


def geomean(values):
    values = [v for v in values if v is not None and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def measure_workload(name, opts, tmp):
    src = os.path.join(WORKLOAD_DIR, name + ".thrust")
    row = {"name": name, "ok": True, "notes": []}
    exe_o2 = compile_c(opts.cc, os.path.join(WORKLOAD_DIR, name + ".c"), "-O2", tmp)
    exe_o0 = compile_c(opts.cc, os.path.join(WORKLOAD_DIR, name + ".c"), "-O0", tmp)
    o2, _, expected = best_wall([exe_o2], opts.runs)
    o0, _, out_o0 = best_wall([exe_o0], opts.runs)
    row["gcc_o2"], row["gcc_o0"] = o2 * 1e3, o0 * 1e3
    if out_o0 != expected:
        row["ok"] = False
        row["notes"].append("gcc -O0 and -O2 outputs differ")
    for backend, runs in (("interp", opts.interp_runs), ("jit", opts.runs)):
        t, out, why = thrust_ct_eval(opts.thrustc, backend, src, runs)
        row[backend] = t
        if t is None:
            if backend == "interp":
                row["ok"] = False
            row["notes"].append(f"{backend}: {why}")
        elif out != expected:
            row["ok"] = False
            row["notes"].append(f"{backend} printed {out.strip()!r}, C printed {expected.strip()!r}")
    jit, interp = row["jit"], row["interp"]
    row["jit_vs_o2"] = row["gcc_o2"] / jit if jit else None
    row["jit_vs_o0"] = row["gcc_o0"] / jit if jit else None
    row["jit_vs_interp"] = interp / jit if jit and interp else None
    row["interp_vs_o2"] = interp / row["gcc_o2"] if interp else None
    row["expected"] = expected.strip()
    return row


def print_table(rows, startup_ms):
    head = ("workload", "interp ms", "jit ms", "gcc-O2 ms", "gcc-O0 ms",
            "jit/O2 speed", "jit/O0 speed", "jit/interp", "interp slowdown vs O2")
    table = [head] + [(r["name"], fmt_ms(r["interp"]), fmt_ms(r["jit"]), fmt_ms(r["gcc_o2"]),
                       fmt_ms(r["gcc_o0"]), fmt_ratio(r["jit_vs_o2"]), fmt_ratio(r["jit_vs_o0"]),
                       fmt_ratio(r["jit_vs_interp"]), fmt_ratio(r["interp_vs_o2"])) for r in rows]
    table.append(("geomean", "", "", "", "", fmt_ratio(geomean([r["jit_vs_o2"] for r in rows])),
                  fmt_ratio(geomean([r["jit_vs_o0"] for r in rows])),
                  fmt_ratio(geomean([r["jit_vs_interp"] for r in rows])),
                  fmt_ratio(geomean([r["interp_vs_o2"] for r in rows]))))
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    for row in table:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
    startup = "" if startup_ms is None else f", which includes about {startup_ms:.2f} ms of process start-up measured on an empty C program"
    print(f"(interp/jit: ct-eval phase of -ftime-report; gcc: whole process wall time{startup})")
    # A reason shared by every workload (typically "jit not available") is printed once.
    shared = set(rows[0]["notes"]).intersection(*(set(r["notes"]) for r in rows[1:])) if rows else set()
    for n in sorted(shared):
        print(f"  note (all workloads): {n}")
    for r in rows:
        for n in r["notes"]:
            if n not in shared:
                print(f"  note {r['name']}: {n}")
        if r["expected"]:
            print(f"  {r['name']}: {r['expected']}")


def verdict(label, ok):
    return f"  {label}: " + ("n/a (jit not available)" if ok is None else "PASS" if ok else "FAIL")


def print_targets(rows):
    have = [r for r in rows if r["jit"] is not None]
    print("targets (issue 3):")
    g = geomean([r["jit_vs_o2"] for r in have])
    print(verdict(f"jit >= {TARGET_VS_O2}x gcc -O2 speed (geomean)", None if g is None else g >= TARGET_VS_O2))
    print(verdict("jit never slower than gcc -O0", all(r["jit_vs_o0"] >= 1 for r in have) if have else None))
    print(verdict(f"jit >= {TARGET_VS_INTERP:.0f}x interpreter on every workload",
                  all((r["jit_vs_interp"] or 0) >= TARGET_VS_INTERP for r in have) if have else None))


def measure_startup(opts, tmp):
    hello = os.path.join(tmp, "hello.thrust")
    with open(hello, "w") as f:
        f.write('fn printf(fmt: const array[char]) s32 @extern("printf") @arbitraryArgs;\n'
                'fn main() s32 @public { printf("hello\\n"); return 0; }\n')
    empty = os.path.join(tmp, "empty.c")
    with open(empty, "w") as f:
        f.write("int main(void) { return 0; }\n")
    c_startup, _, _ = best_wall([compile_c(opts.cc, empty, "-O2", tmp)], 20)
    print("start-up (wall time, best of 20):")
    for mode in ("-jit", "-interp", "-check"):
        t, code, out = best_wall([opts.thrustc, mode, hello], 20)
        if code != 0 or (mode != "-check" and out != "hello\n"):
            _, _, err = run([opts.thrustc, mode, hello])
            print(f"  thrustc {mode:8} hello.thrust: n/a ({first_line(err)})")
            continue
        target = f"  (target < {TARGET_STARTUP_MS:.0f} ms: {'PASS' if t * 1e3 < TARGET_STARTUP_MS else 'FAIL'})" if mode == "-jit" else ""
        print(f"  thrustc {mode:8} hello.thrust: {t * 1e3:7.2f} ms{target}")
    print(f"  empty C program (process start-up through this script): {c_startup * 1e3:7.2f} ms")
    return c_startup * 1e3


def parse_stats(text):
    """(IR instructions, compile seconds) from -ctjit-stats output, or a printed rate; tolerant
    of the exact layout: phase names with a time in s/ms/us, and an instruction count."""
    m = re.search(r"([0-9][0-9.,]*)\s*(M|million)?\s*(?:IR )?instructions?\s*(?:/\s*s|per second)", text, re.I)
    if m:
        rate = float(m.group(1).replace(",", "")) * (1e6 if m.group(2) else 1)
        return rate, None
    count = re.search(r"(?:ir[ _]instructions|instructions)\D{0,20}?([0-9][0-9,]*)", text, re.I)
    if not count:
        return None, None
    seconds = 0.0
    for phase in ("lower", "isel|instruction selection", "regalloc|register allocation", "encod", "map"):
        t = re.search(rf"(?:{phase})\w*\D{{0,30}}?([0-9.]+)\s*(s|ms|us|µs)\b", text, re.I)
        if t:
            seconds += float(t.group(1)) * {"s": 1, "ms": 1e-3, "us": 1e-6, "µs": 1e-6}[t.group(2)]
    n = int(count.group(1).replace(",", ""))
    return (n / seconds if seconds > 0 else None), n


def big_function_program(statements):
    body = ["fn big(seed: u64) u64 {", "    var a: u64 = seed;", "    var b: u64 = 1;"]
    for i in range(statements):
        body.append(f"    a = a * {3 + i % 7} + (b ^ {i});" if i % 2 == 0 else f"    b = b ^ (a >> {1 + i % 13});")
    body += ["    return a ^ b;", "}", "const R: u64 = big(7);",
             'fn printf(fmt: const array[char]) s32 @extern("printf") @arbitraryArgs;',
             'fn main() s32 @public { printf("%lu\\n", R); return 0; }']
    return "\n".join(body) + "\n"


def measure_compile_speed(opts, tmp):
    print("JIT compile speed (-ctjit-stats: IR instructions per second through lowering, instruction"
          f" selection, register allocation, encoding and mapping; target >= {TARGET_IR_PER_S / 1e6:.0f} M/s):")
    inputs = [(n, os.path.join(WORKLOAD_DIR, n + ".thrust")) for n in opts.workloads]
    for size in (1000, 10000, 100000):
        path = os.path.join(tmp, f"big_{size}.thrust")
        with open(path, "w") as f:
            f.write(big_function_program(size))
        inputs.append((f"one function of {size} statements", path))
    for label, path in inputs:
        code, out, err = run([opts.thrustc, "-ct-backend", "jit", "-check", "-ctjit-stats", path])
        if code != 0:
            print(f"  {label}: n/a ({first_line(err)})")
            if "unknown option" in err or "not implemented" in err:
                print("  (the other inputs are skipped: -ctjit-stats is not available)")
                return
            continue
        rate, count = parse_stats(out + err)
        extra = f", {count} IR instructions" if count else ""
        print(f"  {label}: " + (f"{rate / 1e6:.2f} M IR instructions/s{extra}" if rate else
                                f"n/a (could not read -ctjit-stats output: {first_line(out + err)})"))


def check_e2e_copies(opts, tmp):
    """Each tests/e2e/w_X.thrust must be the bench program with only the size and header changed,
    and its expect line must be what the C twin prints at that size."""
    ok = True
    for name in opts.workloads:
        bench_src = open(os.path.join(WORKLOAD_DIR, name + ".thrust")).read()
        e2e_path = os.path.join(E2E_DIR, name + ".thrust")
        if not os.path.exists(e2e_path):
            print(f"  {name}: FAIL (no {e2e_path})")
            ok = False
            continue
        e2e_src = open(e2e_path).read()
        strip = lambda s: "\n".join(l for l in SIZE_LINE.sub(r"\1N;\3", s).split("\n") if not l.startswith("//"))
        size = SIZE_LINE.search(e2e_src)
        expects = re.findall(r"^// expect: (.*)$", e2e_src, re.M)
        exe = compile_c(opts.cc, os.path.join(WORKLOAD_DIR, name + ".c"), "-O2", tmp)
        _, c_out, _ = run([exe, size.group(2).replace("_", "")]) if size else (0, "", "")
        if not size or strip(bench_src) != strip(e2e_src):
            print(f"  {name}: FAIL (the e2e copy is not the bench program with another size)")
            ok = False
        elif c_out.rstrip("\n").split("\n") != expects:
            print(f"  {name}: FAIL (expects {expects}, C twin at size {size.group(2)} prints {c_out.strip()!r})")
            ok = False
        else:
            print(f"  {name}: ok (size {size.group(2)}: {expects[0]})")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--thrustc", required=True, help="path of the thrustc binary (a release build)")
    ap.add_argument("--cc", default="gcc", help="C compiler of the reference (default gcc)")
    ap.add_argument("--runs", type=int, default=5, help="runs per jit/gcc measurement (best is kept)")
    ap.add_argument("--interp-runs", type=int, default=3, help="runs per interpreter measurement")
    ap.add_argument("--workloads", nargs="*", help="names like w_fib (default: all)")
    ap.add_argument("--skip-extras", action="store_true", help="only the workload table")
    ap.add_argument("--check-e2e-only", action="store_true",
                    help="only check the tests/e2e/w_*.thrust copies against the C twins (fast; no timing)")
    opts = ap.parse_args()
    opts.thrustc = os.path.abspath(opts.thrustc)
    found = sorted(f[:-7] for f in os.listdir(WORKLOAD_DIR) if f.startswith("w_") and f.endswith(".thrust"))
    opts.workloads = opts.workloads or found
    with tempfile.TemporaryDirectory() as tmp:
        if opts.check_e2e_only:
            print("e2e copies (tests/e2e/w_*.thrust) against their C twins:")
            sys.exit(0 if check_e2e_copies(opts, tmp) else 1)
        startup_ms = measure_startup(opts, tmp) if not opts.skip_extras else None
        rows = []
        for name in opts.workloads:
            print(f"measuring {name} ...", file=sys.stderr, flush=True)
            rows.append(measure_workload(name, opts, tmp))
        print(f"\ncompile-time workloads (best of {opts.interp_runs} interp, {opts.runs} jit and gcc runs):")
        print_table(rows, startup_ms)
        print_targets(rows)
        e2e_ok = True
        if not opts.skip_extras:
            print()
            measure_compile_speed(opts, tmp)
            print("e2e copies (tests/e2e/w_*.thrust) against their C twins:")
            e2e_ok = check_e2e_copies(opts, tmp)
    sys.exit(0 if all(r["ok"] for r in rows) and e2e_ok else 1)


if __name__ == "__main__":
    main()
