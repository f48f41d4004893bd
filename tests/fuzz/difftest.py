#!/usr/bin/env python3
"""Differential runner: one Thrust program through every thrustc configuration.

    difftest.py --thrustc T --seed N [--no-FEATURE ...] [--out DIR]   # a generated program
    difftest.py --thrustc T prog.thrust [--out DIR]                   # any program

Configurations (stdout and exit status compared with the reference, `interp`):
    interp          thrustc -interp -ct-backend interp     the interpreter runs everything
    interp-ctjit    thrustc -interp                        compile-time code on the JIT
    jit             thrustc -jit                           compile-time JIT + JIT
    jit-ctinterp    thrustc -jit -ct-backend interp
    aot-O0          thrustc prog -O0 -o exe; ./exe         (compile-time output + program output)
    aot-O2          thrustc prog -O2 -o exe; ./exe
    aot-O2-ctinterp thrustc prog -O2 -ct-backend interp -o exe; ./exe
The AOT configurations are skipped, with a note, when thrustc has no AOT backend (the AArch64
cross build). Each step has a time limit (--timeout, 10 s).

Result of each configuration: ran (exit status, stdout), rejected (thrustc reported errors in the
program), crash (thrustc or the executable died by a signal, exit 70, "internal error", an
assertion), hang (time limit), trap (the program trapped or died: never expected of a generated
program), unsupported ("not supported yet"). The finding kind is the worst of these, in the
order crash, hang, unsupported, rejected, trap, then disagreement (outputs differ), then
selfcheck (a `FZ-MISMATCH` line: a compile-time value differs from the same computation at run
time). Exit status: 0 no finding, 1 finding (saved under --out), 2 usage.
"""
import argparse
import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402

CONFIGS = {
    "interp": ["-interp", "-ct-backend", "interp"],
    "interp-ctjit": ["-interp"],
    "jit": ["-jit"],
    "jit-ctinterp": ["-jit", "-ct-backend", "interp"],
    "aot-O0": ["-O0"],
    "aot-O2": ["-O2"],
    "aot-O2-ctinterp": ["-O2", "-ct-backend", "interp"],
}
REFERENCE = "interp"
AOT = {"aot-O0", "aot-O2", "aot-O2-ctinterp"}
KIND_ORDER = ["crash", "hang", "unsupported", "rejected", "trap", "disagreement", "selfcheck"]

# Open compiler bugs that a finding may match; the campaign counts them apart and does not
# reduce them again.
KNOWN = [
    ("issue10-finding2-interp-packed-aggregate",
     re.compile(r"not supported yet: (passing the aggregate .*(packed|over-aligned)|"
                r"C calls with the packed or over-aligned aggregate)")),
]

ENV = dict(os.environ, NO_COLOR="1")


# ------------------------------------------------------------------------------ the binary

