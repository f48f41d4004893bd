#!/usr/bin/env python3
"""Runs one importC test program that needs the project-owned headers (tests/cimport/include) and
libshapes.so, which golden.py and e2e.py cannot provide.

Directives in the program's comments:
    // expect: <line>          the next line of standard output (all lines, in order)
    // expect-diag: <text>     a line of the compiler's stderr must contain this text
    // compile-exit: N         thrustc's exit status when the program must not compile
Executors: interp, jit (libshapes.so through -jit-link) and aot (linked with -L/-l, run with
LD_LIBRARY_PATH). Compile-time code always reaches libshapes.so through -jit-link.
"""
import argparse, os, re, subprocess, sys, tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--thrustc", required=True)
    ap.add_argument("--lib", required=True, help="path of libshapes.so")
    ap.add_argument("--include", required=True)
    ap.add_argument("--executor", required=True)
    ap.add_argument("file")
    o = ap.parse_args()
    text = open(o.file, encoding="utf-8").read()
    expect = re.findall(r"^// expect: ?(.*)$", text, re.M)
    diags = re.findall(r"^// expect-diag: ?(.*)$", text, re.M)
    m = re.search(r"^// compile-exit: (\d+)$", text, re.M)
    compile_exit = int(m.group(1)) if m else 0
    env = dict(os.environ, NO_COLOR="1")
    libdir = os.path.dirname(os.path.abspath(o.lib))
    base = [o.thrustc, "-I", o.include, "-jit-link", o.lib]
    with tempfile.TemporaryDirectory() as tmp:
        if o.executor == "aot":
            exe = os.path.join(tmp, "prog")
            c = subprocess.run(base + [o.file, "-o", exe, "-L", libdir, "-l", "shapes"], capture_output=True, env=env, timeout=300)
            err, code = c.stderr.decode(errors="replace"), c.returncode
            out = ""
            if code == 0 and compile_exit == 0:
                env["LD_LIBRARY_PATH"] = libdir
                p = subprocess.run([exe], capture_output=True, env=env, timeout=60)
                out, code = p.stdout.decode(errors="replace"), p.returncode
        else:
            flags = ["-interp", "-ct-backend", "interp"] if o.executor == "interp" else ["-jit"]
            p = subprocess.run(base + flags + [o.file], capture_output=True, env=env, timeout=120)
            out, err, code = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), p.returncode
    got = out.split("\n")
    if got and got[-1] == "":
        got.pop()
    missing = [d for d in diags if not any(d in line for line in err.split("\n"))]
    want_code = compile_exit if compile_exit else 0
    if got != expect or missing or code != want_code:
        print(f"FAIL {o.file} on {o.executor}: exit {code} (expected {want_code})")
        print("--- expected stdout\n" + "\n".join(expect) + "\n--- got stdout\n" + "\n".join(got))
        for d in missing:
            print(f"--- missing diagnostic: {d}")
        print("--- stderr\n" + err)
        sys.exit(1)
    print(f"ok {o.file} on {o.executor}: {len(got)} lines, {len(diags)} diagnostics, exit {code}")


if __name__ == "__main__":
    main()
