#!/usr/bin/env python3
"""Seeded generator of random, valid, deterministic, UB-free Thrust programs.

    python3 tests/fuzz/gen.py SEED [--no-FEATURE ...] > prog.thrust
    import gen; text = gen.generate(seed, features=None)   # None: every feature

The same seed and feature set always give the same program. Every program terminates quickly,
never traps, and prints one line per checked value (`c<N> <u64>`) and a final checksum; `main`
returns 32 + (checksum & 31). Values computed at compile time (constants, statics, `@compiletime`
calls) are also recomputed at run time where the computation is pure, and a difference prints a
line starting with `FZ-MISMATCH` (difftest.py reports it).

The programs follow the current contract (section 17 of the language page): `x++`/`x--` used as
values yield the old value and `++x`/`--x` the new one, `var x := e` infers the type of `e`,
`e->f` and `e->[i]` read fields and elements of structs, pointers and by-value parameters,
generic functions and structs (`fz_pick[T]`, `Box[T]`, `Pair[A, B]`) are instantiated with several
types, `@if`/`@elif`/`@else` chains and `staticAssert` use conditions the generator evaluates
itself, calls may name their arguments, Thrust `@arbitraryArgs` functions read their extras with
the promoted types, `breakall`/`continueall` leave nested loops, `NativeVector` values are built,
indexed, passed and returned, and `@dealloc` locals call a `@deallocator`. There is no chained
assignment and no enum. Literals always stand where their type is fixed (or carry `as T`), so no
literal-only expression has to fit a range; the initialiser of a `var x := e` is typed (or a
literal whose default type is the one wanted).

Safety rules, one per hazard: array indices are constants in range, masked (`& (N-1)`) or
`% N`; divisors are `(e | 1)` (unsigned), `((e & 63) | 1)` (signed) or go through `fz_div_T`,
which checks 0 and -1; shift amounts are masked to [0, 2*width) (>= width is defined, 5.4);
float->int casts go through a clamping `fz_f2i_T`; floats are printed as bits with NaN made
canonical; `memcmp` results are reduced to their sign; loops have constant trip counts and their
counters are read-only in the body (`continueall` is safe: every loop counts first or in its
action); calls only go to functions defined earlier (plus one bounded self-recursion), and a cost
estimate keeps every run short; pointers never outlive what they point to; an increment used as a
value is the only access to memory in its statement (a new local's initialiser, a literal beside
it), so the order of evaluation cannot matter; a variadic function reads exactly the extras it is
passed, each with its promoted type; only the kept branch of an `@if` chain is charged and
trusted, the others may name things that do not exist.
"""
import argparse
import random
import sys

# Feature groups; every one is on by default. `--no-NAME` switches one off.
FEATURES = {
    "floats": "f32/f64 values, arithmetic, int<->float casts (clamped), bit-exact printing",
    "char": "the char type in arithmetic",
    "mixed": "binary operators and comparisons on two different integer types",
    "shifts": "<< and >> including amounts >= the width",
    "divmod": "guarded / and % (inline masks and fz_div/fz_mod helpers)",
    "casts": "integer<->integer and bool->integer casts",
    "structs": "struct types: locals, fields, nested structs, arrays in structs",
    "packed": "@packed structs",
    "packed_fnvalue": "functions with @packed structs in their signature used as function values",
    "struct_params": "structs passed and returned by value",
    "array_params": "fixed arrays passed and returned by value, array[T] runs",
    "arrays": "fixed-array locals with in-range indexing",
    "pointers": "ptr[T] locals and parameters, ref, deref, halloc, pointer arithmetic",
    "loops": "for / while / while var / loop with constant trip counts, break, continue",
    "calls": "calls between the generated functions",
    "recursion": "one bounded self-recursive function",
    "fnvalues": "Fn[...] -> R values: locals, arrays, parameters, indirect calls, comparisons",
    "cfuncs": "C calls: qsort with Thrust comparators, memcmp, sqrt/floor/fabs",
    "memcpy": "memcpy and memset builtins",
    "consts": "global const/static initialisers calling the generated functions",
    "constexpr": "global constants from constant expressions, checked against run time",
    "local_consts": "local const declarations evaluated at compile time",
    "compiletime": "@compiletime functions",
    "statics": "static mut state read and written by functions (also at compile time)",
    "defer": "defer statements",
    "printf": "printf of every scalar type (C variadic promotions), also from compile-time code",
    "strings": "string results of compile-time evaluation (literals and built in a buffer)",
    "layout": "sizeOf of the generated types and pointer differences inside arrays",
    "infer_var": "var x := e declarations (a typed initialiser, a literal with or without `as T`)",
    "arrow": "e->f and e->[i] reads and stores through struct variables, pointers and parameters",
    "postfix_value": "x++ / x-- as values (the old value), ++x / --x (the new one)",
    "generics": "generic functions (explicit and inferred type arguments), Box[T] and Pair[A, B]",
    "ct_if": "@if/@elif/@else in bodies and at top level (function choice), staticAssert",
    "named_args": "calls with named arguments after the positional ones, in any order",
    "variadic": "Thrust @arbitraryArgs functions (hidden count and @noArgCount), promoted extras",
    "breakall": "nested loops left or restarted with breakall / continueall",
    "native_vector": "NativeVector[s32; 4] / [f64; 2] locals, fields, elements, parameters, results",
    "dealloc": "@dealloc locals of a struct with a @deallocator that counts into a static",
}

# --------------------------------------------------------------------------------------- types


class Ty:
    kind = "?"
    text = "?"

    @property
    def key(self):
        return self.text

    def __str__(self):
        return self.text

    def __eq__(self, other):
        return isinstance(other, Ty) and self.key == other.key

    def __hash__(self):
        return hash(self.key)

    def scalar(self):
        return self.kind in ("int", "float", "bool")


class IntTy(Ty):
    kind = "int"

    def __init__(self, name, bits, signed):
        self.text, self.bits, self.signed = name, bits, signed

    @property
    def min(self):
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def max(self):
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1


class FloatTy(Ty):
    kind = "float"

    def __init__(self, name, bits):
        self.text, self.bits = name, bits


class BoolTy(Ty):
    kind = "bool"
    text = "bool"


class StructTy(Ty):
    kind = "struct"

    def __init__(self, name, fields, packed, generic=False):
        self.text, self.fields, self.packed = name, fields, packed
        self.generic = generic      # an instance of Box[T] / Pair[A, B]: no declaration of its own

    @property
    def ident(self):
        """The name as a part of an identifier (helper names)."""
        return self.text.replace("[", "_").replace("]", "").replace(", ", "_").replace(" ", "")

    def has_packed(self):
        return self.packed or any(containing_packed(t) for _, t in self.fields)


class ArrTy(Ty):
    """array[T; N], stored inline."""
    kind = "arr"

    def __init__(self, elem, n):
        self.elem, self.n = elem, n
        self.text = f"array[{elem}; {n}]"


class RunTy(Ty):
    """array[T]: a pointer to a run of at least n elements (n is known to the generator only)."""
    kind = "run"

    def __init__(self, elem, n):
        self.elem, self.n = elem, n
        self.text = f"array[{elem}]"

    @property
    def key(self):
        return f"run[{self.elem}; {self.n}]"


class VecTy(Ty):
    """NativeVector[T; N]: a value; v[i] reads an element, v[i] = e writes one."""
    kind = "vec"

    def __init__(self, elem, n):
        self.elem, self.n = elem, n
        self.text = f"NativeVector[{elem}; {n}]"


class PtrTy(Ty):
    kind = "ptr"

    def __init__(self, elem):
        self.elem = elem
        self.text = f"ptr[{elem}]"


class FnTy(Ty):
    """Fn[P...] -> R, written through its alias `FTn`."""
    kind = "fn"

    def __init__(self, alias, params, ret):
        self.text, self.params, self.ret = alias, params, ret

    @property
    def sig(self):
        return "Fn[" + ", ".join(str(p) for p in self.params) + "] -> " + str(self.ret)

    @property
    def sigkey(self):
        return sig_key([p for p in self.params], self.ret)


def sig_key(params, ret):
    return "Fn[" + ", ".join(p.key for p in params) + "] -> " + ret.key


def box_of(t):
    return StructTy(f"Box[{t}]", [("value", t)], False, True)


def containing_packed(t):
    if isinstance(t, StructTy):
        return t.has_packed()
    if isinstance(t, (ArrTy, RunTy, PtrTy)):
        return containing_packed(t.elem)
    if isinstance(t, FnTy):
        return any(containing_packed(p) for p in t.params) or containing_packed(t.ret)
    return False


INTS = [IntTy("s8", 8, True), IntTy("s16", 16, True), IntTy("s32", 32, True),
        IntTy("s64", 64, True), IntTy("u8", 8, False), IntTy("u16", 16, False),
        IntTy("u32", 32, False), IntTy("u64", 64, False), IntTy("ssize", 64, True),
        IntTy("usize", 64, False)]
CHAR = IntTy("char", 8, True)
F32, F64 = FloatTy("f32", 32), FloatTy("f64", 64)
BOOL = BoolTy()
U64 = INTS[7]
U32 = INTS[6]
U8 = INTS[4]
S32 = INTS[2]
S64 = INTS[3]
VEC_S32 = VecTy(S32, 4)
VEC_F64 = VecTy(F64, 2)
# C's default promotions of a variadic extra (8.2): the type a callee reads it with, and the
# types a caller may pass for it.
PROMOTED = {"s32": ["s8", "s16", "s32", "char", "bool"], "u32": ["u8", "u16", "u32"],
            "s64": ["s64", "ssize"], "u64": ["u64", "usize"], "f64": ["f32", "f64"]}

# ----------------------------------------------------------------------------- scopes and paths


class Var:
    """A named storage: a local, a parameter or a global."""

    def __init__(self, name, ty, writable=True, depth=0, fields=True, bound=None, static=False):
        self.name, self.ty, self.writable, self.depth = name, ty, writable, depth
        self.fields = fields    # fields/elements may be reached (not a by-value struct param)
        self.bound = bound      # loop counters: every value is in [0, bound)
        self.static = static    # a static mut: using it makes the function impure


class Path:
    """A place reached from a variable: steps are ('f', name) or ('i', n)."""

    def __init__(self, var, steps, ty, via_ptr, packed):
        self.var, self.steps, self.ty, self.via_ptr, self.packed = var, steps, ty, via_ptr, packed

    @property
    def writable(self):
        return self.var.writable or self.via_ptr or isinstance(self.var.ty, RunTy)

    def place(self, g, sc):
        if self.var.static and g.cur is not None:
            g.cur.pure = False
        text = self.var.name
        for s in self.steps:
            text += "." + s[1] if s[0] == "f" else "[" + g.index(s[1], sc) + "]"
        return text

    def read(self, g, sc):
        if self.var.static and g.cur is not None:
            g.cur.pure = False
        if self.arrowed(g, 0.35):
            return "(" + self.arrow(g, sc) + ")"
        if not self.steps:
            return f"(deref {self.var.name})" if self.via_ptr else self.var.name
        return f"(deref {self.place(g, sc)})"

    def target(self, g, sc):
        if self.var.static and g.cur is not None:
            g.cur.pure = False
        if self.arrowed(g, 0.3):
            return self.arrow(g, sc)
        if not self.steps and self.via_ptr:
            return f"deref {self.var.name}"
        return self.place(g, sc)

    def arrowed(self, g, p):
        return (isinstance(g, Gen) and g.on("arrow") and (self.steps or self.via_ptr)
                and g.chance(p))

    def arrow(self, g, sc):
        """The place with its last steps (at least one) written `->f` / `->[i]`, the first ones
        as `.f` / `[i]` (addresses from a variable or a pointer); a pointee is `p->[0]`."""
        if not self.steps:
            return f"{self.var.name}->[0]"
        k = g.r.randrange(len(self.steps))
        text = self.var.name
        for j, s in enumerate(self.steps):
            sep = "." if j < k else "->"
            if s[0] == "f":
                text += sep + s[1]
            else:
                text += ("" if j < k else "->") + "[" + g.index(s[1], sc) + "]"
        return text

    def compoundable(self):
        return bool(self.steps) or not self.via_ptr

    def address(self, g, sc):
        """ptr[ty] to this place (None when not allowed: packed fields, a const)."""
        if self.packed or not self.writable:
            return None
        if self.steps:
            return self.place(g, sc)
        if self.var.static and g.cur is not None:
            g.cur.pure = False
        return self.var.name if self.via_ptr else f"(ref {self.var.name})"


class VecElem:
    """An element of a NativeVector place: `v[i]` is a value (15.2); a vector inside an
    aggregate is read first (`(deref s.f)[i]`, `(s->f)[i]`)."""

    def __init__(self, path):
        self.path = path

    def read(self, g, sc):
        p = self.path
        if p.var.static and g.cur is not None:
            g.cur.pure = False
        base = p.var.name if not p.steps and not p.via_ptr else p.read(g, sc)
        return f"{base}[{g.index(p.ty.n, sc)}]"


class ParamField:
    """A field or element inside a by-value struct parameter, read as a value: `a0.f`,
    `a0->f`, `a0->f.g`, `a0.arr->[i]` (5.3: e.f on a parameter is the field)."""

    def __init__(self, var, steps):
        self.var, self.steps = var, steps

    def read(self, g, sc):
        text = self.var.name
        for s in self.steps:
            if s[0] == "f":
                text += g.pick([".", "->"]) + s[1]
            else:
                text += "->[" + g.index(s[1], sc) + "]"
        return f"({text})"


