#!/usr/bin/env python3
"""Fuzzing campaign: generated programs through difftest.py for a while, on several workers.

    fuzz.py --thrustc T --minutes N --jobs J --out DIR [--cpu-minutes C] [--seed-start S]
            [--no-reduce] [--reduce-seconds 300] [--configs a,b] [--no-FEATURE ...]

Seeds S, S+1, ... (S defaults to one derived from the clock; every finding records its seed).
thrustc and its plugins are copied to a private directory first, so rebuilding the tree during a
campaign does not change the binary under test. Each finding is saved as DIR/<kind>-seed<N>/
(program, every configuration's command, stdout, stderr and status, summary.txt, finding.json).
When the time is up, each new finding is reduced (reduce.py) unless --no-reduce: findings with a
signature already reduced in this campaign, or matching a known open bug, are not reduced again.
With --cpu-minutes the campaign also stops once it has used C minutes of CPU time (the
generator, thrustc and the programs it built, user + system), so that a campaign on a busy
machine can be counted in CPU-hours. Prints progress every 30 s and a final summary; writes it to DIR/campaign.txt too. Exit status
0 (findings are reported, not failures: look at the summary).
"""
import argparse
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import difftest  # noqa: E402
import gen  # noqa: E402
import reduce as reducer  # noqa: E402


class Campaign:
    def __init__(self, opts, thrustc, configs, features):
        self.opts, self.thrustc, self.configs, self.features = opts, thrustc, configs, features
        self.lock = threading.Lock()
        self.next_seed = opts.seed_start
        self.programs = 0
        self.findings = []          # (seed, signature, dir, known)
        self.gen_errors = []
        self.stop_at = time.monotonic() + opts.minutes * 60
        self.t0 = time.monotonic()
        self.cpu0 = cpu_seconds()

    def cpu(self):
        return cpu_seconds() - self.cpu0

    def running(self):
        if time.monotonic() >= self.stop_at:
            return False
        return self.opts.cpu_minutes is None or self.cpu() < self.opts.cpu_minutes * 60

    def take_seed(self):
        with self.lock:
            s = self.next_seed
            self.next_seed += 1
            return s

    def worker(self):
        while self.running():
            seed = self.take_seed()
            try:
                program = gen.generate(seed, self.features)
            except Exception as e:   # a generator bug: record it and go on
                with self.lock:
                    self.gen_errors.append((seed, repr(e)))
                continue
            results, sig, note = difftest.test_program(self.thrustc, program, self.configs,
                                                       self.opts.timeout)
            with self.lock:
                self.programs += 1
            if sig:
                known = difftest.known_bug(results)
                d = difftest.save_finding(self.opts.out, f"{sig['kind']}-seed{seed}", program,
                                          results, sig, seed, self.features, note)
                with self.lock:
                    self.findings.append((seed, sig, d, known))
                    print(f"  finding: {sig['kind']} in {', '.join(sig['configs'])} "
                          f"(seed {seed}{', known: ' + known if known else ''}) -> {d}", flush=True)

    def progress(self):
        el = time.monotonic() - self.t0
        with self.lock:
            n, f = self.programs, len(self.findings)
        return (f"{el / 60:5.1f} min ({self.cpu() / 60:.1f} CPU min): {n} programs, "
                f"{n / max(el, 1e-9):.2f}/s, {f} findings")


