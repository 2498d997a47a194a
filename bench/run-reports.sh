#!/usr/bin/env bash
# Builds and runs the reports benchmark (docs/benchmarks.md, "Reports"): N synthetic persons
# (default 3 M) in 10,000 grids in the live report projection, the city-wide elderly report
# timed, and the same aggregation as SQL on SQLite and PostgreSQL in the same run (figures
# checked equal). PostgreSQL: CITYGRID_BENCH_PG_URL, or the local test server is started.
# Usage: bench/run-reports.sh [persons] [report_runs] [sql_runs]. Environment: BUILD_DIR.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
[ -f "$BUILD_DIR/build.ninja" ] || cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
cmake --build "$BUILD_DIR" -j2 --target reports_bench >&2
if [ -z "${CITYGRID_BENCH_PG_URL:-}" ] && [ "$(id -u)" = 0 ]; then
  CITYGRID_BENCH_PG_URL=$(bash "$ROOT/scripts/start-pg.sh" | tail -1)
fi
export CITYGRID_BENCH_PG_URL=${CITYGRID_BENCH_PG_URL:-}
uptime
"$BUILD_DIR/bench/reports_bench" "${1:-3000000}" "${2:-200}" "${3:-3}"
