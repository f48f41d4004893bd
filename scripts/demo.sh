#!/usr/bin/env bash
# `make demo`: the whole pipeline on examples/demo.thrust: its tables and constants are computed
# at compile time by the native JIT, baked into an LLVM-compiled executable, which then runs.
set -euo pipefail
THRUSTC=${1:-build/dev/bin/thrustc}
DEMO=examples/demo.thrust
cd "$(dirname "$0")/.."
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "The program: $DEMO (its constants are computed by ordinary Thrust functions)"
grep -nE '^(const|static|fn) ' "$DEMO" | head -20

step "What the compiler made of it: the constants are baked into the Thrust IR (excerpt)"
"$THRUSTC" -print thrust-ir "$DEMO" | grep -E '^(global|fn)' | cut -c1-110 | head -20

step "Compile it to an executable: frontend, compile-time code on the native JIT, LLVM -O2, cc"
echo "\$ thrustc -O2 -ftime-report -ctjit-stats $DEMO -o demo"
"$THRUSTC" -O2 -ftime-report -ctjit-stats "$DEMO" -o "$OUT/demo"

step "Run the executable (no compile-time work is left in it)"
"$OUT/demo"
