#!/bin/sh
# Seed corpora and dictionaries of the libFuzzer targets: `seeds.sh BUILD_DIR` fills
# BUILD_DIR/fuzz/corpus/<target>/ from the test programs and IR files of tests/, and writes
# BUILD_DIR/fuzz/dict/<target>.dict from the token and op tables. Seeds are copied under names
# derived from their paths, so running it again refreshes them and leaves found inputs alone.
set -eu
if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$1
root=$(cd "$(dirname "$0")/../../.." && pwd)
corpus=$build/fuzz/corpus
dict=$build/fuzz/dict
mkdir -p "$corpus/fuzz_parse" "$corpus/fuzz_check" "$corpus/fuzz_ir" "$corpus/fuzz_ctjit" "$dict"

# seed FILE TARGET...: copies FILE as seed-<path with / as _> into each target's corpus.
seed() {
  file=$1
  shift
  name=seed-$(echo "${file#"$root"/tests/}" | tr '/' '_')
  for target in "$@"; do cp "$file" "$corpus/$target/$name"; done
}

for f in "$root"/tests/e2e/*.thrust $(find "$root/tests/golden" -name '*.thrust' | sort); do
  seed "$f" fuzz_parse fuzz_check
done
for f in "$root"/tests/ir/*.tir $(find "$root/tests/golden" -name '*.tir' | sort); do
  seed "$f" fuzz_ir
done
# The IR that lowering makes of every runnable program, with this build's thrustc or the dev one.
thrustc=
for t in "$build/bin/thrustc" "$root/build/dev/bin/thrustc"; do
  if [ -x "$t" ]; then thrustc=$t; break; fi
done
if [ -n "$thrustc" ]; then
  for f in "$root"/tests/e2e/*.thrust; do
    out=$corpus/fuzz_ir/seed-lowered_$(basename "$f" .thrust).tir
    "$thrustc" -emit thrust-ir "$f" -o "$out" >/dev/null 2>&1 || rm -f "$out"
  done
fi
# fuzz_ctjit reads its input as choices, not text: a few fixed pseudo-random inputs start it.
python3 - "$corpus/fuzz_ctjit" <<'EOF'
import random, sys
rng = random.Random(10)
for i in range(16):
    with open(f"{sys.argv[1]}/seed-random-{i:02d}", "wb") as out:
        out.write(bytes(rng.randrange(256) for _ in range(32 << (i % 5))))
EOF

# Dictionaries: every keyword and punctuator, attribute and scalar type of Thrust; every word of
# the IR text form.
{
  sed -n 's/^THRUSTC_\(KEYWORD\|RESERVED\|PUNCT\)([A-Za-z0-9]*, \("[^"]*"\)).*/\2/p' "$root/src/frontend/syntax/token.def"
  grep -o '{"[A-Za-z]*", kAttr' "$root/src/frontend/sema/check_decl.cpp" | sed 's/{"\([A-Za-z]*\)".*/"@\1"/'
  for w in u8 u16 u32 u64 s8 s16 s32 s64 f32 f64 bool void usize isize ptr Fn array importC import; do echo "\"$w\""; done
} | sort -u >"$dict/thrust.dict"
cp "$dict/thrust.dict" "$dict/fuzz_parse.dict"
cp "$dict/thrust.dict" "$dict/fuzz_check.dict"
{
  sed -n 's/^THRUSTC_IR_OP([A-Za-z]*, \("[^"]*"\), .*/\1/p' "$root/src/ir/ops.def"
  for w in fn extern global type slot size align mut public compiletime zero bytes relocs into agg \
           i8 i16 i32 i64 f32 f64 ptr void eq ne slt sle sgt sge ult ule ugt uge oeq une olt ole ogt oge \
           div_by_zero div_overflow bounds unreachable float_to_int inf nan '...' '->' ' = ' ', ' '%' '@' '$' \
           'bb0:' 'x\"'; do
    printf '"%s"\n' "$w"
  done
} | sort -u >"$dict/fuzz_ir.dict"
for t in fuzz_parse fuzz_check fuzz_ir fuzz_ctjit; do
  echo "seeds: $t: $(ls "$corpus/$t" | wc -l) inputs in $corpus/$t"
done