def sub_paths(var, ty, steps, via_ptr, packed, out):
    out.append(Path(var, steps, ty, via_ptr, packed))
    if len(steps) >= 3 or not var.fields:
        return
    if isinstance(ty, StructTy):
        for fname, ft in ty.fields:
            sub_paths(var, ft, steps + [("f", fname)], via_ptr, packed or ty.packed, out)
    elif isinstance(ty, ArrTy):
        sub_paths(var, ty.elem, steps + [("i", ty.n)], via_ptr, packed, out)


def paths_of(var):
    out = []
    t = var.ty
    if isinstance(t, PtrTy):
        sub_paths(var, t.elem, [], True, False, out)
        out.append(Path(var, [], t, False, False))      # the pointer itself
    elif isinstance(t, RunTy):
        out.append(Path(var, [], t, False, False))
        sub_paths(var, t.elem, [("i", t.n)], False, False, out)
    else:
        sub_paths(var, t, [], False, False, out)
    return out


class Scope:
    def __init__(self, parent=None):
        self.parent, self.vars = parent, []
        self.depth = parent.depth + 1 if parent else 0

    def all_vars(self):
        s, out = self, []
        while s:
            out.extend(s.vars)
            s = s.parent
        return out

    def add(self, var):
        var.depth = self.depth
        self.vars.append(var)
        return var


class Func:
    def __init__(self, name, params, ret, index):
        self.name, self.params, self.ret, self.index = name, params, ret, index
        self.cost = 1
        self.pure = True          # touches no static (directly or through callees)
        self.ct_only = False      # @compiletime
        self.recursive = False
        self.no_value = False     # never used as a function value (packed_fnvalue off)

    @property
    def fnsig(self):
        return sig_key([t for _, t in self.params], self.ret)


class Emitter:
    def __init__(self):
        self.lines, self.ind = [], 1

    def __call__(self, line):
        self.lines.append("    " * self.ind + line)


# ------------------------------------------------------------------------------------ generator

STRING_LITS = ['"alpha"', '""', '"tab\\there"', '"\\x41\\x42C"', '"nul\\0hidden"',
               '"quote\\"s\\\\"', '"\\x7e\\r"', '"multi\nline"']
GENERIC_DECLS = """struct Box[T] { value: T }
struct Pair[A, B] { first: A, second: B }
fn fz_pick[T](a: T, b: T, c: bool) T {
    if c { return a; }
    return b;
}
fn fz_box[T](v: T) Box[T] { return new Box[T] { value: v }; }
fn fz_unbox[T](b: Box[T]) T { return b.value; }
fn fz_load[T](p: ptr[T]) T { return deref p; }
fn fz_twice[T](x: T) T { return x + x; }
fn fz_swap[A, B](p: Pair[A, B]) Pair[B, A] {
    return new Pair[B, A] { first: p.second, second: p.first };
}
fn fz_gmix[T](x: T) u64 {
    staticAssert(sizeOf(T) <= 8, "fz_gmix takes a scalar");
    @if(isSigned(T)) { return ((x as s64) as u64) ^ (sizeOf(T) as u64); }
    @elif(sizeOf(T) == 8) { return (x as u64) * 3; }
    @else { return (x as u64) + (typeWidth(T) as u64); }
}
"""
DEALLOC_DECLS = """struct FzD { k: u64, tag: u8 }
static mut FZ_DROPS: u64 = 0;
fn fz_drop(p: ptr[FzD]) void @deallocator {
    FZ_DROPS = (FZ_DROPS * 31) + (deref p.k) + ((deref p.tag) as u64) + 1;
}
fn fz_drop_v(d: FzD) void {
    FZ_DROPS = ((FZ_DROPS ^ d.k) * 7) + (d.tag as u64) + 3;
}
"""
GENERIC_DEALLOC = """fn fz_gdrop[T](p: ptr[Box[T]]) void @deallocator {
    FZ_DROPS = (FZ_DROPS * 5) + (sizeOf(T) as u64);
    @if(isInteger(T)) { FZ_DROPS += (deref p.value) as u64; }
    @else { FZ_DROPS ^= 1; }
}
"""
FUNC_BUDGET = 3000     # cost units (about one statement each) per generated function
MAIN_BUDGET = 30000
INT_FMT_VALUES = [0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 100, 127, 128, 255, 256, 1000,
                  32767, 32768, 65535, 65536, 2147483647, 2147483648, 4294967295]
FLOAT_MANTISSAS = ["0.0", "1.0", "0.5", "1.5", "2.0", "3.25", "0.1", "100.0", "1.0e10", "2.5e-3",
                   "65504.0", "16777217.0", "1.0e30", "0.75", "123.456", "9007199254740993.0"]


