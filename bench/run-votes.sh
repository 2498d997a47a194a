#!/usr/bin/env bash
# Durable deliberation votes. First through the store (bench/vote_bench.cpp): 256 voters at
# once, each vote its own durable transaction, on SQLite (on disk, WAL + synchronous=FULL) and,
# when CITYGRID_TEST_PG_URL is set (scripts/start-pg.sh), on PostgreSQL. Then over HTTP: a demo
# city with 256 verified residents and 200 open topics, wrk POSTing /api/v1/topics/{id}/votes
# from 256 connections (bench/lua/votes.lua), every request a new vote.
# Environment: BUILD_DIR (default build), VOTERS (256), VOTES (votes per voter, 20), DURATION (10 s).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
[ -n "${NO_BUILD:-}" ] || cmake --build "$BUILD_DIR" -j2 --target vote_bench citygrid >&2
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

rm -rf "$DIR"
# Over HTTP (bench/lib.sh: a demo city, a server, wrk); with the population, whose residents vote.
NO_BUILD=1 . "$ROOT/bench/lib.sh"
unset CITYGRID_ELEMENTS_DIR
export CITYGRID_THREADS=${THREADS:-64}
"$CITYGRID" seed --scale demo --data-dir "$BENCH_DIR" --source "$ROOT/data/baotou" >/dev/null
"$BUILD_DIR/bench/vote_bench" prepare "sqlite://$BENCH_DIR/citygrid.db" "${VOTERS:-256}" 200 "$BENCH_DIR/topics.txt"
start_server
for i in $(seq 0 $(( ${VOTERS:-256} - 1 ))); do login "voter$i"; done >"$BENCH_DIR/sessions.txt"
echo "== votes over HTTP: POST /api/v1/topics/{id}/votes, ${VOTERS:-256} connections, server threads $CITYGRID_THREADS"
run_wrk -t2 -c"${VOTERS:-256}" -d"${DURATION:-10}s" -s "$ROOT/bench/lua/votes.lua" "$URL" -- \
  "$BENCH_DIR/sessions.txt" "$BENCH_DIR/topics.txt" 2
# The counts: every 2xx above is one vote counted (the public list, summed over the topics).
curl -s "$URL/api/v1/public/topics?unit=150203010&limit=100" | grep -o '"votes":[0-9]*' | awk -F: '{ s += $2 } END { print "votes counted in the newest 100 topics: " s }'
stop_server
