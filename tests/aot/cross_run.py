#!/usr/bin/env python3
"""Cross-compiles Thrust programs to AArch64 (thrustc -target-triple aarch64-linux-gnu, linked by
aarch64-linux-gnu-gcc) and runs them under qemu-aarch64-static: a corpus program with the output
in its README, and the e2e programs that exercise the C ABI (structs by value, HFAs, variadic
calls) with their `// expect:` lines. Exit 77 (skipped) when the cross toolchain is missing."""
import argparse, os, re, shutil, subprocess, sys, tempfile

ABI_PROGRAMS = ["s07_c_struct_abi", "s07_struct_by_value", "s07_fixed_array_by_value", "s07_qsort_structs",
                "s07_recursion_many_args", "s08_variadic_promotions", "s05_float_arith"]


def expectations(path):
    text = open(path, encoding="utf-8").read()
    out = [m.group(1) for m in re.finditer(r"^// expect: ?(.*)$", text, re.M)]
    code = re.search(r"^// exit: (\d+)$", text, re.M)
    args = re.search(r"^// args: (.*)$", text, re.M)
    return out, int(code.group(1)) if code else 0, args.group(1).split() if args else []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--thrustc", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--e2e", required=True)
    opts = ap.parse_args()
    missing = [t for t in ("aarch64-linux-gnu-gcc", "qemu-aarch64-static") if not shutil.which(t)]
    if missing:
        print(f"SKIP: {' and '.join(missing)} not installed (scripts/install-deps.sh installs them)")
        sys.exit(77)
    cases = []  # (source, args, expected stdout lines, expected exit status)
    corpus = os.path.join(opts.corpus, "binarysearch.thrust")
    if os.path.exists(corpus):
        cases += [(corpus, ["25"], ["Found 25 at index 5"], 0), (corpus, ["4"], ["4 not found"], 0)]
    for name in ABI_PROGRAMS:
        path = os.path.join(opts.e2e, name + ".thrust")
        out, code, args = expectations(path)
        cases.append((path, args, out, code))
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for src, args, want, want_code in cases:
            exe = os.path.join(tmp, os.path.basename(src) + ".a64")
            c = subprocess.run([opts.thrustc, "-O2", "-target-triple", "aarch64-linux-gnu", src, "-o", exe],
                               capture_output=True, text=True, timeout=300)
            if c.returncode != 0:
                print(f"FAIL {src}: compiling for aarch64 failed:\n{c.stderr}")
                failures += 1
                continue
            p = subprocess.run(["qemu-aarch64-static", "-L", "/usr/aarch64-linux-gnu", exe] + args,
                               capture_output=True, text=True, timeout=120)
            got = p.stdout.split("\n")
            if got and got[-1] == "":
                got.pop()
            ok = p.returncode == want_code and got == want  # `// expect-ct:` lines are not matched above
            print(f"{'ok  ' if ok else 'FAIL'} {os.path.basename(src)} {' '.join(args)} on aarch64 (qemu): exit {p.returncode}")
            if not ok:
                failures += 1
                print("--- expected\n" + "\n".join(want) + "\n--- got\n" + "\n".join(got) + "\n--- stderr\n" + p.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