def is_emulated(thrustc):
    """A wrapper script (the cross build's bin/thrustc-emulated) rather than an ELF binary."""
    try:
        with open(thrustc, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return head.startswith(b"#!") and b"qemu" in head


def snapshot(thrustc):
    """A private copy of thrustc and the plugins beside it, removed at exit, so that a rebuild
    of the tree during a campaign cannot change the binary under test. A wrapper script is
    used as it is."""
    with open(thrustc, "rb") as f:
        if f.read(4) != b"\x7fELF":
            return thrustc
    src = os.path.dirname(os.path.abspath(thrustc))
    dst = tempfile.mkdtemp(prefix="thrustc-snapshot-")
    atexit.register(shutil.rmtree, dst, True)
    for name in os.listdir(src):
        p = os.path.join(src, name)
        if os.path.isfile(p) and (name == os.path.basename(thrustc) or name.endswith(".so")
                                  or ".so." in name):
            shutil.copy2(p, os.path.join(dst, name))
    return os.path.join(dst, os.path.basename(thrustc))


_aot_cache = {}


def aot_available(thrustc):
    """(True, "") when thrustc can build an executable, else (False, why)."""
    if thrustc in _aot_cache:
        return _aot_cache[thrustc]
    with tempfile.TemporaryDirectory(prefix="fz-aot-") as tmp:
        src = os.path.join(tmp, "t.thrust")
        with open(src, "w") as f:
            f.write("fn main() s32 @public { return 0; }\n")
        try:
            p = subprocess.run([thrustc, src, "-o", os.path.join(tmp, "t")], capture_output=True,
                               env=ENV, timeout=60, cwd=tmp)
            ok = p.returncode == 0 and os.path.exists(os.path.join(tmp, "t"))
            why = "" if ok else (p.stderr.decode(errors="replace").strip().split("\n") or [""])[0]
        except subprocess.TimeoutExpired:
            ok, why = False, "a trivial AOT compilation timed out"
    _aot_cache[thrustc] = (ok, why or "no AOT backend")
    return _aot_cache[thrustc]


def default_configs(thrustc):
    ok, why = aot_available(thrustc)
    names = [c for c in CONFIGS if ok or c not in AOT]
    note = "" if ok else f"AOT configurations skipped: {why}"
    return names, note


# ------------------------------------------------------------------------------ running

def run_step(cmd, timeout, cwd, retry=True):
    """One command under a wall-clock limit. A step that runs out of time is run once more with
    four times the limit: on a loaded machine (a fuzz run niced under a build) a step can wait
    for a core longer than it runs, and only a step that times out twice is a hang."""
    step = run_once(cmd, timeout, cwd)
    if step["timeout"] and retry:
        step = run_once(cmd, timeout * 4, cwd)
        step["retried"] = True
    return step


def run_once(cmd, timeout, cwd):
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, env=ENV, timeout=timeout, cwd=cwd)
        return {"cmd": cmd, "status": p.returncode, "stdout": p.stdout.decode(errors="replace"),
                "stderr": p.stderr.decode(errors="replace"), "time": time.monotonic() - t0,
                "timeout": False}
    except subprocess.TimeoutExpired as e:
        return {"cmd": cmd, "status": None,
                "stdout": (e.stdout or b"").decode(errors="replace"),
                "stderr": (e.stderr or b"").decode(errors="replace"),
                "time": time.monotonic() - t0, "timeout": True}


CRASH_TEXT = re.compile(r"internal error|Assertion .* failed|assertion failed|"
                        r"AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:|"
                        r"terminate called|Aborted|core dumped|LLVM ERROR|PLEASE submit a bug",
                        re.I)
DIAG_CODE = re.compile(r"error: .*\[(\w+)\]")


def classify_step(step, compiling):
    """The class of one thrustc/executable run: ran, rejected, crash, hang, trap, unsupported."""
    if step["timeout"]:
        return "hang", f"timeout after {step['time']:.1f} s"
    st, err = step["status"], step["stderr"]
    m = CRASH_TEXT.search(err)
    if m:
        return "crash", m.group(0)
    if st < 0:
        return "crash", f"signal {-st}"
    if st == 70:
        return "crash", "exit 70"
    if "not supported yet" in err:
        line = next(l for l in err.split("\n") if "not supported yet" in l)
        return "unsupported", re.sub(r"`[^`]*`", "`_`", line.split("not supported yet", 1)[1])[:120]
    if compiling:
        if st == 0:
            return "ran", ""
        if st == 1 and "error" in err:
            m = DIAG_CODE.search(err)
            return "rejected", m.group(1) if m else "error"
        return "crash", f"compiler exit {st}"
    # Running: generated programs return 32..63 from main.
    if st == 1 and "error" in err:
        m = DIAG_CODE.search(err)
        return "rejected", m.group(1) if m else "error"
    if st >= 128 or "program failed" in err:
        m = DIAG_CODE.search(err)
        return "trap", (m.group(1) if m else f"exit {st}")
    return "ran", ""


