#!/usr/bin/env bash
# A staff member's task list under load: fills 金华社区's queue with cases reported by its
# grid worker, then wrk -c256 on GET /api/v1/cases (the caller's queue, earliest deadline first)
# with the community staff member's session cookie.
# Environment: BUILD_DIR (default build), THREADS (server threads, default 4), DURATION (s, 10),
# FILL (s of intake to fill the queue, default 5), LIMIT (page size, default 20).
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
DURATION=${DURATION:-10}
export CITYGRID_THREADS=${THREADS:-4}
seed_city
start_server
read -r cookie csrf <<<"$(login jinhua_g1)"
wrk -t1 -c32 -d"${FILL:-5}s" --latency -s "$ROOT/bench/lua/staff-case.lua" -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" \
  "$URL/api/v1/cases" | grep -E 'Requests/sec|Non-2xx'
read -r cookie csrf <<<"$(login jinhua)"
total=$(curl -s -H "Cookie: $cookie" "$URL/api/v1/cases?limit=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
echo "== queue of jinhua (金华社区 staff): $total cases; GET /api/v1/cases?limit=${LIMIT:-20}, 256 connections, server threads $CITYGRID_THREADS"
run_wrk -t2 -c256 -d"${DURATION}s" -H "Cookie: $cookie" "$URL/api/v1/cases?limit=${LIMIT:-20}"
