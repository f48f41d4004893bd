#!/usr/bin/env python3
"""CTest smoke test of the differential fuzzer: a fixed list of seeds through difftest.py.

    smoke.py --thrustc T [--seeds tests/fuzz/smoke_seeds.txt] [--out DIR] [--max-seeds N]

Every seed of smoke_seeds.txt (one per line: `SEED [--no-FEATURE ...]`, `#` starts a comment)
is generated and run through every configuration that this thrustc has; any finding fails the
test (exit 1) and is saved under --out (default: a temporary directory, printed). Without an AOT
backend (the AArch64 cross build) the AOT configurations are skipped and said so. Under an
emulator (thrustc is a wrapper script running qemu) only the first --emulated-seeds seeds run
(default 4), since every thrustc run is much slower there.
"""
import argparse
import os
import shlex
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import difftest  # noqa: E402
import gen  # noqa: E402


def read_seeds(path):
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        words = shlex.split(line)
        feats = set(gen.FEATURES)
        for w in words[1:]:
            if not w.startswith("--no-") or w[5:].replace("-", "_") not in gen.FEATURES:
                raise SystemExit(f"{path}: unknown option {w}")
            feats.discard(w[5:].replace("-", "_"))
        out.append((int(words[0]), feats, words[1:]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--thrustc", required=True)
    ap.add_argument("--seeds", default=os.path.join(HERE, "smoke_seeds.txt"))
    ap.add_argument("--out", help="save findings here (default: a temporary directory)")
    ap.add_argument("--max-seeds", type=int, help="run only the first N seeds")
    ap.add_argument("--emulated-seeds", type=int, default=4,
                    help="seeds to run when thrustc runs under an emulator (4)")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds per step (10; 60 under an emulator)")
    opts = ap.parse_args()
    t0 = time.monotonic()
    thrustc = os.path.abspath(opts.thrustc)
    emulated = difftest.is_emulated(thrustc)
    seeds = read_seeds(opts.seeds)
    limit = opts.max_seeds or (opts.emulated_seeds if emulated else None)
    if limit:
        seeds = seeds[:limit]
    timeout = opts.timeout or (60.0 if emulated else 10.0)
    configs, note = difftest.default_configs(thrustc)
    print(f"fuzz smoke: {len(seeds)} seeds from {os.path.relpath(opts.seeds)}"
          + (" (under an emulator)" if emulated else ""))
    print(f"configurations: {', '.join(configs)}")
    if note:
        print(note)
    out = opts.out or tempfile.mkdtemp(prefix="fuzz-smoke-")
    failures = 0
    for seed, feats, flags in seeds:
        t = time.monotonic()
        program = gen.generate(seed, feats)
        results, sig, _ = difftest.test_program(thrustc, program, configs, timeout)
        label = f"seed {seed}" + (" " + " ".join(flags) if flags else "")
        lines = program.count("\n")
        if sig:
            failures += 1
            d = difftest.save_finding(out, f"{sig['kind']}-seed{seed}", program, results, sig,
                                      seed, feats, note)
            print(f"FAIL {label}: {sig['kind']} in {', '.join(sig['configs'])}")
            for k, v in sig["detail"].items():
                print(f"    {k}: {v}")
            print(f"    saved in {d}")
        else:
            checks = results[0]["stdout"].count("\n")
            print(f"ok   {label}: {lines} lines, {checks} output lines, exit {results[0]['status']},"
                  f" {len(results)} configurations agree ({time.monotonic() - t:.1f} s)")
        sys.stdout.flush()
    print(f"{len(seeds) - failures}/{len(seeds)} seeds agree on every configuration "
          f"in {time.monotonic() - t0:.1f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
