#!/usr/bin/env bash
# Builds and runs the search benchmark (docs/benchmarks.md, "Search"): 3 M synthetic persons in
# the in-memory search index, 20,000 mixed scoped queries. Needs ~1 GB of memory.
# Usage: bench/run-search.sh [persons] [queries]. Environment: BUILD_DIR (default build).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
[ -f "$BUILD_DIR/build.ninja" ] || cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
cmake --build "$BUILD_DIR" -j2 --target search_bench >&2
"$BUILD_DIR/bench/search_bench" "${1:-3000000}" "${2:-20000}"
