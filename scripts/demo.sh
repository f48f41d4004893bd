#!/usr/bin/env bash
# `make demo`: shows compile-time evaluation at work on examples/demo.thrust.
set -euo pipefail
THRUSTC=${1:-build/dev/bin/thrustc}
DEMO=examples/demo.thrust
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "The program: $DEMO (its constants are computed by ordinary Thrust functions)"
grep -nE '^(const|static|fn) ' "$DEMO" | head -20

step "Compile it: the frontend checks it and runs its compile-time code (thrustc -check -ftime-report)"
"$THRUSTC" -check -ftime-report "$DEMO"

step "What the compiler made of it: the constants are baked into the Thrust IR (excerpt)"
"$THRUSTC" -print thrust-ir "$DEMO" | grep -E '^(global|fn)' | cut -c1-110 | head -20

step "Run it (thrustc -interp; the LLVM backend for native executables comes next)"
"$THRUSTC" -interp "$DEMO"
