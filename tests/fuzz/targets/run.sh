#!/usr/bin/env bash
# Runs the libFuzzer targets of a `fuzz` preset build: run.sh BUILD_DIR MINUTES JOBS (what
# `make fuzz-targets MINUTES=N` calls). Each target runs MINUTES minutes, JOBS targets at a time,
# or, with CPU=1, until it has used MINUTES minutes of CPU time (user + system, its fork-mode
# children included: what a campaign on a shared machine needs to be counted in CPU-hours),
# in libFuzzer's fork mode so that it keeps fuzzing past a finding; corpora stay in
# BUILD_DIR/fuzz/corpus/<target>, findings go to BUILD_DIR/fuzz/findings/<target>/, logs to
# BUILD_DIR/fuzz/logs/. Prints executions, coverage and CPU time per target; exits 1 on a new finding.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 BUILD_DIR MINUTES JOBS   (TARGETS=\"fuzz_parse ...\" to run fewer)" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
minutes=$2
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')  # MINUTES may be a fraction
jobs=$3
here=$(cd "$(dirname "$0")" && pwd)
targets=${TARGETS:-fuzz_parse fuzz_check fuzz_ir fuzz_ctjit}
bin=$build/tests/fuzz/targets
fuzz=$build/fuzz
for t in $targets; do
  if [ ! -x "$bin/$t" ]; then
    echo "run.sh: $bin/$t is missing: build the fuzz preset first (cmake --preset fuzz && cmake --build build/fuzz)" >&2
    exit 2
  fi
done
"$here/seeds.sh" "$build" >/dev/null
mkdir -p "$fuzz/logs"
start=$fuzz/logs/.start
touch "$start"

# RunTarget NAME: MINUTES of fuzzing. Crashes, time-outs (10 s per input), out-of-memory and
# leaks are all findings; with -ignore_* the run goes on after each and saves it. Writes the CPU
# seconds the target used (bash's `times` for the subshell's reaped children) to logs/NAME.cpu.
RunTarget() {
  local t=$1
  mkdir -p "$fuzz/findings/$t"
  rm -f "$fuzz/logs/$t.cpu"
  local dict=()
  if [ -f "$fuzz/dict/$t.dict" ]; then dict=(-dict="$fuzz/dict/$t.dict"); fi
  local wall=$seconds
  if [ "${CPU:-0}" = 1 ]; then wall=$((seconds * 50)); fi  # the CPU budget stops it first
  (
    cd "$fuzz/findings/$t"
    setsid "$bin/$t" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -timeout=10 -rss_limit_mb=2048 \
      -max_total_time="$wall" -artifact_prefix="$fuzz/findings/$t/" "${dict[@]}" \
      "$fuzz/corpus/$t" >"$fuzz/logs/$t.log" 2>&1 &
    local pid=$! used=0
    # Poll the CPU time of the whole tree (cputime.py): it stops a CPU=1 run, and it counts the
    # job that is still running when the run ends, which `times` below cannot see.
    while kill -0 "$pid" 2>/dev/null; do
      sleep 10
      used=$("$here/cputime.py" "$pid" 2>/dev/null || echo "$used")
      if [ "${CPU:-0}" = 1 ] && awk -v u="$used" -v s="$seconds" 'BEGIN { exit !(u >= s) }'; then
        # The fork-mode parent does not stop on SIGINT; SIGTERM to its process group (setsid
        # above) ends it and the job it is running. Its statistics are already in the log.
        kill -TERM -- "-$pid" 2>/dev/null || true
        break
      fi
    done
    wait "$pid" || true
    # `times` prints the shell's own and then its children's user and system time ("0m1.5s 0m0.2s").
    times | tail -1 | awk -v polled="$used" '{ n = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); n += a[1] * 60 + a[2] }
                             printf "%.0f\n", (n > polled ? n : polled) }' >"$fuzz/logs/$t.cpu"
  )
}

# Report NAME: the last statistics line of the fork-mode log and the findings.
Report() {
  local t=$1 log=$fuzz/logs/$t.log
  local last
  last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1 || true)
  if [ -z "$last" ]; then
    echo "$t: no statistics in $log"
    tail -5 "$log" | sed 's/^/  /'
    return
  fi
  # "#1234: cov: 10 ft: 20 corp: 30 exec/s: 40 oom/timeout/crash: 0/0/0 time: 60s job: 3 dft_time: 0"
  echo "$last" | awk -v t="$t" '{
    sub(":", "", $1); sub("#", "", $1);
    printf "%-11s executions %s  exec/s %s  cov %s  ft %s  corpus %s  oom/timeout/crash %s  time %s",
           t, $1, $9, $3, $5, $7, $11, $13 }'
  if [ -f "$fuzz/logs/$t.cpu" ]; then echo "  cpu $(cat "$fuzz/logs/$t.cpu")s"; else echo; fi
  local f
  for f in "$fuzz/findings/$t"/{crash,timeout,oom,leak,slow-unit}-*; do
    [ -e "$f" ] || continue
    if [ "$f" -nt "$start" ]; then echo "  NEW finding: $f"; else echo "  earlier finding: $f"; fi
  done
}

if [ "${CPU:-0}" = 1 ]; then what="CPU min"; else what="min"; fi
set -- $targets
while [ $# -gt 0 ]; do
  batch=()
  for ((i = 0; i < jobs && $# > 0; i++)); do
    batch+=("$1")
    shift
  done
  echo "run.sh: fuzzing ${batch[*]} for $minutes $what"
  for t in "${batch[@]}"; do RunTarget "$t" & done
  wait
done

echo "===== libFuzzer targets: $minutes $what each ====="
for t in $targets; do Report "$t"; done
new=$(find "$fuzz/findings" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) \
        -newer "$start" | wc -l)
if [ "$new" -gt 0 ]; then
  echo "run.sh: $new new finding(s); reproduce with $bin/<target> FILE (tests/fuzz/targets/README.md)"
  exit 1
fi