class Gen:
    def __init__(self, seed, features=None):
        self.seed = seed
        self.r = random.Random(seed)
        self.feat = set(FEATURES) if features is None else set(features)
        self.structs, self.fntys, self.funcs = [], [], []
        self.tier_a, self.statics_a = [], []      # constants/statics usable by every function
        self.globals_b = []                       # constants/statics initialised by calls
        self.helpers = {}                         # name -> text, emitted once
        self.twins = []                           # (label, const text, runtime text, type)
        self.nlabel = 0
        self.names = 0
        self.cur = None                           # the function being generated
        self.cost = 0
        self.mult = 1
        self.limit = FUNC_BUDGET
        self.in_loop = 0
        self.lits = None                          # constant-expression mode: literal leaves
        self.externs = set()
        self.strict = False                       # constant expressions: no const arrays
        self.index_nesting = 0
        self.strings = []                         # (constant, its initialiser call)
        self.ct_consts = []                       # (name, type, value): known to the generator
        self.variadics = []                       # (name, kind, slots)
        self.dealloc_ty = None                    # the struct with a @deallocator
        self.nassert = 0
        # Swarm testing: each program has its own weights for the forms of expressions and
        # statements (some nearly off), its own expression depth and parameter counts.
        self.style = {}
        self.depth = self.r.choice([2, 3, 3, 4, 5])
        self.max_params = self.r.choice([3, 5, 8, 12])

    # ------------------------------------------------------------------ small utilities
    def on(self, f):
        return f in self.feat

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def fresh(self, prefix):
        self.names += 1
        return f"{prefix}{self.names}"

    def int_types(self):
        return INTS + ([CHAR] if self.on("char") else [])

    def scalar_types(self):
        ts = self.int_types() + [BOOL]
        if self.on("floats"):
            ts += [F32, F64]
        return ts

    def vec_types(self):
        return [VEC_S32] + ([VEC_F64] if self.on("floats") else [])

    def charge(self, c):
        self.cost += self.mult * c

    def affordable(self, c):
        return self.cost + self.mult * c <= self.limit

    # ------------------------------------------------------------------ literals
    def int_value(self, t):
        r = self.r.random()
        if r < 0.15:
            v = self.pick([t.min, t.max, t.min + 1, t.max - 1, 0, 1, -1 if t.signed else 2])
        elif r < 0.55:
            v = self.r.randrange(-9 if t.signed else 0, 17)
        elif r < 0.8:
            v = self.pick(INT_FMT_VALUES)
            if t.signed and self.chance(0.4):
                v = -v
        else:
            v = self.r.randint(t.min, t.max)
        return max(t.min, min(t.max, v))

    def int_lit(self, t, ctx):
        v = self.int_value(t)
        if t is CHAR:
            if 97 <= v <= 122 and self.chance(0.5):
                return f"'{chr(v)}'"
            return f"({v} as char)"
        if self.lits is not None:
            return self.placeholder(f"({v} as {t})", t)
        text = str(v) if not (t.signed and v == t.min and t.bits == 64) else None
        if ctx and text is not None and self.chance(0.5):
            return text
        if self.chance(0.15) and v >= 0:
            text = hex(v)
        return f"({text or v} as {t})"

    def float_lit(self, t, ctx):
        m = self.pick(FLOAT_MANTISSAS)
        if self.chance(0.3):
            m = "-" + m
        if self.chance(0.08):
            return self.special_float(t)
        if self.lits is not None:
            return self.placeholder(f"({m} as {t})", t)
        if ctx and self.chance(0.5):
            return m
        return f"({m} as {t})"

    def special_float(self, t):
        """NaN, infinities, a denormal or -0.0, built from exact operations."""
        k = self.pick(["nan", "inf", "-inf", "denormal", "-zero"])
        if k == "denormal":
            return f"({'1.0e-40' if t is F32 else '4.9e-320'} as {t})"
        if k == "-zero":
            return f"(-(0.0 as {t}))"
        num = {"nan": "0.0", "inf": "1.0", "-inf": "-1.0"}[k]
        return f"(({num} as {t}) / (0.0 as {t}))"

    def placeholder(self, text, t):
        """Constant-expression mode: a literal leaf, rendered later as the literal (compile time)
        or as a local holding it (run time)."""
        self.lits.append((text, t))
        return f"@@{len(self.lits) - 1}@@"

    # ------------------------------------------------------------------ indices
    def index(self, n, sc):
        if self.lits is not None or self.chance(0.3) or sc is None or self.index_nesting >= 2:
            return str(self.r.randrange(n))
        counters = [v for v in sc.all_vars() if v.bound is not None and v.bound <= n]
        if counters and self.chance(0.4):
            return self.pick(counters).name
        t = self.pick(INTS)
        self.index_nesting += 1
        try:
            e = self.int_expr(t, sc, 1, False, calls=False)
        finally:
            self.index_nesting -= 1
        if n & (n - 1) == 0:
            return f"({e} & {n - 1})"
        return f"(({e} as u32) % {n})"

    # ------------------------------------------------------------------ reading places
    def readable(self, sc, ty):
        out = []
        if sc is None:
            vs = []
        else:
            vs = sc.all_vars()
        for v in vs:
            for p in paths_of(v):
                if p.ty == ty:
                    out.append(p)
        return out

    def writable(self, sc, pred):
        return [p for v in sc.all_vars() for p in paths_of(v) if p.writable and pred(p)]

    def const_leaves(self, ty):
        return [v for v in self.tier_a if v.ty == ty]

    # ------------------------------------------------------------------ expressions
    def expr(self, ty, sc, d, ctx=True):
        if isinstance(ty, IntTy):
            return self.int_expr(ty, sc, d, ctx)
        if isinstance(ty, FloatTy):
            return self.float_expr(ty, sc, d, ctx)
        if isinstance(ty, BoolTy):
            return self.bool_expr(sc, d)
        if isinstance(ty, StructTy):
            return self.struct_expr(ty, sc, d)
        if isinstance(ty, ArrTy):
            return self.arr_expr(ty, sc, d)
        if isinstance(ty, PtrTy):
            return self.ptr_expr(ty, sc)
        if isinstance(ty, RunTy):
            return self.run_expr(ty, sc)
        if isinstance(ty, FnTy):
            return self.fn_expr(ty, sc)
        if isinstance(ty, VecTy):
            return self.vec_expr(ty, sc, d)
        raise AssertionError(ty)

    def leaf(self, ty, sc, ctx):
        """A variable, field, element or constant of type ty, or a literal."""
        if self.lits is not None:
            cs = [v.name for v in self.const_leaves(ty)]
            arrow = self.on("arrow") and self.chance(0.4)
            cs += [f"({v.name}->[{self.r.randrange(v.ty.n)}])" if arrow else
                   f"(deref {v.name}[{self.r.randrange(v.ty.n)}])" for v in self.tier_a
                   if isinstance(v.ty, ArrTy) and v.ty.elem == ty and not self.strict]
            if cs and self.chance(0.3):
                return self.pick(cs)
        else:
            ps = self.readable(sc, ty)
            for v in self.const_leaves(ty):
                ps.append(Path(v, [], ty, False, False))
            for v in self.tier_a:
                if isinstance(v.ty, ArrTy) and v.ty.elem == ty:
                    ps.append(Path(v, [("i", v.ty.n)], ty, False, False))
            if sc is not None and ty.scalar():
                for v in sc.all_vars():
                    if self.on("native_vector"):
                        ps += [VecElem(p) for p in paths_of(v)
                               if isinstance(p.ty, VecTy) and p.ty.elem == ty]
                    if (self.on("arrow") and isinstance(v.ty, StructTy) and not v.fields):
                        ps += [ParamField(v, p.steps) for p in paths_of(Var(v.name, v.ty))
                               if p.steps and p.ty == ty]
            if ps and self.chance(0.8):
                return self.pick(ps).read(self, sc)
            if sc is not None and self.chance(0.6):
                e = self.converted_leaf(ty, sc)
                if e is not None:
                    return e
        if isinstance(ty, IntTy):
            return self.int_lit(ty, ctx)
        if isinstance(ty, FloatTy):
            return self.float_lit(ty, ctx)
        return self.pick(["true", "false"])

    def converted_leaf(self, ty, sc):
        """A variable of another scalar type made into ty: a cast, or a comparison for bool."""
        ps = [p for v in sc.all_vars() for p in paths_of(v) if p.ty.scalar() and p.ty != ty]
        if isinstance(ty, IntTy):
            ps = [p for p in ps if p.ty.kind in ("int", "bool")]
        elif isinstance(ty, FloatTy):
            ps = [p for p in ps if p.ty.kind in ("int", "float")]
        if not ps:
            return None
        p = self.pick(ps)
        x = p.read(self, sc)
        if isinstance(ty, BoolTy):
            if p.ty.kind == "bool":
                return x
            zero = f"(0 as {p.ty})" if p.ty.kind == "int" else f"(0.0 as {p.ty})"
            return f"({x} {self.pick(['<', '>', '==', '!=', '>=', '<='])} {zero})"
        return f"({x} as {ty})"

    def int_expr(self, t, sc, d, ctx, calls=True):
        if d <= 0 or self.chance(0.25):
            return self.leaf(t, sc, ctx)
        forms = [(self.int_arith, 4), (self.int_bitop, 2), (self.int_unary, 1)]
        if self.on("shifts"):
            forms.append((self.int_shift, 2))
        if self.on("divmod"):
            forms.append((self.int_divmod, 2))
        if self.on("casts"):
            forms += [(self.int_cast, 2), (self.bool_to_int, 1)]
        if self.on("mixed"):
            forms.append((self.int_mixed, 2))
        if self.on("floats") and self.lits is None:
            forms.append((self.float_to_int, 1))
        if self.lits is None and sc is not None:
            if calls:
                forms.append((self.call_expr, 3))
                if self.on("fnvalues"):
                    forms.append((self.fnvalue_call, 2))
                if self.on("compiletime"):
                    forms.append((self.ct_call, 1))
            if self.on("cfuncs") and self.on("arrays"):
                forms.append((self.memcmp_expr, 1))
        if self.lits is None and calls:
            if self.on("generics"):
                forms.append((self.gen_call, 2))
            if self.on("variadic"):
                forms.append((self.variadic_call, 1))
        if self.on("layout"):
            forms.append((self.size_of, 1))
            if self.lits is None and sc is not None and self.on("arrays"):
                forms.append((self.ptr_difference, 1))
        fn = self.weighted(forms)
        e = fn(t, sc, d - 1, ctx) if fn in (self.int_arith, self.int_bitop) else fn(t, sc, d - 1)
        return e if e is not None else self.leaf(t, sc, ctx)

    def weighted(self, forms):
        forms = [(f, w * self.style_weight(f.__name__)) for f, w in forms]
        total = sum(w for _, w in forms)
        x = self.r.uniform(0, total)
        for f, w in forms:
            x -= w
            if x <= 0:
                return f
        return forms[-1][0]

    def style_weight(self, name):
        if name not in self.style:
            # Drawn from a generator of its own, so that the choice does not shift the others.
            r = random.Random(f"{self.seed}/{name}")
            self.style[name] = r.choice([0.05, 0.3, 1.0, 1.0, 2.0, 4.0])
        return self.style[name]

    def binary(self, t, sc, d, ops, ctx):
        """(a op b) on one type; a plain literal on one side takes its type from the other."""
        sub = self.int_expr if isinstance(t, IntTy) else self.float_expr
        a = sub(t, sc, d, ctx)
        b = sub(t, sc, d, ctx and not is_plain_literal(a))
        return f"({a} {self.pick(ops)} {b})"

    def int_arith(self, t, sc, d, ctx):
        return self.binary(t, sc, d, ["+", "-", "*", "+", "-"], ctx)

    def int_bitop(self, t, sc, d, ctx):
        return self.binary(t, sc, d, ["&", "|", "^"], ctx)

    def int_unary(self, t, sc, d):
        return f"({self.pick(['-', '~'])}{self.int_expr(t, sc, d, False)})"

    def shift_amount(self, t, sc, d):
        mask = {8: 15, 16: 31, 32: 63, 64: 127}[t.bits]
        if self.chance(0.4):
            v = self.r.choice([0, 1, t.bits - 1, t.bits, t.bits + 1, 2 * t.bits - 1,
                               self.r.randrange(2 * t.bits)])
            return self.int_lit_value(t, v)
        return f"({self.int_expr(t, sc, d, False)} & {self.int_lit_value(t, mask)})"

    def int_lit_value(self, t, v):
        if self.lits is not None:
            return self.placeholder(f"({v} as {t})", t)
        return f"({v} as {t})"

    def int_shift(self, t, sc, d):
        a = self.int_expr(t, sc, d, False)
        return f"({a} {self.pick(['<<', '>>'])} {self.shift_amount(t, sc, d)})"

    def safe_divisor(self, t, sc, d):
        b = self.int_expr(t, sc, d, False)
        if t.signed:
            return f"(({b} & {self.int_lit_value(t, 63)}) | {self.int_lit_value(t, 1)})"
        return f"({b} | {self.int_lit_value(t, 1)})"

    def int_divmod(self, t, sc, d):
        op = self.pick(["/", "%"])
        a = self.int_expr(t, sc, d, False)
        if self.lits is None and t is not CHAR and self.chance(0.5):
            b = self.int_expr(t, sc, d, True)
            return f"{self.div_helper(t, op)}({a}, {b})"
        return f"({a} {op} {self.safe_divisor(t, sc, d)})"

    def int_cast(self, t, sc, d):
        src = self.pick([x for x in self.int_types() if x != t] or [t])
        return f"({self.int_expr(src, sc, d, False)} as {t})"

    def bool_to_int(self, t, sc, d):
        return f"({self.bool_expr(sc, d)} as {t})"

    def int_mixed(self, t, sc, d):
        a_t, b_t = self.pick(self.int_types()), self.pick(self.int_types())
        a = self.int_expr(a_t, sc, d, False)
        b = self.int_expr(b_t, sc, d, False)
        return f"(({a} {self.pick(['+', '-', '*', '&', '|', '^'])} {b}) as {t})"

    def float_to_int(self, t, sc, d):
        ft = self.pick([F32, F64])
        e = self.float_expr(ft, sc, d, False)
        if ft is F32:
            e = f"({e} as f64)"
        return f"{self.f2i_helper(t)}({e})"

    def size_of(self, t, sc, d):
        ty = self.pick(self.structs + self.scalar_types() if self.structs else self.scalar_types())
        if self.chance(0.3):
            ty = ArrTy(ty, self.pick([2, 3, 7]))
        return f"(sizeOf({ty}) as {t})"

    def ptr_difference(self, t, sc, d):
        """(a[j] - a[i]): element addresses of one array differ by (j - i) elements."""
        arrs = self.readable_arrays(sc)
        if not arrs:
            return None
        p = self.pick(arrs)
        base = p.place(self, sc)
        return (f"(({base}[{self.index(p.ty.n, sc)}] - {base}[{self.index(p.ty.n, sc)}]) "
                f"as {t})")

    def memcmp_expr(self, t, sc, d):
        arrs = [p for p in self.readable_arrays(sc) if p.ty.elem.kind == "int"]
        if len(arrs) < 1:
            return None
        a = self.pick(arrs)
        bs = [p for p in arrs if p.ty == a.ty]
        b = self.pick(bs)
        self.externs.add("memcmp")
        self.charge(a.ty.n)
        self.helper_sgn()
        return (f"(fz_sgn(memcmp({a.address(self, sc)}, {b.address(self, sc)}, "
                f"sizeOf({a.ty}))) as {t})")

    def readable_arrays(self, sc):
        return [p for v in sc.all_vars() for p in paths_of(v)
                if isinstance(p.ty, ArrTy) and p.address(self, sc) is not None]

    def float_expr(self, t, sc, d, ctx, calls=True):
        if d <= 0 or self.chance(0.25):
            return self.leaf(t, sc, ctx)
        forms = [(self.float_arith, 5), (self.float_neg, 1), (self.int_to_float, 2),
                 (self.float_convert, 1)]
        if self.lits is None and sc is not None and calls:
            forms += [(self.call_expr, 2)]
            if self.on("fnvalues"):
                forms.append((self.fnvalue_call, 1))
            if self.on("compiletime"):
                forms.append((self.ct_call, 1))
            if self.on("cfuncs"):
                forms.append((self.libm_call, 1))
        if self.lits is None and calls and self.on("generics"):
            forms.append((self.gen_call, 1))
        fn = self.weighted(forms)
        e = fn(t, sc, d - 1, ctx) if fn == self.float_arith else fn(t, sc, d - 1)
        return e if e is not None else self.leaf(t, sc, ctx)

    def float_arith(self, t, sc, d, ctx):
        return self.binary(t, sc, d, ["+", "-", "*", "/", "+", "*", "%"], ctx)

    def float_neg(self, t, sc, d):
        return f"(-{self.float_expr(t, sc, d, False)})"

    def int_to_float(self, t, sc, d):
        src = self.pick(self.int_types())
        return f"({self.int_expr(src, sc, d, False)} as {t})"

    def float_convert(self, t, sc, d):
        other = F32 if t is F64 else F64
        return f"({self.float_expr(other, sc, d, False)} as {t})"

    def libm_call(self, t, sc, d):
        fname = self.pick(["sqrt", "floor", "fabs"])
        a = self.float_expr(t, sc, d, False)
        if t is F32:
            if self.chance(0.5):
                self.externs.add(fname)
                return f"({fname}(({a} as f64)) as f32)"
            fname += "f"
        self.externs.add(fname)
        return f"{fname}({a})"

    def bool_expr(self, sc, d):
        if d <= 0 or self.chance(0.2) or self.strict:   # comparisons are no constant expression
            return self.leaf(BOOL, sc, True)
        forms = [(self.compare, 5), (self.logic, 2), (self.bool_not, 1)]
        if self.on("mixed"):
            forms.append((self.compare_mixed, 1))
        if self.lits is None and sc is not None:
            if self.on("fnvalues"):
                forms.append((self.fn_compare, 1))
            if self.on("pointers"):
                forms.append((self.ptr_compare, 1))
            forms.append((self.call_expr_bool, 1))
            if self.on("compiletime"):
                forms.append((self.ct_call_bool, 1))
        if self.lits is None and not self.strict and self.on("generics"):
            forms.append((self.gen_call_bool, 1))
        fn = self.weighted(forms)
        e = fn(sc, d - 1)
        return e if e is not None else self.leaf(BOOL, sc, True)

    def compare(self, sc, d):
        t = self.pick(self.scalar_types_no_bool())
        if self.chance(0.1):
            return f"({self.bool_expr(sc, d)} {self.pick(['==', '!='])} {self.bool_expr(sc, d)})"
        a = self.expr(t, sc, d, True)
        b = self.expr(t, sc, d, not is_plain_literal(a))
        return f"({a} {self.pick(['<', '<=', '>', '>=', '==', '!='])} {b})"

    def scalar_types_no_bool(self):
        return [t for t in self.scalar_types() if t is not BOOL]

    def compare_mixed(self, sc, d):
        a = self.int_expr(self.pick(self.int_types()), sc, d, False)
        b = self.int_expr(self.pick(self.int_types()), sc, d, False)
        return f"({a} {self.pick(['<', '<=', '>', '>=', '==', '!='])} {b})"

    def logic(self, sc, d):
        return f"({self.bool_expr(sc, d)} {self.pick(['&&', '||', 'and', 'or'])} {self.bool_expr(sc, d)})"

    def bool_not(self, sc, d):
        return f"(!{self.bool_expr(sc, d)})"

    def fn_compare(self, sc, d):
        cands = [v for v in sc.all_vars() if isinstance(v.ty, FnTy)]
        if not cands:
            return None
        v = self.pick(cands)
        fs = self.funcs_of(v.ty)
        if not fs:
            return None
        return f"({v.name} {self.pick(['==', '!='])} {self.pick(fs).name})"

    def ptr_compare(self, sc, d):
        arrs = [p for p in self.readable_arrays(sc)]
        if not arrs:
            return None
        a = self.pick(arrs)
        n = a.ty.n
        base = a.place(self, sc)
        return f"({base}[{self.r.randrange(n)}] {self.pick(['==', '!='])} {base}[{self.r.randrange(n)}])"

    def gen_call_bool(self, sc, d):
        return self.gen_call(BOOL, sc, d)

    def ct_call_bool(self, sc, d):
        return self.ct_call(BOOL, sc, d)

    def call_expr_bool(self, sc, d):
        return self.call_expr(BOOL, sc, d)

    def struct_expr(self, st, sc, d):
        if self.lits is not None or sc is None or d <= 0 or self.chance(0.5):
            if self.lits is None and sc is not None:
                ps = self.readable(sc, st)
                if ps and self.chance(0.5):
                    return self.pick(ps).read(self, sc)
            return self.struct_new(st, sc, d)
        e = self.call_expr(st, sc, d - 1)
        if e is None and self.on("generics") and self.chance(0.5):
            e = self.gen_call(st, sc, d - 1)
        if e is None and self.on("compiletime"):
            e = self.ct_call(st, sc, d - 1)
        if e is None and self.on("fnvalues"):
            e = self.fnvalue_call(st, sc, d - 1)
        return e or self.struct_new(st, sc, d)

    def struct_new(self, st, sc, d, expected=False):
        """new S { ... }; a generic instance may leave its type arguments to be inferred from
        typed field values (12), or, with `expected`, from the declared type."""
        fields = list(st.fields)
        self.r.shuffle(fields)
        name = str(st)
        infer = st.generic and (expected or self.chance(0.3))
        if infer:
            name = name.split("[", 1)[0]
        inits = ", ".join(f"{n}: {self.expr(t, sc, max(d - 1, 0), expected or not infer)}"
                          for n, t in fields)
        return f"new {name} {{ {inits} }}"

    def vec_expr(self, vt, sc, d):
        return self.elems_expr(vt, sc, d, "native")

    # ------------------------------------------------------------------ generics, variadics
    def gen_call(self, t, sc, d):
        """A call of one of the generic helpers yielding t, type arguments given or inferred."""
        opts = ["pick", "box"]
        if isinstance(t, (IntTy, FloatTy)):
            opts.append("twice")
        if isinstance(t, IntTy):
            opts.append("gmix")
        if sc is not None and self.lits is None:
            opts.append("load")
        if t.scalar():
            opts.append("swap")
        k = self.pick(opts)
        ex = self.chance(0.5)           # explicit type arguments
        ta = f"[{t}]" if ex else ""
        if k == "pick":
            a = self.expr(t, sc, d, ex)
            b = self.expr(t, sc, d, True)
            if a is None or b is None:
                return None
            c = self.bool_expr(sc, d)
            return self.render_call(f"fz_pick{ta}", ["a", "b", "c"], [a, b, c], ex)
        if k == "box":
            v = self.expr(t, sc, d, ex)
            if v is None:
                return None
            form = self.r.randrange(4)
            if form == 0:
                return f"fz_unbox{ta}(fz_box{ta}({v}))"
            if form == 1:
                return f"(fz_box{ta}({v})->value)"
            if form == 2:
                return f"fz_unbox{ta}(new Box[{t}] {{ value: {v} }})"
            return f"(new Box[{t}] {{ value: {v} }}).value"
        if k == "twice":
            v = self.expr(t, sc, d, ex)
            return self.render_call(f"fz_twice{ta}", ["x"], [v], ex)
        if k == "gmix":
            src = self.pick(INTS)
            v = self.int_expr(src, sc, d, ex)
            return f"({self.render_call(f'fz_gmix[{src}]' if ex else 'fz_gmix', ['x'], [v], ex)} as {t})"
        if k == "load":
            cands = [p for v in sc.all_vars() for p in paths_of(v) if p.ty == t]
            cands = [a for a in (p.address(self, sc) for p in cands) if a is not None]
            if not cands:
                return None
            return self.render_call(f"fz_load{ta}", ["p"], [self.pick(cands)], ex)
        # swap: Pair[u, t] -> Pair[t, u], whose first is the t
        u = self.pick(self.scalar_types())
        a, b = self.expr(u, sc, d, False), self.expr(t, sc, d, False)
        if self.chance(0.5):
            pair = f"new Pair[{u}, {t}] {{ second: {b}, first: {a} }}"
        else:
            pair = f"new Pair {{ first: {a}, second: {b} }}"
        fn = f"fz_swap[{u}, {t}]" if ex else "fz_swap"
        return f"({self.render_call(fn, ['p'], [pair], ex)}->first)"

    def variadic_call(self, t, sc, d):
        """A call of a generated @arbitraryArgs function; extras of types that promote to what
        the callee reads (8.2)."""
        if not self.variadics:
            return None
        name, kind, slots = self.pick(self.variadics)
        if kind == "loop":
            slots = [slots] * self.r.randint(0, 8)
            first = str(len(slots))
        else:
            first = self.int_expr(U32, sc, d, True)
        args = [first]
        for cls in slots:
            names = [n for n in PROMOTED[cls] if n != "char" or self.on("char")]
            at = {str(x): x for x in self.int_types() + [BOOL, F32, F64]}[self.pick(names)]
            # An untyped literal is passed as an s32 (8.2): only there may the extra be one.
            args.append(self.expr(at, sc, d, cls == "s32" and at is S32))
        self.charge(len(args) + 3)
        return f"({name}({', '.join(args)}) as {t})"

    def render_call(self, name, pnames, args, allow=True):
        """f(args), or with named arguments (7.2): positional ones first, the rest named in any
        order (evaluated in source order)."""
        if not (allow and args and self.on("named_args") and self.chance(0.3)):
            return f"{name}({', '.join(args)})"
        k = self.r.randrange(len(args))
        rest = list(range(k, len(args)))
        self.r.shuffle(rest)
        return f"{name}({', '.join(args[:k] + [f'{pnames[i]} = {args[i]}' for i in rest])})"

    def arr_expr(self, at, sc, d):
        return self.elems_expr(at, sc, d, "fixed")

    def elems_expr(self, t, sc, d, literal):
        """A value of the fixed array or vector type t: a readable place, a call, or a literal
        `fixed[...]` / `native[...]`."""
        if self.lits is None and sc is not None:
            ps = self.readable(sc, t)
            if ps and self.chance(0.4):
                return self.pick(ps).read(self, sc)
            if d > 0 and self.chance(0.3):
                e = self.call_expr(t, sc, d - 1)
                if e:
                    return e
        elems = [self.expr(t.elem, sc, max(d - 1, 0), i > 0) for i in range(t.n)]
        return literal + "[" + ", ".join(elems) + "]"

    def ptr_expr(self, pt, sc):
        """A pointer to live storage of type pt.elem."""
        cands = []
        for v in sc.all_vars():
            for p in paths_of(v):
                if p.ty == pt.elem:
                    a = p.address(self, sc)
                    if a is not None:
                        cands.append(a)
                elif p.ty == pt and not p.steps:
                    cands.append(v.name)
        if cands and self.chance(0.85):
            c = self.pick(cands)
            if self.on("casts") and self.chance(0.15):   # through an integer and back
                it = self.pick(["u64", "usize", "ssize", "s64"])
                return f"(({c} as {it}) as {pt})"
            if self.chance(0.1):
                return f"(({c} as ptr) as {pt})"
            return c
        self.charge(2)
        return f"halloc({pt.elem})"

    def run_expr(self, rt, sc):
        cands = []
        for v in sc.all_vars():
            for p in paths_of(v):
                if isinstance(p.ty, ArrTy) and p.ty.elem == rt.elem and p.ty.n >= rt.n:
                    a = p.address(self, sc)
                    if a is not None:
                        k = self.r.randrange(p.ty.n - rt.n + 1)
                        cands.append(f"{p.place(self, sc)}[{k}]")
                elif isinstance(p.ty, RunTy) and p.ty.elem == rt.elem and p.ty.n >= rt.n \
                        and not p.steps:
                    cands.append(v.name)
        return self.pick(cands) if cands else None

    def fn_expr(self, ft, sc):
        cands = [f.name for f in self.funcs_of(ft)]
        cands += [v.name for v in sc.all_vars() if v.ty == ft] if sc else []
        return self.pick(cands) if cands else None

    def funcs_of(self, ft, limit=None):
        """Functions that a value of type ft may hold (defined before `limit`, or before the
        function being generated)."""
        if limit is None:
            limit = self.cur.index if self.cur is not None else 1 << 30
        return [f for f in self.funcs if f.index < limit and f.fnsig == ft.sigkey
                and not f.recursive and not f.ct_only and not f.no_value]

    def fn_value_for(self, ft, limit):
        fs = self.funcs_of(ft, limit)
        return self.pick(fs).name if fs else None

    # ------------------------------------------------------------------ calls
    def callable_funcs(self):
        cur = self.cur
        return [f for f in self.funcs if not f.ct_only and (cur is None or f.index < cur.index)]

    def args_for(self, f, sc, d):
        return self.args_of([t for _, t in f.params], sc, d, f.index)

    def args_of(self, types, sc, d, limit):
        """Arguments for parameters of these types; function values passed must be defined
        before `limit` (the callee), so that no call chain can loop."""
        args = []
        for pt in types:
            a = self.fn_value_for(pt, limit) if isinstance(pt, FnTy) else self.expr(pt, sc, d, True)
            if a is None:
                return None
            args.append(a)
        return args

    def call_expr(self, t, sc, d):
        if not self.on("calls") and self.cur is not None and self.cur.name != "main":
            return None
        fs = [f for f in self.callable_funcs() if f.ret == t and self.affordable(f.cost)]
        if not fs:
            return None
        f = self.pick(fs)
        self.charge(f.cost)
        args = self.args_for(f, sc, d)
        if args is None:
            return None
        self.note_call(f)
        return self.call_text(f, args)

    def call_text(self, f, args):
        return self.render_call(f.name, [n for n, _ in f.params], args)

    def note_call(self, f):
        if self.cur is not None and not f.pure:
            self.cur.pure = False

    def fnvalue_call(self, t, sc, d):
        fvs = [v for v in sc.all_vars() if isinstance(v.ty, FnTy) and v.ty.ret == t]
        arrs = [p for v in sc.all_vars() for p in paths_of(v)
                if isinstance(p.ty, ArrTy) and isinstance(p.ty.elem, FnTy)
                and p.ty.elem.ret == t and not p.steps]
        choices = [("v", v) for v in fvs] + [("a", p) for p in arrs]
        if not choices:
            return None
        kind, x = self.pick(choices)
        ft = x.ty if kind == "v" else x.ty.elem
        cost = max([f.cost for f in self.funcs_of(ft)] or [1])
        if not self.affordable(cost):
            return None
        self.charge(cost)
        for f in self.funcs_of(ft):
            self.note_call(f)
        args = self.args_of(ft.params, sc, d, min([f.index for f in self.funcs_of(ft)] or [0]))
        if args is None:
            return None
        if kind == "v":
            callee = x.name
        elif self.on("arrow") and self.chance(0.4):
            callee = f"{x.var.name}->[{self.index(x.ty.n, sc)}]"
        else:
            callee = f"(deref {x.var.name}[{self.index(x.ty.n, sc)}])"
        return f"{callee}({', '.join(args)})"

    def ct_call(self, t, sc, d):
        fs = [f for f in self.funcs if f.ct_only and f.ret == t
              and (self.cur is None or f.index < self.cur.index)]
        if not fs:
            return None
        f = self.pick(fs)
        args = self.const_args(f)
        return self.call_text(f, args)

    def const_args(self, f):
        return [self.fn_value_for(pt, f.index) if isinstance(pt, FnTy)
                else self.const_value(pt, strict=f.ct_only) for _, pt in f.params]

    def const_value(self, t, strict=False):
        """A compile-time constant: literals, tier-A constants, new/fixed of those, and calls of
        helpers. strict: a constant expression (what a @compiletime call's argument must be):
        literals, operators, casts and named scalar constants only."""
        saved, self.lits = self.lits, [] if strict else None
        saved_strict, self.strict = self.strict, strict
        try:
            text = self.expr(t, None, 2, True)
            return render_lits(text, self.lits, lambda k, lit: lit) if strict else text
        finally:
            self.lits, self.strict = saved, saved_strict

    # ------------------------------------------------------------------ helpers
    def div_helper(self, t, op):
        name = f"fz_{'div' if op == '/' else 'mod'}_{t}"
        if name not in self.helpers:
            body = f"fn {name}(a: {t}, b: {t}) {t} {{\n    if b == 0 {{ return a; }}\n"
            if t.signed:
                body += f"    if b == -1 {{ return {'-a' if op == '/' else '0'}; }}\n"
            body += f"    return a {op} b;\n}}\n"
            self.helpers[name] = body
        return name

    def f2i_helper(self, t):
        name = f"fz_f2i_{t}"
        if name not in self.helpers:
            if t.bits == 64:
                lo = "-9223372036854775808.0" if t.signed else "0.0"
                hi = "9223372036854775807.0" if t.signed else "18446744073709551615.0"
                lo_v = f"({t.min} as {t})" if t.signed else "0"
            else:
                lo, hi, lo_v = f"{float(t.min)}", f"{float(t.max)}", str(t.min)
            if t is CHAR:
                lo_v = "(-128 as char)"
            hi_v = f"({t.max} as {t})"
            zero = f"(0 as {t})"
            self.helpers[name] = (
                f"fn {name}(x: f64) {t} {{\n"
                f"    if x != x {{ return {zero}; }}\n"
                f"    if x <= {lo} {{ return {lo_v if t is not CHAR else lo_v}; }}\n"
                f"    if x >= {hi} {{ return {hi_v}; }}\n"
                f"    return {'(x as s8) as char' if t is CHAR else 'x as ' + str(t)};\n}}\n")
        return name

    def helper_sgn(self):
        self.helpers.setdefault("fz_sgn", (
            "fn fz_sgn(x: s32) s32 {\n    if x < 0 { return -1; }\n"
            "    if x > 0 { return 1; }\n    return 0;\n}\n"))

    def cmp_helper(self, t):
        name = f"fz_cmp_{t}"
        if name not in self.helpers:
            self.helpers[name] = (
                f"fn {name}(a: ptr, b: ptr) s32 {{\n"
                f"    var x: {t} = deref (a as ptr[{t}]);\n"
                f"    var y: {t} = deref (b as ptr[{t}]);\n"
                f"    if x < y {{ return -1; }} elif x > y {{ return 1; }}\n"
                f"    return 0;\n}}\n")
        return name

    def cmp_field_helper(self, st, fname, ft):
        name = f"fz_cmp_{st.ident}_{fname}"
        if name not in self.helpers:
            self.helpers[name] = (
                f"fn {name}(a: ptr, b: ptr) s32 {{\n"
                f"    var x: ptr[{st}] = a as ptr[{st}];\n"
                f"    var y: ptr[{st}] = b as ptr[{st}];\n"
                f"    if (deref x.{fname}) < (deref y.{fname}) {{ return -1; }}\n"
                f"    if (deref x.{fname}) > (deref y.{fname}) {{ return 1; }}\n"
                f"    return 0;\n}}\n")
        return name

    # ------------------------------------------------------------------ statements
    def block(self, sc, e, n, d):
        """n random statements into emitter e, in scope sc, nesting depth d."""
        for _ in range(n):
            if not self.affordable(1):
                return
            self.charge(1)
            self.statement(sc, e, d)

    def statement(self, sc, e, d):
        forms = [(self.st_assign, 6), (self.st_decl, 3), (self.st_compound, 3),
                 (self.st_incdec, 1)]
        if d > 0:
            forms.append((self.st_if, 3))
            if self.on("loops"):
                forms += [(self.st_for, 3), (self.st_while, 1), (self.st_loop, 1)]
        if self.in_loop and self.on("loops"):
            forms.append((self.st_break_continue, 1))
        if self.on("calls"):
            forms.append((self.st_call, 1))
        if self.on("cfuncs") and self.on("arrays"):
            forms.append((self.st_qsort, 1))
        if self.on("memcpy"):
            forms.append((self.st_memcpy, 1))
        if self.on("defer") and d > 0:
            forms.append((self.st_defer, 1))
        if self.on("local_consts"):
            forms.append((self.st_local_const, 1))
        if self.on("statics"):
            forms.append((self.st_static_use, 1))
        if self.on("pointers"):
            forms.append((self.st_ptr_decl, 1))
        if self.on("fnvalues"):
            forms.append((self.st_fnvalue_call, 2))
        if self.on("printf") and self.mult <= 4:
            forms.append((self.st_printf, 1))
        if d > 0:
            forms.append((self.st_early_return, 1))
        if self.on("postfix_value"):
            forms.append((self.st_incdec_value, 2))
        if self.on("ct_if"):
            forms += [(self.st_ct_if, 1), (self.st_static_assert, 0.3)]
        if self.on("loops") and d > 0:
            forms.append((self.st_while_var, 1))
        if self.on("breakall") and self.on("loops") and d > 1:
            forms.append((self.st_nested_loops, 1))
        if self.on("native_vector"):
            forms.append((self.st_vec_write, 1))
        if self.on("dealloc") and self.dealloc_ty is not None:
            forms.append((self.st_dealloc, 1))
        if self.on("infer_var"):
            forms.append((self.st_infer_string, 0.3))
        for _ in range(4):
            if self.weighted(forms)(sc, e, d) is not False:
                return

    def value_types(self):
        ts = self.scalar_types()
        if self.on("structs"):
            ts += self.structs
        return ts

    def st_decl(self, sc, e, d):
        t = self.local_type()
        infer = self.on("infer_var") and self.chance(0.3)
        if infer and t in (S32, F64) and self.chance(0.25):
            # A literal without `as`: its default type (6.1) is the one wanted.
            if t is S32:
                init = str(self.r.choice([0, 1, 7, 255, 65536, 2147483647,
                                          self.r.randrange(-1000, 1000)]))
            else:
                init = self.pick(FLOAT_MANTISSAS)
        elif not infer and isinstance(t, StructTy) and t.generic and self.chance(0.3):
            init = self.struct_new(t, sc, self.depth, expected=True)
        else:
            init = self.expr(t, sc, self.depth, not infer)
        if init is None:
            return False
        v = sc.add(Var(self.fresh("v"), t))
        e(self.decl(v.name, t, init, infer))

    def decl(self, name, t, init, infer=None):
        """var name: T = init; or var name := init; (infer None: decide here; init is typed)."""
        if infer is None:
            infer = self.on("infer_var") and self.chance(0.3)
        return f"var {name} := {init};" if infer else f"var {name}: {t} = {init};"

    def st_infer_string(self, sc, e, d):
        """var s := "text"; remembers the literal's length: sizeOf(s) is its size with the NUL
        (3.2, 5.3)."""
        lit = self.pick(STRING_LITS)
        sname = self.fresh("str")
        e(f"var {sname} := {lit};")
        v = sc.add(Var(self.fresh("v"), U64))
        e(f"var {v.name}: u64 = (sizeOf({sname}) as u64) * {self.int_lit(U64, True)};")

    def st_incdec_value(self, sc, e, d):
        """x++ / x-- (the old value) or ++x / --x (the new one) as the only access to memory of
        a new local's initialiser."""
        ps = self.writable(sc, lambda p: p.ty.kind in ("int", "float")
                           and (p.compoundable() or p.via_ptr))
        if not ps:
            return False
        p = self.pick(ps)
        t = p.ty
        tgt = p.target(self, sc)
        if tgt.startswith("deref "):
            tgt = f"({tgt})"
        op = self.pick(["++", "--"])
        x = f"{op}{tgt}" if self.chance(0.4) else f"{tgt}{op}"
        r = self.r.random()
        if r < 0.6:
            v = sc.add(Var(self.fresh("v"), t))
            e(self.decl(v.name, t, x))
        elif r < 0.8:
            ops = ["+", "-", "*"] + (["^", "|", "&"] if t.kind == "int" else [])
            lit = self.int_lit(t, True) if t.kind == "int" else self.float_lit(t, True)
            v = sc.add(Var(self.fresh("v"), t))
            e(f"var {v.name}: {t} = ({x} {self.pick(ops)} {lit});")
        else:
            lit = self.int_lit(t, True) if t.kind == "int" else self.float_lit(t, True)
            v = sc.add(Var(self.fresh("v"), BOOL))
            e(f"var {v.name}: bool = ({x} {self.pick(['<', '<=', '>', '>=', '==', '!='])} {lit});")

    # ------------------------------------------------------------------ compile-time chains
    def ct_atom(self):
        """(text, value) of a compile-time condition the generator evaluates itself."""
        k = self.r.randrange(8)
        sized = [t for t in INTS + [BOOL] + ([F32, F64] if self.on("floats") else [])]
        size = {8: 1, 16: 2, 32: 4, 64: 8}
        if k == 0:
            v = self.chance(0.5)
            return ("true" if v else "false"), v
        if k == 1:
            t = self.pick(sized)
            n = 1 if t is BOOL else size[t.bits]
            if self.chance(0.3):
                m = self.pick([1, 2, 3, 4])
                t, n = ArrTy(t, m), n * m
            op = self.pick(["==", "!=", "<", ">", "<=", ">="])
            c = self.pick([1, 2, 4, 8, 16, n])
            return f"sizeOf({t}) {op} {c}", eval(f"{n} {op} {c}")
        if k == 2:
            t = self.pick(INTS)
            f = self.pick(["isSigned", "isUnsigned"])
            return f"{f}({t})", t.signed == (f == "isSigned")
        if k == 3:
            t = self.pick(sized)
            f = self.pick(["isInteger", "isFloat", "isBool"])
            want = {"isInteger": "int", "isFloat": "float", "isBool": "bool"}[f]
            return f"{f}({t})", t.kind == want
        if k == 4:
            f, v = self.pick([("is64Bit", True), ("is32Bit", False), ("isLittleEndian", True),
                              ("isBigEndian", False)])
            return f"{f}()", v
        if k == 5:
            t = self.pick(INTS)
            c = self.pick([8, 16, 32, 64])
            return f"typeWidth({t}) == {c}", t.bits == c
        if k == 6:
            t = self.pick(INTS)
            c = self.pick([1, 2, 4, 8])
            return f"alignOf({t}) == {c}", size[t.bits] == c
        if not self.ct_consts:
            return "true", True
        name, t, val = self.pick(self.ct_consts)
        op = self.pick(["==", "!=", "<", ">", "<=", ">="])
        c = self.pick([val, val + 1, val - 1, 0, 100]) if t.signed else \
            self.pick([val, val + 1, max(val - 1, 0), 0, 100])
        return f"{name} {op} {c}", eval(f"{val} {op} {c}")

    def ct_cond(self, d=2):
        if d <= 0 or self.chance(0.4):
            return self.ct_atom()
        r = self.r.random()
        a, va = self.ct_cond(d - 1)
        if r < 0.25:
            return f"!({a})", not va
        b, vb = self.ct_cond(d - 1)
        if r < 0.6:
            return f"({a}) && ({b})", va and vb
        return f"({a}) || ({b})", va or vb

    def ct_true(self):
        c, v = self.ct_cond()
        return c if v else f"!({c})"

    def ct_chain(self):
        """An @if chain: [(head, kept)] with heads `@if(c)`, `@elif(c)` or `@else if(c)`,
        `@else`; exactly the first branch whose condition is true is kept."""
        heads, kept = [], None
        for i in range(self.r.randint(1, 3)):
            c, v = self.ct_cond()
            if i == 0:
                h = f"@if({c})"
            else:
                h = f"@elif({c})" if self.chance(0.7) else f"@else if({c})"
            heads.append(h)
            if v and kept is None:
                kept = i
        if kept is None or self.chance(0.6):
            heads.append("@else")
            if kept is None:
                kept = len(heads) - 1
        return heads, kept

    def dead_junk(self, e):
        """Something that must not be resolved: only in a branch that is not kept (10.6)."""
        k = self.r.randrange(5)
        if k == 0:
            e(f"fz_no_such_function_{self.names}(1, nothing);")
        elif k == 1:
            e('compileError("this branch is not kept");')
        elif k == 2:
            e('staticAssert(false, "this branch is not kept");')
        elif k == 3:
            e(f"var junk{self.names}: NoSuchType = 1;")

    def st_ct_if(self, sc, e, d):
        heads, kept = self.ct_chain()
        if self.chance(0.35):
            # Single-declaration branches: the kept one is spliced into this block (10.6).
            t = self.pick(self.scalar_types())
            name = self.fresh("v")
            parts = []
            for i, h in enumerate(heads):
                saved = self.cost
                init = self.expr(t, sc, 2, True)
                if i != kept:
                    self.cost = saved
                if init is None:
                    return False
                parts.append(f"{h} var {name}: {t} = {init};")
            for p in parts:
                e(p)
            sc.add(Var(name, t))
            return
        if d <= 0:
            return False
        for i, h in enumerate(heads):
            e(("" if i == 0 else "} ") + h + " {")
            if i == kept:
                self.sub_block(sc, e, d)
            else:
                saved = self.cost
                e.ind += 1
                self.dead_junk(e)
                e.ind -= 1
                self.sub_block(sc, e, d, n=self.r.randint(0, 2))
                self.cost = saved
        e("}")

    def st_static_assert(self, sc, e, d):
        self.nassert += 1
        e(f'staticAssert({self.ct_true()}, "fz assertion {self.nassert}");')

    # ------------------------------------------------------------------ new loops, vectors
    def st_while_var(self, sc, e, d):
        """while var w: T = 0; cond; { ... } with the counter scoped to the loop, counting
        first (in the body, or with w++ in the condition)."""
        n = self.loop_trips()
        t = self.loop_counter_type()
        w = self.fresh("w")
        counter = Var(w, t, writable=False, bound=n + 1)
        if self.on("postfix_value") and self.chance(0.3):
            e(f"while var {w}: {t} = 0; {w}++ < {n}; {{")
            pre = lambda s, _: s.add(counter)
        else:
            e(f"while var {w}: {t} = 0; {w} < {n}; {{")

            def pre(s, em):
                em(f"{w} += 1;")
                s.add(counter)
        self.in_loop_body(n, lambda: self.sub_block(sc, e, d, pre=pre))
        e("}")

    def st_nested_loops(self, sc, e, d):
        """Two nested loops whose inner body may leave both (breakall) or start the outer one's
        next iteration (continueall), under a data-dependent condition."""
        n1, n2 = self.pick([2, 3, 4, 5]), self.pick([2, 3, 4, 6])
        if not self.affordable(n1 * n2 * 4):
            return False
        i, j = self.fresh("i"), self.fresh("j")
        ti, tj = self.loop_counter_type(), self.loop_counter_type()
        ci = Var(i, ti, writable=False, bound=n1)
        cj = Var(j, tj, writable=False, bound=n2)
        e(f"for var {i}: {ti} = 0; {i} < {n1}; {i} += 1; {{")
        outer = Scope(sc)
        outer.add(ci)

        def inner_body():
            inner = Scope(outer)
            inner.add(cj)
            e.ind += 1
            self.block(inner, e, self.r.randint(0, 2), d - 2)
            for _ in range(self.r.randint(1, 2)):
                if self.chance(0.5):
                    cond = f"(({i} as u32) + ({j} as u32)) {self.pick(['==', '>=', '>'])} {self.r.randrange(1, n1 + n2)}"
                else:
                    cond = self.bool_expr(inner, 1)
                e(f"if {cond} {{ {self.pick(['breakall', 'continueall', 'break', 'continue'])}; }}")
                self.block(inner, e, self.r.randint(0, 2), d - 2)
            e.ind -= 1

        def outer_body():
            e.ind += 1
            self.block(outer, e, self.r.randint(0, 2), d - 1)
            if self.chance(0.5):
                e(f"for var {j}: {tj} = 0; {j} < {n2}; {j}++; {{")
            else:
                e(f"while var {j}: {tj} = 0; {j} < {n2}; {{")
                e(f"    {j} += 1;")
                cj.bound = n2 + 1
            self.in_loop_body(n2, inner_body)
            e("}")
            self.block(outer, e, self.r.randint(0, 2), d - 1)
            e.ind -= 1
        self.in_loop_body(n1, outer_body)
        e("}")

    def st_vec_write(self, sc, e, d):
        """v[i] = e on a vector variable, or through an arrow place (`s->f[i]`, `a->[j][i]`,
        `p->f[i]`) when the vector is inside an aggregate."""
        ps = self.writable(sc, lambda p: isinstance(p.ty, VecTy) and
                           ((not p.steps and not p.via_ptr) or self.on("arrow")))
        if not ps:
            return False
        p = self.pick(ps)
        if p.var.static and self.cur is not None:
            self.cur.pure = False
        base = p.var.name if not p.steps and not p.via_ptr else p.arrow(self, sc)
        el = p.ty.elem
        idx = self.index(p.ty.n, sc)
        if self.chance(0.3):
            ops = ["+=", "-=", "*="] + (["^=", "|=", "&="] if el.kind == "int" else [])
            e(f"{base}[{idx}] {self.pick(ops)} {self.expr(el, sc, 2, True)};")
        else:
            e(f"{base}[{idx}] = {self.expr(el, sc, self.depth, True)};")

    def st_dealloc(self, sc, e, d):
        """A local whose deallocator runs when its block is left (4.1)."""
        if self.cur is not None:
            self.cur.pure = False
        boxes = [st for st in self.structs if st.generic and st.text.startswith("Box[")]
        t = self.dealloc_ty
        if boxes and self.chance(0.3):
            t = self.pick(boxes)
        name = self.fresh("d")
        init = self.struct_new(t, sc, 2) if self.chance(0.7) else self.expr(t, sc, 2, True)
        if init is None:
            return False
        k = self.r.randrange(6)
        if k == 0 and self.on("infer_var"):
            e(f"var {name} @dealloc := {init};")
        elif k == 1:
            e(f"var {name}: {t} @dealloc = {init};")
        elif k == 2 and t is self.dealloc_ty:
            e(f"var {name} @dealloc(fz_drop_v): {t} = {init};")
        elif k == 3 and t is self.dealloc_ty:
            e(f"var {name} @dealloc(fz_drop): {t} = {init};")
        else:
            e(f"var {name} @dealloc: {t} = {init};")
        sc.add(Var(name, t))

    def local_type(self, fnvalues=True):
        if fnvalues and self.on("native_vector") and self.chance(0.08):
            return self.pick(self.vec_types())
        r = self.r.random()
        if r < 0.6 or not (self.on("structs") or self.on("arrays")):
            return self.pick(self.scalar_types())
        if r < 0.8 and self.on("arrays"):
            el = self.pick(self.scalar_types())
            if self.chance(0.15):
                el = ArrTy(el, self.pick([2, 3, 4]))
            elif fnvalues and self.on("native_vector") and self.chance(0.08):
                el = self.pick(self.vec_types())
            elif self.chance(0.2) and self.structs:
                el = self.pick(self.structs)
            return ArrTy(el, self.pick([1, 2, 3, 4, 5, 8, 16]))
        fts = [ft for ft in self.fntys if self.funcs_of(ft)] if self.on("fnvalues") and fnvalues else []
        if r < 0.9 and fts:
            ft = self.pick(fts)
            return ArrTy(ft, self.pick([1, 2, 3])) if self.chance(0.4) else ft
        if self.structs and self.on("structs"):
            return self.pick(self.structs)
        return self.pick(self.scalar_types())

    def st_assign(self, sc, e, d):
        ps = self.writable(sc, lambda p: not isinstance(p.ty, (RunTy, FnTy, PtrTy))
                           or (isinstance(p.ty, FnTy) and self.funcs_of(p.ty)))
        if not ps:
            return False
        p = self.pick(ps)
        if isinstance(p.ty, FnTy):
            e(f"{p.target(self, sc)} = {self.fn_expr(p.ty, sc)};")
            return
        val = self.expr(p.ty, sc, self.depth, True)
        target = p.target(self, sc)
        if val is None or val == target or val == f"(deref {target})":
            return False
        e(f"{target} = {val};")

    def st_compound(self, sc, e, d):
        ps = self.writable(sc, lambda p: p.ty.kind in ("int", "float") and p.compoundable())
        if not ps:
            return False
        p = self.pick(ps)
        t = p.ty
        if t.kind == "float":
            op = self.pick(["+=", "-=", "*=", "/="])
            e(f"{p.target(self, sc)} {op} {self.float_expr(t, sc, self.depth, True)};")
            return
        ops = ["+=", "-=", "*=", "&=", "|=", "^="]
        if self.on("shifts"):
            ops += ["<<=", ">>="]
        if self.on("divmod"):
            ops += ["/=", "%="]
        op = self.pick(ops)
        if op in ("<<=", ">>="):
            rhs = self.shift_amount(t, sc, 1)
        elif op in ("/=", "%="):
            rhs = self.safe_divisor(t, sc, 1)
        else:
            rhs = self.int_expr(t, sc, self.depth, True)
        e(f"{p.target(self, sc)} {op} {rhs};")

    def st_incdec(self, sc, e, d):
        ps = self.writable(sc, lambda p: p.ty.kind == "int" and p.compoundable())
        if not ps:
            return False
        p = self.pick(ps)
        if self.on("postfix_value") and self.chance(0.4):
            e(f"{self.pick(['++', '--'])}{p.target(self, sc)};")
            return
        e(f"{p.target(self, sc)}{self.pick(['++', '--'])};")

    def st_if(self, sc, e, d):
        e(f"if {self.bool_expr(sc, 2)} {{")
        self.sub_block(sc, e, d)
        for _ in range(self.r.randrange(3) if self.chance(0.5) else 0):
            e(f"}} elif {self.bool_expr(sc, 2)} {{")
            self.sub_block(sc, e, d)
        if self.chance(0.5):
            e("} else {")
            self.sub_block(sc, e, d)
        e("}")

    def sub_block(self, sc, e, d, pre=None, n=None):
        inner = Scope(sc)
        e.ind += 1
        if pre:
            pre(inner, e)
        self.block(inner, e, n if n is not None else self.r.randint(1, 4), d - 1)
        e.ind -= 1

    def loop_counter_type(self):
        return self.pick([S32, U32, U8, INTS[3], INTS[9], INTS[1], INTS[5]])

    def loop_trips(self):
        n = self.pick([1, 2, 3, 4, 5, 8, 10, 16])
        while n > 1 and not self.affordable(n * 3):
            n //= 2
        return n

    def in_loop_body(self, n, fn):
        self.mult *= n
        self.in_loop += 1
        try:
            fn()
        finally:
            self.in_loop -= 1
            self.mult //= n

    def st_for(self, sc, e, d):
        n = self.loop_trips()
        t = self.loop_counter_type()
        i = self.fresh("i")
        if self.chance(0.7):
            action = self.pick([f"{i} += 1", f"{i}++", f"{i} = {i} + 1"]
                               + ([f"++{i}"] if self.on("postfix_value") else []))
            e(f"for var {i}: {t} = 0; {i} < {n}; {action}; {{")
            bound = n
        else:
            action = self.pick([f"{i} -= 1", f"{i}--"]
                               + ([f"--{i}"] if self.on("postfix_value") else []))
            e(f"for var {i}: {t} = {n}; {i} > 0; {action}; {{")
            bound = n + 1
        counter = Var(i, t, writable=False, bound=bound)
        self.in_loop_body(n, lambda: self.sub_block(sc, e, d, pre=lambda s, _: s.add(counter)))
        counter.bound = bound
        e("}")

    def st_while(self, sc, e, d):
        n = self.loop_trips()
        t = self.loop_counter_type()
        w = self.fresh("w")
        e(f"var {w}: {t} = 0;")
        sc.add(Var(w, t, writable=False))
        e(f"while {w} < {n} {{")
        e.ind += 1
        e(f"{w} += 1;")
        e.ind -= 1
        self.in_loop_body(n, lambda: self.sub_block(sc, e, d))
        e("}")

    def st_loop(self, sc, e, d):
        n = self.loop_trips()
        t = self.loop_counter_type()
        w = self.fresh("w")
        e(f"var {w}: {t} = 0;")
        sc.add(Var(w, t, writable=False))
        e("loop {")
        e.ind += 1
        e(f"if {w} >= {n} {{ break; }}")
        e(f"{w} += 1;")
        e.ind -= 1
        self.in_loop_body(n, lambda: self.sub_block(sc, e, d))
        e("}")

    def st_fnvalue_call(self, sc, e, d):
        """Calls a function value in scope (a local, a parameter, an array element) and keeps
        the result in a new local."""
        rets = [v.ty.ret for v in sc.all_vars() if isinstance(v.ty, FnTy)]
        rets += [v.ty.elem.ret for v in sc.all_vars()
                 if isinstance(v.ty, ArrTy) and isinstance(v.ty.elem, FnTy)]
        if not rets:
            return False
        t = self.pick(rets)
        c = self.fnvalue_call(t, sc, 2)
        if c is None:
            return False
        v = sc.add(Var(self.fresh("v"), t))
        e(f"var {v.name}: {t} = {c};")

    def st_printf(self, sc, e, d):
        """printf of a few values: narrow integers, bool and char are promoted to 32 bits, f32
        to f64 (8.2); floats are printed with %a unless NaN (whose sign is not portable)."""
        ints, floats = [], []
        for _ in range(self.r.randint(1, 5)):
            t = self.pick(self.scalar_types())
            init = self.expr(t, sc, 2, True)
            v = sc.add(Var(self.fresh("q"), t))
            e(f"var {v.name}: {t} = {init};")
            (floats if t.kind == "float" else ints).append(v)
        if ints:
            fmt = " ".join(printf_format(v.ty) for v in ints)
            e(f'printf("p {fmt}\\n", {", ".join(v.name for v in ints)});')
        for v in floats:
            e(f'if {v.name} == {v.name} {{ printf("p %a\\n", {v.name}); }}')
        self.charge(3)

    def st_break_continue(self, sc, e, d):
        kws = ["break", "continue"] + (["breakall", "continueall"] if self.on("breakall") else [])
        e(f"if {self.bool_expr(sc, 1)} {{ {self.pick(kws)}; }}")

    def st_early_return(self, sc, e, d):
        if self.cur is None or self.cur.name == "main":
            return False
        val = self.expr(self.cur.ret, sc, 2, True)
        if val is None:
            return False
        e(f"if {self.bool_expr(sc, 1)} {{ return {val}; }}")

    def st_call(self, sc, e, d):
        t = self.pick(self.value_types())
        c = self.call_expr(t, sc, 2)
        if c is None:
            return False
        e(f"{c};")

    def st_qsort(self, sc, e, d):
        arrs = [p for p in self.readable_arrays(sc)
                if p.ty.elem.kind in ("int", "float")
                or (isinstance(p.ty.elem, StructTy)
                    and any(ft.kind in ("int", "float") for _, ft in p.ty.elem.fields))]
        if not arrs:
            return False
        p = self.pick(arrs)
        n = p.ty.n
        k = self.r.randrange(n)
        m = self.r.randint(0, n - k)
        el = p.ty.elem
        if isinstance(el, StructTy):
            fname, ft = self.pick([(fn, ft) for fn, ft in el.fields if ft.kind in ("int", "float")])
            cmp = self.cmp_field_helper(el, fname, ft)
        else:
            cmp = self.cmp_helper(el)
        self.externs.add("qsort")
        self.charge(m * m + 5)
        e(f"qsort({p.place(self, sc)}[{k}], {m}, sizeOf({el}), {cmp});")

    def st_memcpy(self, sc, e, d):
        ps = [p for v in sc.all_vars() for p in paths_of(v)
              if isinstance(p.ty, (ArrTy, StructTy)) and p.address(self, sc) is not None
              and not containing_fn(p.ty)]
        if not ps:
            return False
        dst = self.pick(ps)
        srcs = [p for p in ps if p.ty == dst.ty]
        if self.chance(0.3) and not contains_bool(dst.ty):
            e(f"memset({dst.address(self, sc)}, {self.r.randrange(256)}, sizeOf({dst.ty}));")
            return
        src = self.pick(srcs)
        if isinstance(dst.ty, ArrTy) and self.chance(0.5):
            n = dst.ty.n
            k = self.r.randrange(n)
            j = self.r.randrange(n)
            m = self.r.randint(0, n - max(k, j))
            e(f"memmove({dst.place(self, sc)}[{k}], {src.place(self, sc)}[{j}], "
              f"{m} * sizeOf({dst.ty.elem}));")
            return
        fn = "memmove" if src.var is dst.var else "memcpy"   # memcpy must not overlap
        e(f"{fn}({dst.address(self, sc)}, {src.address(self, sc)}, sizeOf({dst.ty}));")

    def st_defer(self, sc, e, d):
        ps = self.writable(sc, lambda p: p.ty.kind == "int" and p.compoundable()
                           and p.var.depth <= sc.depth)
        if not ps:
            return False
        p = self.pick(ps)
        # The deferred statement runs when the block ends: only constant indices and values
        # that are still alive then.
        saved, self.lits = self.lits, None
        target = Path(p.var, p.steps, p.ty, p.via_ptr, p.packed).target(
            _ConstIndexGen(self), None)
        val = self.int_lit(p.ty, True)
        self.lits = saved
        e(f"defer {target} {self.pick(['+=', '^=', '|=', '-='])} {val};")

    def st_local_const(self, sc, e, d):
        t = self.pick(self.scalar_types())
        if self.chance(0.5):
            fs = [f for f in self.funcs if f.index < (self.cur.index if self.cur else 1 << 30)
                  and f.ret == t and all(ct_passable(pt) and (not isinstance(pt, FnTy)
                                                              or self.funcs_of(pt, f.index))
                                         for _, pt in f.params)]
            if fs:
                f = self.pick(fs)
                init = self.call_text(f, self.const_args(f))
            else:
                init = self.const_value(t)
        else:
            init = self.const_value(t)
        name = self.fresh("LC")
        sc.add(Var(name, t, writable=False))
        e(f"const {name}: {t} = {init};")

    def st_static_use(self, sc, e, d):
        if self.cur is None or self.cur.name == "main":
            return False
        t = self.pick(self.int_types())
        name = self.fresh("LS")
        saved, self.lits = self.lits, None
        init = self.int_lit(t, True)
        self.lits = saved
        e(f"static mut {name}: {t} = {init};")
        self.cur.pure = False
        v = sc.add(Var(name, t, static=True))
        e(f"{name} += {self.int_expr(t, sc, 1, True)};")
        return v

    def st_ptr_decl(self, sc, e, d):
        el = self.pick(self.scalar_types() + (self.structs if self.on("structs") else []))
        pt = PtrTy(el)
        cands = []
        for v in sc.all_vars():
            for p in paths_of(v):
                if p.ty == el and p.address(self, sc) is not None:
                    cands.append(p)
        if cands and self.chance(0.8):
            init = self.pick(cands).address(self, sc)
        else:
            init = f"halloc({el})"
            self.charge(2)
        e(self.decl(self.fresh('p'), pt, init))
        sc.add(Var(f"p{self.names}", pt))
        if isinstance(el, IntTy) and self.on("arrays"):
            # Pointer arithmetic inside one array.
            arrs = [p for p in self.readable_arrays(sc) if p.ty.elem == el]
            if arrs:
                a = self.pick(arrs)
                k = self.r.randrange(a.ty.n)
                e(self.decl(self.fresh('p'), pt, f"{a.place(self, sc)}[0] + {k}"))
                sc.add(Var(f"p{self.names}", pt))

    # ------------------------------------------------------------------ top level
    def make_structs(self):
        if not self.on("structs"):
            return
        for i in range(self.r.randint(1, 4)):
            fields = []
            small = self.chance(0.5)   # at most 16 bytes, often: the interesting C ABI cases
            for j in range(self.r.randint(1, 3 if small else 6)):
                r = self.r.random()
                if self.on("native_vector") and self.chance(0.06):
                    ft = self.pick(self.vec_types())
                elif r < 0.15 and self.structs:
                    ft = self.pick(self.structs)
                elif r < 0.3 and self.on("arrays"):
                    ft = ArrTy(self.pick(self.scalar_types()), self.pick([1, 2, 3, 4]))
                elif small:
                    ft = self.pick([t for t in self.scalar_types() if t.kind != "int" or t.bits <= 32]
                                   + ([F32, F32] if self.on("floats") else []))
                else:
                    ft = self.pick(self.scalar_types())
                fields.append((f"f{j}", ft))
            packed = self.on("packed") and self.chance(0.3)
            self.structs.append(StructTy(f"S{i}", fields, packed))

    def make_instances(self):
        """Instances of the generic structs Box[T] and Pair[A, B] used like the other structs
        (locals, fields read and written, parameters, results, arrays of them)."""
        if not self.on("generics"):
            return
        user = [st for st in self.structs if not st.generic]
        seen = set(st.text for st in self.structs)
        for _ in range(self.r.randint(1, 3)):
            k = self.r.random()
            if k < 0.45:
                st = box_of(self.pick(self.int_types() + ([F64, F32] if self.on("floats") else [])))
            elif k < 0.6 and user:
                st = box_of(self.pick(user))
            elif k < 0.85:
                a, b = self.pick(self.scalar_types()), self.pick(self.scalar_types())
                st = StructTy(f"Pair[{a}, {b}]", [("first", a), ("second", b)], False, True)
            elif k < 0.93 or not self.on("native_vector"):
                st = box_of(box_of(self.pick([U8, INTS[1], U64])))
            else:
                st = box_of(self.pick(self.vec_types()))
            if st.text not in seen:
                seen.add(st.text)
                self.structs.append(st)

    def struct_decl(self, st):
        fs = ", ".join(f"{n}: {t}" for n, t in st.fields)
        return f"struct {st}{' @packed' if st.packed else ''} {{ {fs} }}"

    def param_type(self, allow_fn=True):
        if self.on("native_vector") and self.chance(0.05):
            return self.pick(self.vec_types())
        r = self.r.random()
        if r < 0.55:
            return self.pick(self.scalar_types())
        if r < 0.65 and self.on("structs") and self.on("struct_params") and self.structs:
            return self.pick(self.structs)
        if r < 0.72 and self.on("pointers"):
            el = self.pick(self.scalar_types() + (self.structs if self.on("structs") else []))
            return PtrTy(el)
        if r < 0.8 and self.on("array_params") and self.on("arrays"):
            el = self.pick(self.scalar_types())
            if self.chance(0.5):
                return ArrTy(el, self.pick([2, 3, 4]))
            return RunTy(el, self.pick([1, 2, 4, 8]))
        if r < 0.9 and allow_fn and self.on("fnvalues") and self.fntys:
            fts = [ft for ft in self.fntys if self.funcs_of(ft)]
            if fts:
                return self.pick(fts)
        return self.pick(self.scalar_types())

    def ret_type(self):
        if self.on("native_vector") and self.chance(0.06):
            return self.pick(self.vec_types())
        r = self.r.random()
        if r < 0.75:
            return self.pick(self.scalar_types())
        if r < 0.9 and self.on("structs") and self.on("struct_params") and self.structs:
            return self.pick(self.structs)
        if self.on("array_params") and self.on("arrays"):
            return ArrTy(self.pick(self.scalar_types()), self.pick([2, 3, 4]))
        return self.pick(self.scalar_types())

    def fn_type_for(self, params, ret):
        key = sig_key(params, ret)
        for ft in self.fntys:
            if ft.sigkey == key:
                return ft
        ft = FnTy(f"FT{len(self.fntys)}", params, ret)
        self.fntys.append(ft)
        return ft

    def make_function(self, index):
        name = f"f{index}"
        same = [f for f in self.funcs if not f.ct_only and not f.recursive]
        if same and self.on("fnvalues") and self.chance(0.35):
            proto = self.pick(same)
            params = [(f"a{i}", t) for i, (_, t) in enumerate(proto.params)]
            ret = proto.ret
        else:
            params = [(f"a{i}", self.param_type())
                      for i in range(self.r.randint(1, self.max_params))]
            ret = self.ret_type()
        f = Func(name, params, ret, index)
        if not self.on("packed_fnvalue") and (containing_packed(ret) or
                                             any(containing_packed(t) for _, t in params)):
            f.no_value = True
        recursive = (self.on("recursion") and not any(g.recursive for g in self.funcs)
                     and index >= 2 and self.chance(0.3))
        if recursive:
            f.params = [("dep", U8)] + params
            f.recursive = True
        ct = (self.on("compiletime") and not recursive and self.chance(0.12)
              and all(t.scalar() for _, t in f.params))
        f.ct_only = ct
        self.funcs.append(f)   # visible to itself only through the recursion below
        self.cur = f
        lines = self.function_body(f, params, ret, recursive)
        f.cost = max(1, self.cost) * (8 if recursive else 1) + 2
        attrs = " @compiletime" if ct else ""
        ps = ", ".join(f"{n}: {t}" for n, t in f.params)
        head = f"fn {name}({ps}) {ret}{attrs}"
        text = f"{head} {{\n" + "\n".join(lines) + "\n}\n"
        if self.on("ct_if") and self.chance(0.15):
            # Two or more definitions of this function, one kept by a top-level @if chain; the
            # others are parsed only (and may use names that do not exist).
            kept_cost = self.cost
            heads, kept = self.ct_chain()
            parts = []
            for i, h in enumerate(heads):
                if i == kept:
                    body = text
                else:
                    body = (f"{head} {{\n" + "\n".join(self.function_body(
                        f, params, ret, recursive, dead=True)) + "\n}\n")
                if self.chance(0.7):
                    parts.append(f"{h} {{\n{body}}}")
                else:
                    parts.append(f"{h}\n{body.rstrip()}")
            self.cost = kept_cost
            text = "\n".join(parts) + "\n"
        if (self.on("fnvalues") and not recursive and not ct and not f.no_value
                and self.chance(0.6)):
            self.fn_type_for([t for _, t in f.params], ret)
        self.cur = None
        return text

    def function_body(self, f, params, ret, recursive, dead=False):
        """The statements of f's body; dead: a definition that an @if chain does not keep."""
        name = f.name
        self.cost, self.mult, self.limit = 0, 1, FUNC_BUDGET // (8 if recursive or dead else 1)
        e = Emitter()
        sc = Scope()
        for g in self.statics_a:
            sc.add(g)
        for pname, pt in f.params:
            if isinstance(pt, StructTy):
                sc.add(Var(pname, pt, fields=False))
            else:
                sc.add(Var(pname, pt, writable=pname != "dep"))
        body = Scope(sc)
        if dead:
            self.dead_junk(e)
        for pname, pt in params:
            if isinstance(pt, StructTy) and self.chance(0.8):
                body.add(Var(f"{pname}c", pt))
                e(f"var {pname}c: {pt} = {pname};")
        for pname, pt in params:
            if isinstance(pt, FnTy) and self.chance(0.8):
                self.st_fnvalue_call(body, e, 3)
        if recursive:
            e(f"var dd: u8 = dep & 7;")
            body.add(Var("dd", U8, writable=False))
            e(f"if dd == 0 {{ return {self.expr(ret, body, 2, True)}; }}")
            args = self.args_for(Func("", params, ret, 0), body, 1)
            if args is None:
                args = []
            else:
                call = self.render_call(name, ["dep"] + [n for n, _ in params],
                                        ["dd - 1"] + args)
                e(f"var rec: {ret} = {call};")
                body.add(Var("rec", ret))
        self.block(body, e, self.r.randint(1, 3) if dead else self.r.randint(3, 9), 3)
        if isinstance(ret, StructTy) and ret.generic and self.chance(0.3):
            e(f"return {self.struct_new(ret, body, self.depth, expected=True)};")
        else:
            e(f"return {self.expr(ret, body, self.depth, True)};")
        return e.lines

    def make_variadics(self):
        """Thrust @arbitraryArgs functions: two loops over extras of one promoted type (one with
        the hidden count, one @noArgCount reading them also through arbitraryArgsStart), and
        one or two reading a fixed sequence of promoted types."""
        if not self.on("variadic"):
            return []
        out = [
            "fn fz_vsum(n: s32) s64 @arbitraryArgs {\n"
            "    var t: s64 = arbitraryArgsCount() as s64;\n"
            "    for var i: s32 = 0; i < n; i++; { t = (t * 3) + arbitraryArg(s64); }\n"
            "    return t;\n}\n",
            "fn fz_vsum32(n: s32) s64 @arbitraryArgs @noArgCount {\n"
            "    var l: ptr = arbitraryArgsStart();\n"
            "    var a: s64 = 0;\n"
            "    for var i: s32 = 0; i < n; i++; { a = (a * 7) + (arbitraryArgFrom(l, s32) as s64); }\n"
            "    arbitraryArgsEnd(l);\n"
            "    var t: s64 = 0;\n"
            "    for var i: s32 = 0; i < n; i++; { t = (t * 5) - (arbitraryArg(s32) as s64); }\n"
            "    return t ^ a;\n}\n"]
        self.variadics += [("fz_vsum", "loop", "s64"), ("fz_vsum32", "loop", "s32")]
        classes = [c for c in PROMOTED if c != "f64" or self.on("floats")]
        for k in range(self.r.randint(1, 2)):
            slots = [self.pick(classes) for _ in range(self.r.randint(1, 8))]
            counted = self.chance(0.5)
            name = f"fz_vmix{k}"
            lines = [f"fn {name}(k: u32) u64 @arbitraryArgs{'' if counted else ' @noArgCount'} {{",
                     "    var h: u64 = (k as u64) + 7;"]
            for c in slots:
                v = to_u64(self, f"arbitraryArg({c})", F64) if c == "f64" else \
                    f"(arbitraryArg({c}) as u64)"
                lines.append(f"    h = (h * 31) ^ {v};")
            if counted:
                lines.append("    h = h + (arbitraryArgsCount() as u64);")
            lines.append("    return h;\n}\n")
            out.append("\n".join(lines))
            self.variadics.append((name, "fixed", slots))
        return out

    def make_ct_consts(self, out):
        """Constants whose values the generator knows, for @if and staticAssert conditions; a
        constant chosen by a top-level @if chain; top-level static assertions."""
        for i in range(self.r.randint(1, 3)):
            t = self.pick([S32, S64, U32, INTS[5]])
            a, b = self.r.randrange(0, 200), self.r.randrange(0, 200)
            op = self.pick(["+", "-", "*"])
            if op == "-" and not t.signed and a < b:
                a, b = b, a
            name = f"CI{i}"
            out.append(f"const {name}: {t} = {a} {op} {b};")
            self.ct_consts.append((name, t, eval(f"{a} {op} {b}")))
            self.tier_a.append(Var(name, t, writable=False))
        if self.chance(0.6):
            heads, kept = self.ct_chain()
            t = self.pick(self.int_types())
            for h in heads:
                out.append(f"{h} const CS0: {t} = {self.int_lit(t, True)};")
            self.tier_a.append(Var("CS0", t, writable=False))
        for _ in range(self.r.randint(0, 2)):
            self.nassert += 1
            out.append(f'staticAssert({self.ct_true()}, "fz top-level assertion {self.nassert}");')

    def make_tier_a(self, out):
        """Global constants from literals and constant expressions (folded by the frontend, and
        recomputed at run time in main), and static mut state the functions may use."""
        for i in range(self.r.randint(1, 5)):
            t = self.pick(self.scalar_types())
            name = f"A{i}"
            if self.on("constexpr") and self.chance(0.7):
                self.lits = []
                text = self.expr(t, None, 3, False)
                lits, self.lits = self.lits, None
                ct = render_lits(text, lits, lambda k, lit: lit)
                out.append(f"const {name}: {t} = {ct};")
                self.twins.append((name, name, text, lits, t))
            else:
                out.append(f"const {name}: {t} = {self.const_value(t)};")
            self.tier_a.append(Var(name, t, writable=False))
        if self.on("arrays") and self.chance(0.6):
            at = ArrTy(self.pick(self.scalar_types()), self.pick([2, 4, 5, 8]))
            out.append(f"const TA: {at} = {self.const_value(at)};")
            self.tier_a.append(Var("TA", at, writable=False))
        if self.on("statics"):
            for i in range(self.r.randint(0, 3)):
                t = self.pick(self.int_types() + ([F64] if self.on("floats") else []))
                if self.chance(0.4):
                    t = self.local_type(fnvalues=False)
                name = f"SA{i}"
                init = f" = {self.const_value(t)}" if self.chance(0.8) else ""
                out.append(f"static mut {name}: {t}{init};")
                self.statics_a.append(Var(name, t, static=True))
        if self.on("ct_if"):
            self.make_ct_consts(out)

    def make_strings(self, out):
        """A function choosing among string literals (with escapes) and one building a string in
        a zeroed buffer; constants initialised by both are compile-time string results."""
        lits = STRING_LITS
        n = self.r.randint(2, 4)
        chosen = [self.pick(lits) for _ in range(n)]
        body = ["fn fz_str_pick(k: u32) const array[char] {"]
        for i, l in enumerate(chosen[:-1]):
            body.append(f"    if (k % {n}) == {i} {{ return {l}; }}")
        body.append(f"    return {chosen[-1]};\n}}\n")
        body.append("fn fz_str_build(n: u32, c: u8) array[char] {")
        body.append("    var b: ptr[char] = halloc(array[char; 32]) as ptr[char];")
        body.append("    for var i: u32 = 0; i < (n % 31); i += 1; {")
        body.append("        b[i] = ((97 + ((c + (i as u8)) % 26)) as char);")
        body.append("    }")
        body.append("    return b;\n}\n")
        for i in range(self.r.randint(1, 3)):
            k, m, c = self.r.randrange(1000), self.r.randrange(40), self.r.randrange(256)
            if self.chance(0.5):
                call = f"fz_str_pick({k})"
                out.append(f"const STR{i}: const array[char] = {call};")
            else:
                call = f"fz_str_build({m}, {c})"
                out.append(f"const STR{i}: array[char] = {call};")
            self.strings.append((f"STR{i}", call))
        return "\n".join(body)

    def make_tier_b(self, out):
        """Global constants and statics whose initialisers call the generated functions, so that
        they run at compile time."""
        if not self.on("consts"):
            return
        fs = [f for f in self.funcs if all(ct_passable(t) and (not isinstance(t, FnTy)
                                                                or self.funcs_of(t, f.index))
                                           for _, t in f.params)]
        for i in range(self.r.randint(1, 6)):
            if not fs:
                break
            f = self.pick(fs)
            kind = self.pick(["const", "const", "static mut", "static"])
            name = f"K{i}" if kind == "const" else f"G{i}"
            args = self.const_args(f)
            call = self.call_text(f, args)
            out.append(f"{kind} {name}: {f.ret} = {call};")
            self.globals_b.append((Var(name, f.ret, writable=kind == "static mut"), f, call))

    def make_main(self):
        self.cur = Func("main", [], S32, 1 << 30)
        self.cost, self.mult, self.limit = 0, 1, MAIN_BUDGET
        e = Emitter()
        sc = Scope()
        e("var h: u64 = 0;")
        for g in self.statics_a:
            sc.add(g)
        if self.dealloc_ty is not None:
            # The deallocators' counter (declared with them): read by main only, so that the
            # other functions stay pure unless they deallocate.
            sc.add(Var("FZ_DROPS", U64, writable=False, static=True))
        # Arrays that array[T] parameters can point into.
        runs = {}
        for f in self.funcs:
            for _, t in f.params:
                if isinstance(t, RunTy):
                    runs[str(t.elem)] = max(runs.get(str(t.elem), 0), t.n, 8)
        for el in self.scalar_types():
            if str(el) in runs:
                at = ArrTy(el, runs[str(el)])
                e(f"var m{el}: {at} = {self.arr_expr(at, None, 1)};")
                sc.add(Var(f"m{el}", at))
        for v, f, call in self.globals_b:
            if v.writable or v.ty.scalar():
                sc.add(Var(v.name, v.ty, writable=v.writable))
        # Every function called once directly, then random statements.
        for f in self.funcs:
            if f.ct_only:
                continue
            args = self.args_for(f, sc, 2)
            if args is None:
                continue
            self.note_call(f)
            self.charge(f.cost)
            r = self.fresh("r")
            if self.on("infer_var") and self.chance(0.3):
                e(f"var {r} := {self.call_text(f, args)};")
            else:
                e(f"var {r}: {f.ret} = {self.call_text(f, args)};")
            sc.add(Var(r, f.ret))
        self.block(sc, e, self.r.randint(4, 12), 3)
        # Check every global and every local of main.
        for v in list(sc.all_vars()):
            if not isinstance(v.ty, (PtrTy, RunTy, FnTy)) and not containing_fn(v.ty):
                self.check(e, v.name, v.ty, is_var=True)
        for v, f, call in self.globals_b:
            if not any(x.name == v.name for x in sc.all_vars()):
                self.check(e, v.name, v.ty, is_var=False)
        for v in self.tier_a:
            self.check(e, v.name, v.ty, is_var=False)
        self.emit_twins(e)
        for name, call in self.strings:
            e(f'printf("s %s|%s\\n", {name}, {call});')
        e('printf("checksum %lu\\n", h);')
        e("return ((h & 31) + 32) as s32;")
        self.cur = None
        return "fn main() s32 @public {\n" + "\n".join(e.lines) + "\n}\n"

    def emit_twins(self, e):
        """Compile-time values recomputed at run time: constant expressions with their literals
        held in locals, and pure initialiser calls evaluated again."""
        for name, ct, text, lits, t in self.twins:
            holders = []
            for k, (lit, lt) in enumerate(lits):
                hname = self.fresh("z")
                e(f"var {hname}: {lt} = {lit};")
                holders.append(hname)
            rt = render_lits(text, lits, lambda k, lit: holders[k])
            self.compare_twin(e, name, name, rt, t)
        for v, f, call in self.globals_b:
            if f.pure and (not v.writable):
                self.compare_twin(e, v.name, v.name, call, v.ty)

    def compare_twin(self, e, label, ct, rt, t):
        a, b = self.fresh("ta"), self.fresh("tb")
        e(f"var {a}: {t} = {ct};")
        e(f"var {b}: {t} = {rt};")
        ha, hb = self.fresh("ha"), self.fresh("hb")
        e(f"var {ha}: u64 = 0;")
        e(f"var {hb}: u64 = 0;")
        for path in leaf_paths(a, t):
            e(f"{ha} = fz_mix({ha}, {to_u64(self, path[0], path[1])});")
        for path in leaf_paths(b, t):
            e(f"{hb} = fz_mix({hb}, {to_u64(self, path[0], path[1])});")
        e(f'if {ha} != {hb} {{ printf("FZ-MISMATCH {label} %lu %lu\\n", {ha}, {hb}); }}')

    def check(self, e, text, t, is_var):
        if not is_var:
            tmp = self.fresh("t")
            e(f"var {tmp}: {t} = {text};")
            text = tmp
        for path, lt in leaf_paths(text, t):
            self.nlabel += 1
            e(f"h = fz_chk(h, {self.nlabel}, {to_u64(self, path, lt)});")

    def generate(self):
        out = []
        self.make_structs()
        self.make_instances()
        if self.on("dealloc"):
            self.dealloc_ty = StructTy("FzD", [("k", U64), ("tag", U8)], False)
        self.variadic_decls = self.make_variadics()
        tier_a = []
        self.make_tier_a(tier_a)
        funcs = []
        for i in range(self.r.randint(3, 8)):
            funcs.append(self.make_function(i))
        tier_b = []
        self.make_tier_b(tier_b)
        if self.on("strings"):
            funcs.append(self.make_strings(tier_b))
        main = self.make_main()
        self.helpers.setdefault("fz_mix", (
            "fn fz_mix(h: u64, v: u64) u64 {\n"
            "    var x: u64 = (h ^ v) * 1099511628211;\n"
            "    return x ^ (x >> 29);\n}\n"))
        self.helpers.setdefault("fz_chk", (
            "fn fz_chk(h: u64, id: s32, v: u64) u64 {\n"
            '    printf("c%d %lu\\n", id, v);\n'
            "    return fz_mix(h, v);\n}\n"))
        feats = ",".join(sorted(set(FEATURES) - self.feat))
        out.append(f"// thrustc fuzz program: gen.py seed {self.seed}"
                   + (f", off: {feats}" if feats else ""))
        out.append('fn printf(fmt: const array[char]) s32 @extern("printf") @arbitraryArgs;')
        if "qsort" in self.externs:
            out.append('fn qsort(base: ptr, n: usize, size: usize, cmp: Fn[ptr, ptr] -> s32) '
                       '@extern("qsort");')
        if "memcmp" in self.externs:
            out.append('fn memcmp(a: ptr, b: ptr, n: usize) s32 @extern("memcmp");')
        for m in ("sqrt", "floor", "fabs"):
            if m in self.externs:
                out.append(f'fn {m}(x: f64) f64 @extern("{m}");')
            if m + "f" in self.externs:
                out.append(f'fn {m}f(x: f32) f32 @extern("{m}f");')
        for st in self.structs:
            if not st.generic:
                out.append(self.struct_decl(st))
        if self.on("generics"):
            out.append(GENERIC_DECLS)
        if self.dealloc_ty is not None:
            out.append(DEALLOC_DECLS)
            if self.on("generics"):
                out.append(GENERIC_DEALLOC)
        out += self.variadic_decls
        for ft in self.fntys:
            out.append(f"type {ft} = {ft.sig};")
        out += tier_a
        out.append("")
        if self.chance(0.3):
            out += tier_b + [""] + funcs
        else:
            out += funcs + tier_b + [""]
        out += list(self.helpers.values())
        out.append(main)
        return "\n".join(out)


