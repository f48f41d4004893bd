#!/usr/bin/env python3
"""Command-line behaviour of thrustc: exit statuses and messages for each kind of bad input.

Usage: cli.py THRUSTC [--without-aot]. With --without-aot (a build without the LLVM backend, such
as the AArch64 one) the cases that build an executable expect the "not available" error instead."""
import os, subprocess, sys, tempfile

def main():
    thrustc = sys.argv[1]
    with_aot = "--without-aot" not in sys.argv[2:]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        ok = os.path.join(tmp, "ok.thrust")
        open(ok, "w").write("fn main() s32 @public { return 7; }\n")
        ct_trap = os.path.join(tmp, "ct_trap.thrust")
        open(ct_trap, "w").write("fn f(d: s32) s32 { return 10 / d; }\nconst X: s32 = f(0);\n"
                                 "fn main() s32 @public { return X; }\n")
        bad = os.path.join(tmp, "bad.thrust")
        open(bad, "w").write("fn main() s32 @public { return true; }\n")
        out_tir = os.path.join(tmp, "out.tir")
        cases = [  # arguments, expected exit status, text expected in stdout+stderr
            (["--help"], 0, "usage: thrustc"),
            (["--version"], 0, "thrustc 0.1.0"),
            ([], 2, "no input files"),
            (["-frobnicate", ok], 2, "unknown option '-frobnicate'"),
            (["-print", "bytes", ok], 2, "-print takes tokens, ast, thrust-ir or ctjit-asm"),
            (["-o"], 2, "'-o' needs a value"),
            ([os.path.join(tmp, "missing.thrust")], 2, "cannot open"),
            (["-interp", ok], 7, ""),
            (["-check", ok], 0, ""),
            (["-check", bad], 1, "[TypeMismatch]"),
            (["-interp", "-jit", ok], 2, "cannot be combined"),
            (["-jit", ok], 7, ""),
            (["-ct-backend", "jit", "-check", ok], 0, ""),
            (["-ct-backend", "interp", "-check", ok], 0, ""),
            (["-ct-backend", "llvm", "-check", ok], 2, "-ct-backend takes interp or jit"),
            (["-ctjit-memory", "rw", ok], 2, "-ctjit-memory takes wx or rwx"),
            (["-ct-timeout", "soon", ok], 2, "-ct-timeout takes a number of seconds"),
            (["-ct-memory", "-5", ok], 2, "-ct-memory takes a number of MiB"),
            (["-jit", "-jit-entry", "nope", ok], 1, "no `nope` function"),
            ([ok, "-o", os.path.join(tmp, "prog"), "-l", "thrustc_no_such_lib"], 1,
             "thrustc_no_such_lib" if with_aot else "the LLVM backend is not available in this build"),
            ([ok, "-O2", "-o", os.path.join(tmp, "prog.exe")], *((0, "") if with_aot else (1, "not available"))),
            (["-emit", "thrust-ir", ok, "-o", out_tir], 0, ""),
            (["-emit", "thrust-ir", bad, "-o", os.path.join(tmp, "bad.tir")], 1, "[TypeMismatch]"),
            (["-run-ir", out_tir], 7, ""),
            ([ct_trap, "-o", os.path.join(tmp, "ct_prog")], 1, "[CompileTimeTrap]"),
            (["-emit", "obj", ct_trap, "-o", os.path.join(tmp, "ct_prog.o")], 1, "[CompileTimeTrap]"),
        ]
        # Malformed input of every kind: diagnostics and exit status 1, never a crash or a hang.
        def write(name, data):
            path = os.path.join(tmp, name)
            open(path, "wb").write(data)
            return path
        import random
        rng = random.Random(7)
        whole = open(ok, "rb").read()
        cases += [
            (["-check", write("nested.thrust", b"fn main() s32 @public { return " + b"(" * 10000 + b"1" + b")" * 10000 + b"; }")], 1, "[NestingTooDeep]"),
            (["-check", write("braces.thrust", b"fn main() s32 @public " + b"{" * 10000)], 1, "error"),
            (["-check", write("truncated.thrust", whole[: len(whole) // 2])], 1, "[UnexpectedToken]"),
            (["-check", write("unbalanced.thrust", b"fn main() s32 @public { return ((1]; }}}")], 1, "[UnexpectedToken]"),
            (["-check", write("bytes.thrust", bytes(rng.randrange(256) for _ in range(20000)))], 1, "error"),
            # A chain of operators is not nesting: 10 million terms check (and fold) in a loop.
            (["-check", write("longline.thrust", b"fn main() s32 @public { return 1" + b" + 1" * 10_000_000 + b"; }")], 0, ""),
            (["-check", write("empty.thrust", b"")], 0, ""),
        ]
        # Chains as generated code writes them, 200,000 terms of arithmetic and 100,000 of `and`,
        # run at compile time and at run time on every executor.
        printf = b'fn printf(fmt: const array[char]) s32 @extern("printf") @arbitraryArgs;\n'
        sums = write("chain_sum.thrust", printf + b"fn f(x: s64) s64 { return " + b"x + " * 200_000 + b"x; }\n"
                     b"const K: s64 = f(2);\n"
                     b'fn main() s32 @public { printf("%lld %lld\\n", K, f(3)); return 0; }\n')
        ands = write("chain_and.thrust", printf + b"fn f(x: s64) bool { return " + b"x > 0 and " * 100_000 + b"x > 1; }\n"
                     b"const K: bool = f(2);\n"
                     b'fn main() s32 @public { printf("%d %d\\n", K as s32, f(1) as s32); return 0; }\n')
        # 200,000 trap sites in one function: their stubs are found by site, not by a scan.
        divs = write("chain_div.thrust", printf + b"fn f(x: s64) s64 { return " + b"x / " * 100_000 + b"x; }\n"
                     b"const K: s64 = f(1);\n"
                     b'fn main() s32 @public { printf("%lld %lld\\n", K, f(-1)); return 0; }\n')
        for prog, want in ((sums, "400002 600003"), (ands, "1 0"), (divs, "1 -1")):
            for mode in ("-interp", "-jit"):
                cases.append(([mode, "-ct-backend", "interp" if mode == "-interp" else "jit", prog], 0, want))
            if with_aot:
                exe = prog[:-len(".thrust")]
                cases.append(([prog, "-o", exe], 0, ""))
                cases.append(([exe], 0, want))
        for args, want_code, want_text in cases:
            command = args if args and args[0].startswith(tmp) and not args[0].endswith(".thrust") else [thrustc] + args
            p = subprocess.run(command, capture_output=True, env=dict(os.environ, NO_COLOR="1"), timeout=120)
            text = (p.stdout + p.stderr).decode(errors="replace")
            good = p.returncode == want_code and want_text in text
            print(f"{'ok  ' if good else 'FAIL'} thrustc {' '.join(args)} -> {p.returncode}")
            if not good:
                failures += 1
                print(f"  expected exit {want_code} and {want_text!r}; got:\n{text}")
        # Compile-time code blocked in a system call the time limit cannot interrupt (a read that
        # never gets input): thrustc stops 2 s after the limit, says so, exits 1, writes nothing.
        blocked = write("blocked.thrust", b'fn read(fd: s32, buf: ptr[char], n: usize) ssize @extern("read");\n'
                        b'fn malloc(n: usize) ptr[void] @extern("malloc");\n'
                        b"fn wait_for_input() s32 { var b: ptr[char] = malloc(8) as ptr[char]; return read(0, b, 1) as s32; }\n"
                        b"const GOT: s32 = wait_for_input();\nfn main() s32 @public { return GOT; }\n")
        for backend in ("jit", "interp"):
            out = os.path.join(tmp, f"blocked_{backend}")
            args = ["-ct-backend", backend, "-ct-timeout", "0.5", blocked, "-o", out]
            stdin_r, stdin_w = os.pipe()  # this end stays open and silent while thrustc runs
            p = subprocess.Popen([thrustc] + args, stdin=stdin_r, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            os.close(stdin_r)
            try:
                text = p.communicate(timeout=60)[0].decode(errors="replace")
            except subprocess.TimeoutExpired:
                p.kill()
                text = p.communicate()[0].decode(errors="replace") + "(hung)"
            os.close(stdin_w)
            good = p.returncode == 1 and "still blocked in a C function" in text and not os.path.exists(out)
            print(f"{'ok  ' if good else 'FAIL'} thrustc {' '.join(args)} (stdin open, no input) -> {p.returncode}")
            if not good:
                failures += 1
                print(f"  expected exit 1, the blocked message and no output; got:\n{text}")
        run = subprocess.run([os.path.join(tmp, "prog.exe")], timeout=60) if with_aot else None  # the AOT-built program
        if run and run.returncode != 7:
            print(f"FAIL the executable built by thrustc exited {run.returncode}, expected 7")
            failures += 1
        leftovers = [n for n in ("bad.tir", "prog", "ct_prog", "ct_prog.o") + (() if with_aot else ("prog.exe",)) if os.path.exists(os.path.join(tmp, n))]
        if leftovers:
            print(f"FAIL output files were written for failed compilations: {leftovers}")
            failures += 1
    sys.exit(1 if failures else 0)

if __name__ == "__main__":
    main()
