#!/usr/bin/env bash
# Builds every fuzz harness (fuzz/build.sh) and runs each for SECONDS (default 15) on a scratch
# copy of its seed corpus. Any crash fails; the crashing input is left in fuzz/corpus-run/ to be
# added to fuzz/corpus/<name>/ as a regression case.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_PER=${1:-15}
export OUT=${OUT:-$ROOT/build/fuzz}
bash "$ROOT/fuzz/build.sh"
for bin in "$OUT"/*_fuzz; do
  name=$(basename "$bin" _fuzz)
  run="$ROOT/fuzz/corpus-run/$name"
  mkdir -p "$run"
  seeds=()
  [ -d "$ROOT/fuzz/corpus/$name" ] && seeds+=("$ROOT/fuzz/corpus/$name")
  echo "fuzzing $name for ${SECONDS_PER}s"
  if ! (cd "$run" && "$bin" "$run" "${seeds[@]}" -max_total_time="$SECONDS_PER" -rss_limit_mb=1024 \
        -print_final_stats=1 >"$run.log" 2>&1); then
    tail -40 "$run.log"
    echo "FAIL: $name crashed; the input is in $run (crash-*), add it to fuzz/corpus/$name/"
    exit 1
  fi
  grep -E "stat::(number_of_executed_units|new_units_added)" "$run.log" || true
done
