#!/usr/bin/env python3
"""-ct-isolation process (docs/ctjit-isolation.md): compile-time code runs in a forked worker, and
whatever it does to that process (smashes the heap or the stack, blocks in C, is killed) the
compiler survives, reports it as a failure of the evaluation it was running, exits 1 and writes
no output. Results, strings, statics changed by one evaluation and seen by the next, and what
compile-time code prints are the same as in-process.

Usage: isolation.py THRUSTC"""
import os, signal, subprocess, sys, tempfile, time

HEAP_SMASH = """fn malloc(n: usize) ptr @extern("malloc");
fn smash() u64 {
    var p: ptr[u64] = malloc(16) as ptr[u64];
    for var i: usize = 0; i < 4000000; i++; { p[i] = 16045690984833335023; }
    return 1;
}
const K: u64 = smash();
fn main() s32 @public { return 0; }
"""

# Writes upwards from a local: over the frames of whoever called the compile-time code.
STACK_SMASH = """fn smash() u64 {
    var x: u64 = 0;
    var p: ptr[u64] = ref x;
    for var i: usize = 0; i < 100000; i++; { p[i] = 16045690984833335023; }
    return 1;
}
const K: u64 = smash();
fn main() s32 @public { return 0; }
"""

# read(0) on a pipe that stays open is restarted after the deadline's signal: blocked for good.
BLOCKED = """fn read(fd: s32, buf: ptr, n: usize) s64 @extern("read");
fn wait() s64 { var b: u64 = 0; return read(0, ref b, 1); }
const K: s64 = wait();
fn main() s32 @public { return 0; }
"""

SLEEPER = """fn sleep(s: u32) u32 @extern("sleep");
fn nap() u32 { return sleep(30); }
const K: u32 = nap();
fn main() s32 @public { return 0; }
"""

# A crash, then an evaluation that needs a fresh worker.
CRASH_THEN_MORE = """fn strlen(s: ptr[char]) u64 @extern("strlen");
fn abort() @extern("abort");
fn boom() u64 { return strlen(0 as ptr[char]); }
fn twice(x: u64) u64 { return x * 2; }
const A: u64 = boom();
const B: u64 = twice(21);
fn main() s32 @public { return B as s32; }
"""

# State that lives in the worker: a static changed by one evaluation and read by the next, a
# string made at compile time, an aggregate result, output printed at compile time.
STATEFUL = """fn printf(fmt: const array[char]) s32 @extern("printf") @arbitraryArgs;
static mut counter: u64 = 0;
fn bump(by: u64) u64 { counter += by; return counter; }
struct Pair { a: u32, b: u64, }
fn pair() Pair { var p: Pair; p.a = 7; p.b = bump(10); return p; }
fn name() const array[char] { printf("computing name\\n"); return "thrust"; }
const FIRST: u64 = bump(1);
const SECOND: u64 = bump(2);
const P: Pair = pair();
const NAME: const array[char] = name();
fn main() s32 @public {
    printf("%lu %lu %u %lu %s\\n", FIRST, SECOND, P->a, P->b, NAME);
    return 0;
}
"""


# -ct-sandbox: tries to write a file, read one, run a program and open a socket at compile time;
# the constant says which worked (1 + 10 + 100 + 1000 when all did).
SANDBOXED = """fn fopen(path: const array[char], mode: const array[char]) ptr @extern("fopen");
fn fclose(f: ptr) s32 @extern("fclose");
fn system(cmd: const array[char]) s32 @extern("system");
fn socket(d: s32, t: s32, p: s32) s32 @extern("socket");
fn tryAll() s32 {
    var r: s32 = 0;
    var f: ptr = fopen("WRITTEN", "w");
    if f != nullptr { fclose(f); r += 1; }
    var g: ptr = fopen("READ", "r");
    if g != nullptr { fclose(g); r += 10; }
    if system("touch EXECUTED") == 0 { r += 100; }
    if socket(1, 1, 0) >= 0 { r += 1000; }
    return r;
}
const R: s32 = tryAll();
fn main() s32 @public { return R / 10 % 100; }
"""