def run_config(thrustc, name, path, tmp, timeout):
    flags = CONFIGS[name]
    if name not in AOT:
        step = run_step([thrustc] + flags + [path], timeout, tmp)
        klass, detail = classify_step(step, compiling=False)
        return {"config": name, "steps": [step], "class": klass, "detail": detail,
                "stdout": step["stdout"], "status": step["status"]}
    exe = os.path.join(tmp, "exe-" + name)
    comp = run_step([thrustc, path] + flags + ["-o", exe], timeout, tmp)
    klass, detail = classify_step(comp, compiling=True)
    if klass != "ran":
        return {"config": name, "steps": [comp], "class": klass, "detail": detail,
                "stdout": comp["stdout"], "status": comp["status"]}
    run = run_step([exe], timeout, tmp)
    klass, detail = classify_step(run, compiling=False)
    if klass == "crash" and run["status"] is not None and run["status"] < 0:
        detail = f"executable {detail}"
    return {"config": name, "steps": [comp, run], "class": klass, "detail": detail,
            # Compile-time output is printed by the compilation, as -jit prints it first.
            "stdout": comp["stdout"] + run["stdout"], "status": run["status"]}


def run_all(thrustc, program, configs, timeout=10.0):
    """Runs program (text) through configs; returns the list of per-config results."""
    with tempfile.TemporaryDirectory(prefix="fz-") as tmp:
        path = os.path.join(tmp, "prog.thrust")
        with open(path, "w") as f:
            f.write(program)
        return [run_config(thrustc, c, path, tmp, timeout) for c in configs]


# ------------------------------------------------------------------------------ verdicts

def known_bug(results):
    for r in results:
        text = "\n".join(s["stderr"] for s in r["steps"])
        for label, rx in KNOWN:
            if rx.search(text):
                return label
    return None


def verdict(results):
    """None when every configuration agrees and none printed FZ-MISMATCH, else a signature:
    {"kind", "configs" (the configurations showing it), "detail" {config: text}}."""
    bad = [r for r in results if r["class"] != "ran"]
    if bad:
        kind = min((r["class"] for r in bad), key=KIND_ORDER.index)
        return {"kind": kind, "configs": sorted(r["config"] for r in bad),
                "detail": {r["config"]: f"{r['class']}: {r['detail']}" for r in bad}}
    ref = next((r for r in results if r["config"] == REFERENCE), results[0])
    differ = [r for r in results if (r["stdout"], r["status"]) != (ref["stdout"], ref["status"])]
    if differ:
        return {"kind": "disagreement", "configs": sorted(r["config"] for r in differ),
                "detail": {r["config"]: first_difference(ref, r) for r in differ}}
    mism = [r for r in results if "FZ-MISMATCH" in r["stdout"]]
    if mism:
        lines = sorted({l.split()[1] for l in ref["stdout"].split("\n") if l.startswith("FZ-MISMATCH")})
        return {"kind": "selfcheck", "configs": sorted(r["config"] for r in mism),
                "detail": {"labels": " ".join(lines)}}
    return None


def first_difference(ref, r):
    if r["status"] != ref["status"]:
        pre = f"exit {r['status']} (reference {ref['status']}); "
    else:
        pre = ""
    a, b = ref["stdout"].split("\n"), r["stdout"].split("\n")
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else "<none>"
        y = b[i] if i < len(b) else "<none>"
        if x != y:
            return pre + f"line {i + 1}: {y!r} (reference {x!r})"
    return pre.rstrip("; ")


def same_signature(a, b):
    """Is b the same finding as a? Kind and configurations must match; crashes, rejections
    and unsupported features also keep their detail (crash kind, diagnostic code)."""
    if a is None or b is None or a["kind"] != b["kind"] or a["configs"] != b["configs"]:
        return False
    if a["kind"] in ("crash", "rejected", "unsupported", "trap", "hang"):
        return all(strip_detail(a["detail"].get(c)) == strip_detail(b["detail"].get(c))
                   for c in a["configs"])
    return True


def strip_detail(d):
    return re.sub(r"\d+(\.\d+)? s\b", "", d or "")


# ------------------------------------------------------------------------------ saving