class _ConstIndexGen:
    """Renders paths with constant indices (for deferred statements)."""

    def __init__(self, g):
        self.g = g
        self.cur = g.cur

    def index(self, n, sc):
        return str(self.g.r.randrange(n))


def containing_fn(t):
    if isinstance(t, FnTy):
        return True
    if isinstance(t, StructTy):
        return any(containing_fn(ft) for _, ft in t.fields)
    if isinstance(t, (ArrTy, RunTy, PtrTy)):
        return containing_fn(t.elem)
    return False


def is_plain_literal(text):
    """An untyped literal (`5`, `-3`, `0x1f`, `1.5`): typed expressions are parenthesised,
    names and calls start with a letter, char literals with a quote."""
    return not text.startswith("(") and not text[0].isalpha() and text[0] not in "'@"


def printf_format(t):
    if isinstance(t, IntTy):
        if t.bits == 64:
            return "%ld" if t.signed else "%lu"
        return "%d" if t.signed else "%u"
    return "%d"   # bool


def contains_bool(t):
    if isinstance(t, BoolTy):
        return True
    if isinstance(t, StructTy):
        return any(contains_bool(ft) for _, ft in t.fields)
    if isinstance(t, ArrTy):
        return contains_bool(t.elem)
    return False


def ct_passable(t):
    """Can a constant initialiser pass a value of this type (no pointers into storage)?"""
    if isinstance(t, (PtrTy, RunTy)):
        return False
    if isinstance(t, ArrTy):
        return ct_passable(t.elem)
    if isinstance(t, StructTy):
        return all(ct_passable(ft) for _, ft in t.fields)
    return True