def cpu_seconds():
    """User + system CPU time of this process and every child it has waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 2)[2])
    ap.add_argument("--thrustc", required=True)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--cpu-minutes", type=float, default=None,
                    help="also stop after this much CPU time (all processes)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed-start", type=int, default=None)
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per step")
    ap.add_argument("--configs", help="comma-separated subset of: " + ", ".join(difftest.CONFIGS))
    ap.add_argument("--no-reduce", action="store_true", help="do not reduce the findings")
    ap.add_argument("--reduce-seconds", type=float, default=300,
                    help="time limit of one reduction (300)")
    gen.add_feature_args(ap)
    opts = ap.parse_args()
    if opts.seed_start is None:
        opts.seed_start = int(time.time()) % 1_000_000 * 1000
    os.makedirs(opts.out, exist_ok=True)
    features = gen.features_from_args(opts)
    thrustc = difftest.snapshot(os.path.abspath(opts.thrustc))
    if opts.configs:
        configs, note = opts.configs.split(","), ""
    else:
        configs, note = difftest.default_configs(thrustc)
    off = sorted(set(gen.FEATURES) - features)
    print(f"fuzz: {opts.minutes:g} min on {opts.jobs} workers, seeds from {opts.seed_start}, "
          f"thrustc snapshot {thrustc}")
    print(f"configurations: {', '.join(configs)}" + (f"; {note}" if note else ""))
    if off:
        print("features off: " + ", ".join(off))
    sys.stdout.flush()

    c = Campaign(opts, thrustc, configs, features)
    threads = [threading.Thread(target=c.worker, daemon=True) for _ in range(opts.jobs)]
    for t in threads:
        t.start()
    last = time.monotonic()
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        if time.monotonic() - last >= 30:
            print(c.progress(), flush=True)
            last = time.monotonic()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - c.t0
    cpu = c.cpu()
    seeds_end = c.next_seed - 1

    # Reduce the new findings: one per signature, known bugs left alone.
    reduced, lines = [], []
    if not opts.no_reduce:
        done = []
        for seed, sig, d, known in sorted(c.findings):
            if known:
                continue
            if any(difftest.same_signature(s, sig) for s in done):
                continue
            done.append(sig)
            print(f"reducing {d} ...", flush=True)
            try:
                r = reducer.reduce_finding(d, thrustc, max_seconds=opts.reduce_seconds,
                                           timeout=min(opts.timeout, 5.0), log=print)
                reduced.append((d, r))
            except Exception as e:
                print(f"  reduction failed: {e!r}")

    lines.append(f"programs: {c.programs} (seeds {opts.seed_start}..{seeds_end}) in "
                 f"{elapsed / 60:.1f} min on {opts.jobs} workers: {c.programs / elapsed:.2f} "
                 f"programs/s, {cpu / 60:.1f} CPU min ({cpu / max(c.programs, 1):.2f} CPU s "
                 f"per program, every configuration)")
    lines.append(f"configurations: {', '.join(configs)}" + (f"; {note}" if note else ""))
    if off:
        lines.append("features off: " + ", ".join(off))
    lines.append(f"findings: {len(c.findings)} "
                 f"({sum(1 for f in c.findings if f[3])} matching known open bugs)")
    kinds = {}
    for seed, sig, d, known in c.findings:
        key = (sig["kind"], tuple(sig["configs"]), known)
        kinds.setdefault(key, []).append(seed)
    for (kind, cfgs, known), seeds in sorted(kinds.items()):
        lines.append(f"  {kind} in {', '.join(cfgs)}{' [known: ' + known + ']' if known else ''}: "
                     f"{len(seeds)} (seeds {', '.join(map(str, seeds[:8]))}"
                     f"{', ...' if len(seeds) > 8 else ''})")
    for d, r in reduced:
        lines.append(f"  reduced {d}: {r['lines_before']} -> {r['lines_after']} lines, "
                     f"{r['tokens_after']} tokens ({r['seconds']:.0f} s)")
    if c.gen_errors:
        lines.append(f"generator errors: {len(c.gen_errors)} (first: seed {c.gen_errors[0][0]}: "
                     f"{c.gen_errors[0][1]})")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(opts.out, "campaign.txt"), "a") as f:
        f.write(time.strftime("%Y-%m-%d %H:%M:%S ") + "\n" + text + "\n")
    print("summary:\n" + text, end="")


if __name__ == "__main__":
    main()
