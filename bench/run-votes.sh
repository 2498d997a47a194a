#!/usr/bin/env bash
# Durable deliberation votes through the store (bench/vote_bench.cpp): 256 voters at once, each
# vote its own durable transaction, on SQLite (on disk, WAL + synchronous=FULL) and, when
# CITYGRID_TEST_PG_URL is set (scripts/start-pg.sh), on PostgreSQL.
# Environment: BUILD_DIR (default build), VOTERS (256), VOTES (votes per voter, 20).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
[ -n "${NO_BUILD:-}" ] || cmake --build "$BUILD_DIR" -j2 --target vote_bench >&2
DIR=$(mktemp -d /var/tmp/citygrid-votes.XXXXXX)  # on the disk, not tmpfs: fsync is measured
trap 'rm -rf "$DIR"' EXIT
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD_DIR/bench/vote_bench" "sqlite://$DIR/votes.db" "${VOTERS:-256}" "${VOTES:-20}"
if [ -n "${CITYGRID_TEST_PG_URL:-}" ]; then
  schema="bench_votes_$$"
  psql -q "$CITYGRID_TEST_PG_URL" -c "CREATE SCHEMA $schema"
  sep='?'; [[ $CITYGRID_TEST_PG_URL == *\?* ]] && sep='&'
  "$BUILD_DIR/bench/vote_bench" "$CITYGRID_TEST_PG_URL${sep}options=-csearch_path%3D$schema" "${VOTERS:-256}" "${VOTES:-20}" || true
  psql -q "$CITYGRID_TEST_PG_URL" -c "DROP SCHEMA $schema CASCADE" 2>/dev/null
fi
