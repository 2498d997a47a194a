#!/usr/bin/env bash
# Durable deliberation votes. First through the store (bench/vote_bench.cpp): 256 voters at
# once, concurrent votes sharing durable transactions (group commit), on SQLite (on disk, WAL + synchronous=FULL) and,
# when CITYGRID_TEST_PG_URL is set (scripts/start-pg.sh), on PostgreSQL. Then over HTTP: a demo
# city with 256 verified residents and TOPICS open topics, wrk POSTing /api/v1/topics/{id}/votes
# from 256 connections (bench/lua/votes.lua), every request a new vote.
# Environment: BUILD_DIR (default build), VOTERS (256), VOTES (votes per voter, 20), DURATION (10 s),
# TOPICS (open topics for the HTTP run, 1000: enough that every request is a new vote), RATE
# (the paced run's votes/s, 2000).
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
"$BUILD_DIR/bench/vote_bench" prepare "sqlite://$BENCH_DIR/citygrid.db" "${VOTERS:-256}" "${TOPICS:-1000}" "$BENCH_DIR/topics.txt"
# The unpaced run votes on the first 70% of the topics, the paced run on the rest: every request
# of both is a new vote.
split=$(( ${TOPICS:-1000} * 7 / 10 ))
head -n "$split" "$BENCH_DIR/topics.txt" >"$BENCH_DIR/topics-a.txt"
tail -n +"$(( split + 1 ))" "$BENCH_DIR/topics.txt" >"$BENCH_DIR/topics-b.txt"
start_server
for i in $(seq 0 $(( ${VOTERS:-256} - 1 ))); do login "voter$i"; done >"$BENCH_DIR/sessions.txt"
echo "== votes over HTTP: POST /api/v1/topics/{id}/votes, ${VOTERS:-256} connections, server threads $CITYGRID_THREADS"
run_wrk -t2 -c"${VOTERS:-256}" -d"${DURATION:-10}s" -s "$ROOT/bench/lua/votes.lua" "$URL" -- \
  "$BENCH_DIR/sessions.txt" "$BENCH_DIR/topics-a.txt" 2
# The issue's load: 2,000 votes/s from the same connections (each waits between its votes).
echo "== votes over HTTP at ${RATE:-2000} votes/s, ${VOTERS:-256} connections"
run_wrk -t2 -c"${VOTERS:-256}" -d"${DURATION:-10}s" -s "$ROOT/bench/lua/votes.lua" "$URL" -- \
  "$BENCH_DIR/sessions.txt" "$BENCH_DIR/topics-b.txt" 2 "${RATE:-2000}" "${VOTERS:-256}"
# The counts: every 2xx above is one vote counted (the public list, summed over the topics).
for off in $(seq 0 100 $(( ${TOPICS:-1000} + 99 ))); do
  curl -s "$URL/api/v1/public/topics?unit=150203010&limit=100&offset=$off"
done | grep -o '"votes":[0-9]*' | awk -F: '{ s += $2 } END { print "votes counted in all topics: " s }'
stop_server
