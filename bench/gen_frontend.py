#!/usr/bin/env python3
"""Generates the frontend benchmark input: a valid Thrust program of about N lines of ordinary
code (structs, functions with locals, loops, if/elif/else, arithmetic, field and array access,
calls, a `main`), with no compile-time evaluation beyond literal array lengths, so timing
`thrustc -check` on it measures the frontend (lex, parse, check, lower).

    python3 bench/gen_frontend.py [--lines 100000] [--seed 1] [--lang thrust|c] > gen.thrust

`--lang c` prints a C program of the same shape, the `gcc -fsyntax-only` baseline in
bench/run.sh. The output is deterministic for a given seed. The generated program also runs: it
terminates quickly (no recursion, call depth <= 2, small loops) and prints one checksum.
"""
import argparse
import random

STRUCT_FIELDS = [("x", "s32"), ("y", "s32"), ("w", "s64"), ("scale", "f64")]


class Out:
    """Collects lines for one language; the helpers spell each construct in Thrust or C."""

    def __init__(self, lang):
        self.lang = lang
        self.lines = []
        self.depth = 0

    def emit(self, text):
        self.lines.append("    " * self.depth + text)

    def open(self, text):
        self.emit(text)
        self.depth += 1

    def close(self, text="}"):
        self.depth -= 1
        self.emit(text)

    def ty(self, t):
        if self.lang == "thrust":
            return t
        c = {"s32": "int32_t", "s64": "int64_t", "u32": "uint32_t", "f64": "double", "bool": "bool"}
        if t.startswith("ptr["):
            return self.ty(t[4:-1]) + "*"
        return c.get(t, t)

    def var(self, name, t, init):
        if self.lang == "thrust":
            self.emit(f"var {name}: {t} = {init};")
        else:
            self.emit(f"{self.ty(t)} {name} = {init};")

    def array(self, name, t, n):
        if self.lang == "thrust":
            self.emit(f"var {name}: array[{t}; {n}];")
        else:
            self.emit(f"{self.ty(t)} {name}[{n}] = {{0}};")

    def fn(self, name, params, ret):
        if self.lang == "thrust":
            ps = ", ".join(f"{p}: {t}" for p, t in params)
            self.open(f"fn {name}({ps}) {ret} {{")
        else:
            ps = ", ".join(f"{self.ty(t)} {p}" for p, t in params) or "void"
            self.open(f"{self.ty(ret)} {name}({ps}) {{")

    def for_(self, i, lo, hi):
        if self.lang == "thrust":
            self.open(f"for var {i}: s32 = {lo}; {i} < {hi}; {i}++; {{")
        else:
            self.open(f"for (int32_t {i} = {lo}; {i} < {hi}; {i}++) {{")

    def while_(self, cond):
        self.open(f"while {cond} {{" if self.lang == "thrust" else f"while ({cond}) {{")

    def if_(self, cond):
        self.open(f"if {cond} {{" if self.lang == "thrust" else f"if ({cond}) {{")

    def elif_(self, cond):
        self.depth -= 1
        self.open(f"}} elif {cond} {{" if self.lang == "thrust" else f"}} else if ({cond}) {{")

    def else_(self):
        self.depth -= 1
        self.open("} else {")

    # Expressions.
    def field(self, base, f, through_ptr=False):
        if self.lang == "thrust":
            return f"(deref {base}.{f})"
        return f"{base}->{f}" if through_ptr else f"{base}.{f}"

    def set_field(self, base, f, value, through_ptr=False):
        if self.lang == "thrust":
            self.emit(f"{base}.{f} = {value};")
        else:
            self.emit(f"{base}{'->' if through_ptr else '.'}{f} = {value};")

    def index(self, a, i):
        return f"(deref {a}[{i}])" if self.lang == "thrust" else f"{a}[{i}]"

    def cast(self, e, t):
        return f"({e} as {t})" if self.lang == "thrust" else f"(({self.ty(t)})({e}))"

    def ref(self, e):
        return f"ref {e}" if self.lang == "thrust" else f"&{e}"

    def new(self, s, inits):
        if self.lang == "thrust":
            return f"new {s} {{ " + ", ".join(f"{k}: {v}" for k, v in inits) + " }"
        return f"({s}){{ " + ", ".join(f".{k} = {v}" for k, v in inits) + " }"


def gen_struct(out, name):
    if out.lang == "thrust":
        out.open(f"struct {name} {{")
        for f, t in STRUCT_FIELDS:
            out.emit(f"{f}: {t},")
    else:
        out.open(f"typedef struct {name} {{")
        for f, t in STRUCT_FIELDS:
            out.emit(f"{out.ty(t)} {f};")
    out.close("}" if out.lang == "thrust" else f"}} {name};")
    out.emit("")


