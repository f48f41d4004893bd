#!/usr/bin/env python3
"""End-to-end test of the importC cache through thrustc: a project-owned header in a temp dir is
imported by a program run with -interp. The first run parses and writes the cache, the second
comes from the cache (THRUSTC_CIMPORT_TIMES=1 says which), an edited header is parsed again and
its new value is printed, and -no-cimport-cache / THRUSTC_NO_CACHE=1 bypass the cache.
XDG_CACHE_HOME points into the temp dir, so the user's cache is never touched.
"""
import argparse, os, subprocess, sys, tempfile

PROGRAM = """importC "stdio.h";
importC "cached.h";

fn main() s32 @public {
    printf("value %d\\n", CACHED_VALUE);
    return 0;
}
"""


def header(value):
    return f"#ifndef CACHED_H\n#define CACHED_H\n#define CACHED_VALUE {value}\nint cached_twice(int x);\n#endif\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--thrustc", required=True)
    o = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NO_COLOR="1", THRUSTC_CIMPORT_TIMES="1", XDG_CACHE_HOME=os.path.join(tmp, "xdg"))
        env.pop("THRUSTC_NO_CACHE", None)
        prog = os.path.join(tmp, "prog.thrust")
        with open(prog, "w") as f:
            f.write(PROGRAM)
        hdr = os.path.join(tmp, "cached.h")

        def run(step, want_value, want_cache, extra=(), extra_env=None):
            p = subprocess.run([o.thrustc, "-interp", *extra, prog], capture_output=True, text=True, timeout=120,
                               env=dict(env, **(extra_env or {})))
            if p.returncode != 0 or p.stdout != f"value {want_value}\n" or want_cache not in p.stderr:
                failures.append(f"{step}: exit {p.returncode}, stdout {p.stdout!r}, want value {want_value} "
                                f"and {want_cache!r} in stderr:\n{p.stderr}")
            else:
                print(f"ok {step}: {p.stderr.strip()}")

        with open(hdr, "w") as f:
            f.write(header(11))
        run("first run", 11, "cache miss (no entry)")
        run("second run", 11, "cache hit")
        with open(hdr, "w") as f:
            f.write(header(42))  # same size: only the contents (and mtime) differ
        run("edited header", 42, "cache miss (header changed: ")
        run("after the edit", 42, "cache hit")
        run("-no-cimport-cache", 42, "cache miss (off)", extra=["-no-cimport-cache"])
        run("THRUSTC_NO_CACHE=1", 42, "cache miss (off)", extra_env={"THRUSTC_NO_CACHE": "1"})
        entries = os.listdir(os.path.join(tmp, "xdg", "thrustc"))
        if len(entries) != 1 or not entries[0].startswith("cimport-"):
            failures.append(f"expected one cache entry, found {entries}")
    for f in failures:
        print("FAIL " + f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
