#!/usr/bin/env bash
# Durable intake over HTTP: wrk POSTs public reports (validate, locate in the grid index, route,
# open the workflow, commit with fsync) at several connection counts; beside it, in the same
# run and on the same disk, the raw SQLite durable-commit rate (WAL + synchronous=FULL).
# Environment: BUILD_DIR (default build), THREADS (server threads, default 64), DURATION (s, 10),
# CONNECTIONS (default "1 16 64 256").
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
DURATION=${DURATION:-10}
export CITYGRID_THREADS=${THREADS:-64}
echo "== raw SQLite durable commits (same disk: $BENCH_DIR)"
"$BUILD_DIR/bench/sqlite_commit_bench" "$BENCH_DIR/raw.db" 5
rm -f "$BENCH_DIR"/raw.db*
seed_city
start_server
for c in ${CONNECTIONS:-1 16 64 256}; do
  echo "== durable intake over HTTP: POST /api/v1/public/cases, $c connections, server threads $CITYGRID_THREADS"
  run_wrk -t$(( c < 2 ? 1 : 2 )) -c"$c" -d"${DURATION}s" -s "$ROOT/bench/lua/public-report.lua" "$URL/api/v1/public/cases"
done
stop_server
out=$("$CITYGRID" check db --data-dir "$BENCH_DIR") && echo "check db: $out"