def rand_arith(rng, names):
    """An s32 arithmetic expression over `names` with small literals; divisions by literals only."""
    a, b = rng.choice(names), rng.choice(names)
    k = rng.randint(1, 97)
    return rng.choice([
        f"({a} + {b}) * {k % 7 + 1}",
        f"{a} * {k} - {b}",
        f"({a} ^ {b}) + ({a} & {k})",
        f"{a} / {k % 9 + 1} + {b} % {k % 5 + 2}",
        f"({a} << {k % 4}) | ({b} >> {k % 3})",
        f"{a} - {b} * {k % 11}",
    ])


def gen_arith_fn(out, rng, name):
    out.fn(name, [("a", "s32"), ("b", "s32")], "s32")
    out.var("acc", "s32", rand_arith(rng, ["a", "b"]))
    out.var("i", "s32", "0")
    limit = rng.randint(3, 12)
    out.while_(f"i < {limit}")
    out.if_(f"(acc & 1) == 0")
    out.emit(f"acc = acc / 2 + ({rand_arith(rng, ['i', 'b'])});")
    out.elif_(f"acc > {rng.randint(100, 10000)}")
    out.emit(f"acc = acc - {rng.randint(1, 500)};")
    out.else_()
    out.emit(f"acc = acc * 3 + {rng.randint(1, 9)};")
    out.close()
    out.emit("i++;")
    out.close()
    out.var("tail", "s32", rand_arith(rng, ["acc", "a", "b"]))
    out.emit("return acc ^ tail;")
    out.close()
    out.emit("")


def gen_struct_fn(out, rng, name, sname):
    out.fn(name, [("p", f"ptr[{sname}]"), ("k", "s32")], "s64")
    out.set_field("p", "x", f"{out.field('p', 'x', True)} + k", True)
    out.set_field("p", "y", f"{out.field('p', 'y', True)} * {rng.randint(2, 5)} - k", True)
    out.var("local", sname, out.new(sname, [("x", "k"), ("y", str(rng.randint(1, 99))), ("w", "0"),
                                            ("scale", "1.5")]))
    out.for_("j", "0", str(rng.randint(2, 8)))
    out.set_field("local", "w", f"{out.field('local', 'w')} + {out.cast(out.field('p', 'x', True), 's64')}")
    out.set_field("local", "scale", f"{out.field('local', 'scale')} * 0.5 + 1.0")
    out.close()
    out.if_(f"{out.field('local', 'scale')} > 2.0")
    out.set_field("p", "w", f"{out.field('local', 'w')} + {rng.randint(1, 1000)}", True)
    out.else_()
    out.set_field("p", "w", f"{out.field('local', 'w')} - {rng.randint(1, 1000)}", True)
    out.close()
    out.emit(f"return {out.field('p', 'w', True)} + {out.cast(out.field('local', 'y'), 's64')};")
    out.close()
    out.emit("")


def gen_array_fn(out, rng, name):
    n = rng.choice([4, 8, 16])
    out.fn(name, [("seed", "s32")], "s32")
    out.array("buf", "s32", n)
    out.for_("i", "0", str(n))
    out.emit(f"buf[i] = seed * i + {rng.randint(0, 50)};")
    out.close()
    out.var("best", "s32", out.index("buf", "0"))
    out.var("sum", "s32", "0")
    out.for_("i", "1", str(n))
    out.var("v", "s32", out.index("buf", "i"))
    out.if_("v > best")
    out.emit("best = v;")
    out.close()
    out.emit("sum += v;")
    out.close()
    out.emit(f"return sum - best + ({rand_arith(rng, ['seed', 'sum'])});")
    out.close()
    out.emit("")


def gen_float_fn(out, rng, name):
    out.fn(name, [("x", "f64"), ("n", "s32")], "f64")
    out.var("r", "f64", f"x * {rng.randint(1, 9)}.25")
    out.for_("i", "0", "n")
    out.emit(f"r = r * 0.5 + {out.cast('i', 'f64')} / {rng.randint(2, 9)}.0;")
    out.if_(f"r > {rng.randint(10, 99)}.0")
    out.emit("r = r - 10.0;")
    out.close()
    out.close()
    out.emit("return r;")
    out.close()
    out.emit("")