def leaf_paths(text, t):
    """(expression, scalar type) for every scalar inside a variable of type t."""
    if t.scalar():
        return [(text, t)]
    if isinstance(t, VecTy):
        return [(f"{text}[{i}]", t.elem) for i in range(t.n)]
    out = []
    if isinstance(t, StructTy):
        for n, ft in t.fields:
            out += leaf_paths_place(f"{text}.{n}", ft)
    elif isinstance(t, ArrTy):
        for i in range(t.n):
            out += leaf_paths_place(f"{text}[{i}]", t.elem)
    return out


def leaf_paths_place(place, t):
    if t.scalar():
        return [(f"(deref {place})", t)]
    if isinstance(t, VecTy):
        return [(f"(deref {place})[{i}]", t.elem) for i in range(t.n)]
    out = []
    if isinstance(t, StructTy):
        for n, ft in t.fields:
            out += leaf_paths_place(f"{place}.{n}", ft)
    elif isinstance(t, ArrTy):
        for i in range(t.n):
            out += leaf_paths_place(f"{place}[{i}]", t.elem)
    return out


def to_u64(g, text, t):
    if isinstance(t, FloatTy):
        name = f"fz_bits_{t}"
        if name not in g.helpers:
            it = "u64" if t is F64 else "u32"
            nan = "0x7ff8000000000000" if t is F64 else "0x7fc00000"
            g.helpers[name] = (
                f"fn {name}(x: {t}) u64 {{\n"
                f"    if x != x {{ return {nan}; }}\n"
                f"    var y: {t} = x;\n"
                f"    return (deref ((ref y) as ptr[{it}])) as u64;\n}}\n")
        return f"{name}({text})"
    return f"({text} as u64)"


def render_lits(text, lits, fn):
    for k, (lit, _) in enumerate(lits):
        text = text.replace(f"@@{k}@@", fn(k, lit))
    return text


def generate(seed, features=None):
    """The program for this seed; features: the enabled feature names (None: all)."""
    return Gen(seed, features).generate()


def features_from_args(opts):
    feats = set(FEATURES)
    for f in FEATURES:
        if getattr(opts, "no_" + f):
            feats.discard(f)
    if opts.only is not None:
        feats = {f for f in opts.only.split(",") if f}
    return feats


def add_feature_args(ap):
    for f, doc in FEATURES.items():
        ap.add_argument("--no-" + f.replace("_", "-"), dest="no_" + f, action="store_true",
                        help="off: " + doc.replace("%", "%%"))
    ap.add_argument("--only", help="comma-separated list: exactly these features")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("seed", type=int)
    add_feature_args(ap)
    opts = ap.parse_args()
    sys.stdout.write(generate(opts.seed, features_from_args(opts)))


if __name__ == "__main__":
    main()
