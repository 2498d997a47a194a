#!/usr/bin/env bash
# The synthetic city on SQLite (docs/benchmarks.md, "Synthetic city"): seeds `--scale city` (or
# `--people N` of it) into a fresh data directory through the batch write path, then reports the
# seeding time, the database size, and the resident memory (VmRSS) of `citygrid serve` on it
# after start-up and after a few base-data requests.
# Usage: bench/run-seed.sh [people] (default 3000000). Environment: BUILD_DIR (default build),
# DATA_DIR (kept; default: a fresh directory under /var/tmp, removed at the end unless KEEP=1),
# NO_SEED=1 (measure `serve` on the city already in DATA_DIR, e.g. one kept by an earlier KEEP=1 run).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
PEOPLE=${1:-3000000}
[ -f "$BUILD_DIR/build.ninja" ] || cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
cmake --build "$BUILD_DIR" -j2 --target citygrid >&2
CITYGRID=$BUILD_DIR/src/cli/citygrid
. "$ROOT/tests/lib.sh"
if [ -n "${DATA_DIR:-}" ]; then DIR=$DATA_DIR KEEP=1; else DIR=$(mktemp -d /var/tmp/cg-seed-bench.XXXXXX); fi
trap 'stop_server; [ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"' EXIT
export CITYGRID_ELEMENTS_DIR="$ROOT/data/elements"

if [ "${NO_SEED:-0}" = 1 ]; then
  [ -f "$DIR/citygrid.db" ] || fail "NO_SEED=1 needs DATA_DIR with a seeded city"
else
  start=$(date +%s.%N)
  "$CITYGRID" seed --scale city --people "$PEOPLE" --data-dir "$DIR" --source "$ROOT/data/baotou" | tail -1
  end=$(date +%s.%N)
  echo "seed wall time: $(echo "$end - $start" | bc) s"
fi
echo "database size: $(du -cb "$DIR"/citygrid.db* | tail -1 | cut -f1 | numfmt --to=iec)"
rss() { awk '/VmRSS/ {print $2 / 1024 " MiB"}' "/proc/$SERVER_PID/status"; }
t0=$(date +%s.%N)
START_TIMEOUT_S=1800 start_server "$DIR"
curl -sf "$BASE_URL/healthz" >/dev/null
echo "serve start-up (loading the report projection and search index): $(echo "$(date +%s.%N) - $t0" | bc) s"
echo "serve RSS after start-up: $(rss)"
jar="$DIR/cookies"
csrf=$(curl -s -c "$jar" -H 'content-type: application/json' \
  -d '{"username":"admin","password":"citygrid-demo"}' "$BASE_URL/api/v1/session" \
  | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
[ -n "$csrf" ] || fail "login"
for q in "" "?grid=150203" "?q=%E7%8E%8B"; do
  curl -sf -b "$jar" "$BASE_URL/api/v1/persons$q" >/dev/null || fail "persons$q"
done
echo "serve RSS after person lists: $(rss)"
for i in 1 2 3 4 5; do
  curl -sf -o /dev/null -w "city-wide elderly report over HTTP (JSON): %{time_total} s\n" -b "$jar" \
    "$BASE_URL/api/v1/reports/civil_affairs.elderly?scope=1502" || fail "report"
done
curl -sf -o /dev/null -w "city-wide elderly report as xlsx: %{time_total} s, %{size_download} bytes\n" -b "$jar" \
  "$BASE_URL/api/v1/reports/civil_affairs.elderly?scope=1502&format=xlsx" || fail "xlsx"
echo "serve RSS after the reports: $(rss)"