def gen_branchy_fn(out, rng, name):
    """An elif chain over a counter, `loop` with break and continue, and a static counter."""
    out.fn(name, [("n", "s32")], "s32")
    out.var("steps", "s32", "0")
    out.var("v", "s32", f"n + {rng.randint(1, 30)}")
    out.open("loop {" if out.lang == "thrust" else "for (;;) {")
    out.emit("steps++;")
    out.if_(f"steps > {rng.randint(5, 40)}")
    out.emit("break;")
    out.close()
    out.if_(f"v % {rng.randint(2, 5)} == 0")
    out.emit(f"v = v / 2 + {rng.randint(0, 9)};")
    out.emit("continue;")
    out.close()
    ks = sorted(rng.sample(range(1, 200), 4))
    out.if_(f"v < {ks[0]}")
    out.emit(f"v += {rng.randint(1, 20)};")
    for k in ks[1:]:
        out.elif_(f"v < {k}")
        out.emit(f"v = v * 2 - {rng.randint(1, k)};")
    out.else_()
    out.emit(f"v = v - {ks[-1] // 2};")
    out.close()
    out.close()
    out.emit("g_calls += 1;")
    out.emit("return v + steps;")
    out.close()
    out.emit("")


def gen_caller_fn(out, rng, name, leaves, sname):
    """Calls only leaf functions, so the call depth stays at 2 and the program runs quickly."""
    out.fn(name, [("n", "s32")], "s64")
    out.var("s", sname, out.new(sname, [("x", "n"), ("y", "1"), ("w", "0"), ("scale", "2.0")]))
    out.var("total", "s64", "0")
    for _ in range(rng.randint(2, 4)):
        kind, callee, callee_struct = rng.choice(leaves)
        if kind == "arith":
            out.emit(f"total += {out.cast(f'{callee}(n, {rng.randint(1, 50)})', 's64')};")
        elif kind in ("array", "branchy"):
            out.emit(f"total += {out.cast(f'{callee}(n + {rng.randint(0, 9)})', 's64')};")
        elif kind == "float":
            out.emit(f"total += {out.cast(f'{callee}(1.5, {rng.randint(1, 6)})', 's64')};")
        elif callee_struct == sname:
            out.emit(f"total += {callee}({out.ref('s')}, n);")
    out.emit(f"total += {out.cast(out.field('s', 'x'), 's64')};")
    out.if_("total < 0")
    out.emit("total = -total;")
    out.close()
    out.emit("return total % 1000003;")
    out.close()
    out.emit("")


def generate(lines, seed, lang):
    rng = random.Random(seed)
    out = Out(lang)
    if lang == "thrust":
        out.emit("// Generated by bench/gen_frontend.py: the frontend benchmark input.")
        out.emit('fn printf(fmt: const array[char]) s32 @extern("printf") @arbitraryArgs;')
    else:
        out.emit("// Generated by bench/gen_frontend.py --lang c: the gcc -fsyntax-only baseline.")
        out.emit("#include <stdbool.h>")
        out.emit("#include <stdint.h>")
        out.emit("#include <stdio.h>")
    out.emit("")
    out.emit("static mut g_calls: s64 = 0;" if lang == "thrust" else "static int64_t g_calls = 0;")
    out.emit("")
    structs = [f"Rec{i}" for i in range(8)]
    for s in structs:
        gen_struct(out, s)
    leaves, callers = [], []
    index = 0
    # main takes one line per caller plus a few; stop when the whole program reaches `lines`.
    while len(out.lines) + len(callers) + 6 < lines:
        name = f"f{index}"
        index += 1
        kind = rng.choice(["arith", "arith", "struct", "array", "float", "branchy", "caller"])
        sname = rng.choice(structs)
        if kind == "caller" and leaves:
            gen_caller_fn(out, rng, name, leaves[-40:], sname)
            callers.append(name)
        elif kind == "caller" or kind == "arith":
            gen_arith_fn(out, rng, name)
            leaves.append(("arith", name, None))
        elif kind == "struct":
            gen_struct_fn(out, rng, name, sname)
            leaves.append(("struct", name, sname))
        elif kind == "array":
            gen_array_fn(out, rng, name)
            leaves.append(("array", name, None))
        elif kind == "branchy":
            gen_branchy_fn(out, rng, name)
            leaves.append(("branchy", name, None))
        else:
            gen_float_fn(out, rng, name)
            leaves.append(("float", name, None))
    out.fn("main", [], "s32")
    out.var("check", "s64", "0")
    for c in callers:
        out.emit(f"check = (check * 31 + {c}({rng.randint(1, 100)})) % 1000000007;")
    if lang == "thrust":
        out.emit('printf("checksum %ld calls %ld\\n", check, g_calls);')
    else:
        out.emit('printf("checksum %ld calls %ld\\n", (long)check, (long)g_calls);')
    out.emit("return 0;")
    out.close()
    return "\n".join(out.lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=100000, help="approximate program length")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lang", choices=["thrust", "c"], default="thrust")
    opts = ap.parse_args()
    print(generate(opts.lines, opts.seed, opts.lang), end="")


if __name__ == "__main__":
    main()