def ok_program(write):
    return write("ok.thrust", "fn main() s32 @public { return 0; }\n")


def main():
    thrustc = sys.argv[1]
    failures = []

    def check(what, ok, detail=""):
        if not ok:
            failures.append(what)
            print(f"FAIL {what}\n{detail}")
        else:
            print(f"ok   {what}")

    with tempfile.TemporaryDirectory() as tmp:
        def write(name, text):
            path = os.path.join(tmp, name)
            open(path, "w").write(text)
            return path

        def compile_(src, *args, stdin=subprocess.DEVNULL, timeout=60):
            out = os.path.join(tmp, "out")
            if os.path.exists(out):
                os.remove(out)
            start = time.monotonic()
            p = subprocess.run([thrustc, *args, src, "-o", out], capture_output=True, text=True, stdin=stdin,
                               timeout=timeout, env=dict(os.environ, NO_COLOR="1"))
            return p.returncode, p.stdout + p.stderr, os.path.exists(out), time.monotonic() - start

        def failed_cleanly(what, result, kind, text):
            code, out, wrote, _ = result
            check(what, code == 1 and f"[{kind}" in out and text in out and not wrote,
                  f"exit {code}, output file written: {wrote}\n{out}")

        heap = write("heap.thrust", HEAP_SMASH)
        stack = write("stack.thrust", STACK_SMASH)
        # What a smashed worker reports depends on what it hit first (glibc's abort, a fault, a
        # corrupted result): any compile-time failure will do, as long as the compiler makes it.
        for backend in ("jit", "interp"):
            failed_cleanly(f"heap smashed by compile-time code ({backend}): a diagnostic, exit 1",
                           compile_(heap, "-ct-isolation", "process", "-ct-backend", backend),
                           "CompileTime", "const K")
        failed_cleanly("stack above the compile-time code smashed (jit): a diagnostic, exit 1",
                       compile_(stack, "-ct-isolation", "process", "-ct-timeout", "5"), "CompileTimeCrash", "smash")

        blocked = write("blocked.thrust", BLOCKED)
        for backend in ("jit", "interp"):
            read_end, write_end = os.pipe()  # the write end stays open: read(0) never returns
            r = compile_(blocked, "-ct-isolation", "process", "-ct-timeout", "1", "-ct-backend", backend,
                         stdin=read_end)
            os.close(read_end), os.close(write_end)
            failed_cleanly(f"blocked in C past the limit ({backend}): a time-out, exit 1", r,
                           "CompileTimeTimeout", "did not answer and was killed")
            check(f"blocked in C ({backend}): stopped about a second after the limit ({r[3]:.2f} s)", r[3] < 4)

        # The worker killed from outside (the OOM killer, a user): reported, not fatal.
        sleeper = write("sleeper.thrust", SLEEPER)
        proc = subprocess.Popen([thrustc, "-ct-isolation", "process", sleeper, "-o", os.path.join(tmp, "out")],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=dict(os.environ, NO_COLOR="1"))
        killed = False
        children_file = f"/proc/{proc.pid}/task/{proc.pid}/children"
        for _ in range(200):
            time.sleep(0.02)
            try:
                children = open(children_file).read().split()
            except OSError:
                break
            if children:
                os.kill(int(children[0]), signal.SIGKILL)
                killed = True
                break
        out, _ = proc.communicate(timeout=60)
        if killed:
            check("worker killed by SIGKILL: a diagnostic naming it, exit 1",
                  proc.returncode == 1 and "killed by SIGKILL" in out and "[CompileTimeCrash]" in out, out)
        else:
            print(f"skip worker killed by SIGKILL: no {children_file} to find the worker")

        # After a worker died the next evaluation gets a fresh one; one error, not two.
        more = write("more.thrust", CRASH_THEN_MORE)
        for backend in ("jit", "interp"):
            code, out, wrote, _ = compile_(more, "-ct-isolation", "process", "-ct-backend", backend, "-ftime-report")
            check(f"after a crash, evaluation goes on ({backend})",
                  code == 1 and out.count("error:") == 1 and "segmentation fault" in out and not wrote, out)

        stateful = write("stateful.thrust", STATEFUL)

        # The program's output on one executor (-jit, -interp, or an AOT binary), what compile-time
        # code printed first; and thrustc's stderr.
        def run_on(executor, backend, isolation):
            flags = ["-ct-backend", backend, "-ct-isolation", isolation, "-ftime-report"]
            if executor != "aot":
                p = subprocess.run([thrustc, "-" + executor, *flags, stateful], capture_output=True, text=True,
                                   timeout=60)
                return p.returncode, p.stdout, p.stderr
            exe = os.path.join(tmp, f"stateful-{backend}-{isolation}")
            c = subprocess.run([thrustc, *flags, stateful, "-o", exe], capture_output=True, text=True, timeout=60)
            if c.returncode != 0:
                return c.returncode, c.stdout, c.stderr
            r = subprocess.run([exe], capture_output=True, text=True, timeout=60)
            return r.returncode, c.stdout + r.stdout, c.stderr

        with_aot = "not available" not in subprocess.run([thrustc, ok_program(write), "-o", os.path.join(tmp, "probe")],
                                                         capture_output=True, text=True).stderr
        for executor in ("jit", "interp") + (("aot",) if with_aot else ()):
            for backend in ("jit", "interp"):
                (ca, a, _), (cb, b, b_err) = (run_on(executor, backend, i) for i in ("in-process", "process"))
                check(f"statics, strings, aggregates and output are the same in a worker ({executor}, {backend})",
                      ca == cb == 0 and a == b == "computing name\n1 3 7 13 thrust\n",
                      f"in-process: {a!r}\nprocess:    {b!r}\n{b_err}")
                check(f"one worker per compilation ({executor}, {backend})", "1 worker process(es)" in b_err, b_err)
        if not with_aot:
            print("skip stateful program on aot: this build has no LLVM backend")

        p = subprocess.run([thrustc, "-check", "-ct-isolation", "process", "-ctjit-stats", stateful],
                           capture_output=True, text=True, timeout=60)
        check("-ctjit-stats reports the worker's JIT",
              p.returncode == 0 and "ctjit statistics (compile-time code)" in p.stderr, p.stderr)

        p = subprocess.run([thrustc, "-check", "-ct-isolation", "thread", stateful], capture_output=True, text=True)
        check("-ct-isolation takes in-process or process", p.returncode == 2 and "in-process or process" in p.stderr,
              p.stderr)

        # -ct-sandbox: reading works; writing, running programs and sockets fail with EPERM.
        if sys.platform.startswith("linux"):
            for backend in ("jit", "interp"):
                names = {k: os.path.join(tmp, f"{k.lower()}-{backend}.txt") for k in ("WRITTEN", "READ", "EXECUTED")}
                open(names["READ"], "w").write("x")
                text = SANDBOXED
                for k, path in names.items():
                    text = text.replace(k, path)
                src = write(f"sandboxed-{backend}.thrust", text)
                for sandbox in (True, False):
                    for k in ("WRITTEN", "EXECUTED"):
                        if os.path.exists(names[k]):
                            os.remove(names[k])
                    p = subprocess.run([thrustc, "-jit", "-ct-backend", backend, src] + (["-ct-sandbox"] if sandbox else []),
                                       capture_output=True, text=True, timeout=60)
                    written, executed = os.path.exists(names["WRITTEN"]), os.path.exists(names["EXECUTED"])
                    if sandbox:
                        check(f"-ct-sandbox ({backend}): reads, but writes no file, runs no program, opens no socket",
                              p.returncode == 1 and not written and not executed, f"exit {p.returncode}\n{p.stderr}")
                    else:
                        check(f"without -ct-sandbox ({backend}) the same code writes and runs",
                              p.returncode in (11, 1) and written and executed, f"exit {p.returncode}\n{p.stderr}")

    print(f"{len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