def save_finding(out_dir, name, program, results, sig, seed=None, features=None, note=""):
    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "program.thrust"), "w") as f:
        f.write(program)
    meta = {"seed": seed, "features_off": sorted(set(gen.FEATURES) - set(features))
            if features is not None else [], "signature": sig,
            "configs": [r["config"] for r in results], "known": known_bug(results)}
    with open(os.path.join(d, "finding.json"), "w") as f:
        json.dump(meta, f, indent=1)
    for r in results:
        for i, s in enumerate(r["steps"]):
            base = os.path.join(d, f"{r['config']}.{'compile' if len(r['steps']) > 1 and i == 0 else 'run'}")
            with open(base + ".stdout", "w") as f:
                f.write(s["stdout"])
            with open(base + ".stderr", "w") as f:
                f.write(s["stderr"])
    with open(os.path.join(d, "summary.txt"), "w") as f:
        f.write(summary_text(results, sig, seed, features, note, meta["known"]))
    return d


def summary_text(results, sig, seed=None, features=None, note="", known=None):
    lines = []
    if seed is not None:
        off = sorted(set(gen.FEATURES) - set(features)) if features is not None else []
        lines.append(f"seed {seed}" + (f" (features off: {', '.join(off)})" if off else ""))
        lines.append("regenerate: python3 tests/fuzz/gen.py " + str(seed)
                     + "".join(" --no-" + o.replace("_", "-") for o in off))
    if sig:
        lines.append(f"finding: {sig['kind']} in {', '.join(sig['configs'])}")
        for k, v in sig["detail"].items():
            lines.append(f"  {k}: {v}")
    else:
        lines.append("no finding: every configuration agrees")
    if known:
        lines.append(f"matches a known open bug: {known}")
    if note:
        lines.append(note)
    lines.append("")
    for r in results:
        lines.append(f"[{r['config']}] {r['class']} {r['detail']} (exit {r['status']})")
        for s in r["steps"]:
            lines.append("  $ " + " ".join(s["cmd"]) + f"   # exit {s['status']}, {s['time']:.2f} s"
                         + (" TIMEOUT" if s["timeout"] else ""))
        err = "\n".join(s["stderr"] for s in r["steps"]).strip()
        if err:
            lines.append("  stderr: " + err[:800].replace("\n", "\n          "))
        lines.append("  stdout: " + str(len(r["stdout"].split("\n")) - 1) + " lines, last: "
                     + repr((r["stdout"].strip().split("\n") or [""])[-1][:100]))
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ one program

def test_program(thrustc, program, configs=None, timeout=10.0):
    """(results, signature or None, note)."""
    note = ""
    if configs is None:
        configs, note = default_configs(thrustc)
    results = run_all(thrustc, program, configs, timeout)
    return results, verdict(results), note


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 2)[2])
    ap.add_argument("--thrustc", required=True)
    ap.add_argument("--seed", type=int, help="test the generated program of this seed")
    ap.add_argument("program", nargs="?", help="test this program instead")
    ap.add_argument("--out", help="save a finding under this directory")
    ap.add_argument("--configs", help="comma-separated subset of: " + ", ".join(CONFIGS))
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per step (10)")
    ap.add_argument("--snapshot", action="store_true", help="run a private copy of thrustc")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the summary")
    gen.add_feature_args(ap)
    opts = ap.parse_args()
    if (opts.seed is None) == (opts.program is None):
        ap.error("give either --seed N or a program file")
    thrustc = os.path.abspath(opts.thrustc)
    thrustc = snapshot(thrustc) if opts.snapshot else thrustc
    features = gen.features_from_args(opts)
    if opts.seed is not None:
        program = gen.generate(opts.seed, features)
    else:
        program = open(opts.program, encoding="utf-8").read()
        features = None
    configs = opts.configs.split(",") if opts.configs else None
    for c in configs or []:
        if c not in CONFIGS:
            ap.error(f"unknown configuration {c}")
    results, sig, note = test_program(thrustc, program, configs, opts.timeout)
    text = summary_text(results, sig, opts.seed, features, note, known_bug(results) if sig else None)
    if opts.verbose or sig:
        sys.stdout.write(text)
    else:
        print(f"ok: {len(results)} configurations agree" + (f" ({note})" if note else ""))
    if sig:
        if opts.out:
            name = f"{sig['kind']}-{'seed' + str(opts.seed) if opts.seed is not None else os.path.basename(opts.program)}"
            d = save_finding(opts.out, name, program, results, sig, opts.seed, features, note)
            print(f"saved in {d}")
        sys.exit(1)


if __name__ == "__main__":
    main()
