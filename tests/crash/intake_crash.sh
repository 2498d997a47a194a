#!/usr/bin/env bash
# Durable intake: an acknowledged submission is never lost. Seeds a demo city, starts
# `citygrid serve`, lets several concurrent clients submit public reports with idempotency keys
# (retrying a key until it is acknowledged, so a reply lost in a crash is replayed), SIGKILLs the
# server at random moments KILLS times (default 12) and restarts it each time. At the end every
# acknowledged public id must be readable, every key must have kept one public id, and
# `citygrid check db` (SQLite integrity_check + foreign_key_check, every case with its first
# timeline entry) must pass. Runs on SQLite, and on PostgreSQL too when CITYGRID_TEST_PG_URL is
# set (the server is killed; PostgreSQL survives).
# Usage: intake_crash.sh CITYGRID_BINARY
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CITYGRID=$1
. "$ROOT/tests/lib.sh"
KILLS=${KILLS:-12}
CLIENTS=${CLIENTS:-6}
DIR=$(mktemp -d)
# No data-element dictionary: seeding skips the synthetic population (tens of seconds on a busy
# machine) and base-data routes are off; intake does not need them.
export CITYGRID_ELEMENTS_DIR="$DIR/no-elements"
export CITYGRID_PUBLIC_REPORTS_PER_HOUR=1000000   # one address submits everything here
CLIENT_PIDS=()
cleanup() {
  touch "$DIR/stop" 2>/dev/null || true
  for p in "${CLIENT_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${SERVER_PID:-}" ] && kill -9 "$SERVER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT

# One client: submits reports with keys c<i>-<n>; moves to the next key only when the current
# one is acknowledged (201 new, 200 replay), and records "key public_id status".
client() {
  local i=$1 run=$2 n=0 url out code pid
  while [ ! -f "$run/stop" ]; do
    url=$(cat "$run/url" 2>/dev/null || true)
    if [ -z "$url" ]; then sleep 0.05; continue; fi
    out=$(curl -s -m 10 -w '\n%{http_code}' -H 'content-type: application/json' -H "idempotency-key: c$i-$n" \
      -d '{"category":"garbage","description":"崩溃测试 '"c$i-$n"'","lon":109.83,"lat":40.66,"contact_phone":"13900001111"}' \
      "$url/api/v1/public/cases" 2>/dev/null) || true
    code=${out##*$'\n'}
    case "$code" in
      200|201)
        pid=$(echo "$out" | sed -n 's/.*"public_id":"\([^"]*\)".*/\1/p')
        [ -n "$pid" ] || { echo "no public id in: $out" >> "$run/errors"; }
        echo "c$i-$n $pid $code" >> "$run/acked.$i"
        n=$((n + 1)) ;;
      000|502|503) sleep 0.02 ;;   # the server is down or restarting: retry the same key
      *) echo "c$i-$n: HTTP $code: $out" >> "$run/errors"; sleep 0.1 ;;
    esac
  done
}

acked_count() { cat "$1"/acked.* 2>/dev/null | wc -l || true; }

# run_crash NAME [serve/seed args...]
run_crash() {
  local name=$1; shift
  local run="$DIR/$name"
  mkdir -p "$run"
  "$CITYGRID" seed --scale demo --data-dir "$run" --source "$ROOT/data/baotou" "$@" >/dev/null || fail "$name: seed"
  start_server "$run" "$@"
  echo "$BASE_URL" > "$run/url"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
    -d '{"category":"garbage","description":"x","lon":109.83,"lat":40.66,"contact_phone":"13900001111"}' \
    "$BASE_URL/api/v1/public/cases")
  [ "$code" = 201 ] || fail "$name: a first report answered $code: $(tail -3 "$SERVER_LOG")"
  CLIENT_PIDS=()
  for i in $(seq 1 "$CLIENTS"); do
    client "$i" "$run" &
    CLIENT_PIDS+=($!)
  done
  local before after kills=0
  for k in $(seq 1 "$KILLS"); do
    before=$(acked_count "$run")
    sleep "0.$((RANDOM % 9 + 1))"
    after=$(acked_count "$run")
    # Kill only while submissions are flowing, so every kill lands among requests in flight.
    for _ in $(seq 1 100); do [ "$after" -gt "$before" ] && break; sleep 0.05; after=$(acked_count "$run"); done
    [ "$after" -gt "$before" ] || fail "$name: no submissions acknowledged before kill $k: $(cat "$run/errors" 2>/dev/null | tail -3)"
    rm -f "$run/url"
    kill -9 "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
    kills=$((kills + 1))
    start_server "$run" "$@"
    echo "$BASE_URL" > "$run/url"
  done
  sleep 0.5
  touch "$run/stop"
  for p in "${CLIENT_PIDS[@]}"; do wait "$p" || true; done
  CLIENT_PIDS=()
  [ ! -s "$run/errors" ] || fail "$name: unexpected answers: $(head -5 "$run/errors")"
  cat "$run"/acked.* > "$run/acked"
  local acked keys
  acked=$(wc -l < "$run/acked")
  keys=$(cut -d' ' -f1 "$run/acked" | sort -u | wc -l)
  [ "$acked" -ge 100 ] || fail "$name: only $acked acknowledged submissions"
  # A key acknowledged twice (a replay) must have kept its public id.
  local ids
  ids=$(cut -d' ' -f1,2 "$run/acked" | sort -u | wc -l)
  [ "$ids" -eq "$keys" ] || fail "$name: a key was answered with two different public ids"
  # Every acknowledged public id is there (one curl process, keep-alive, many URLs).
  cut -d' ' -f2 "$run/acked" | sort -u | sed "s|.*|url = \"$BASE_URL/api/v1/public/cases/&\"\noutput = /dev/null|" > "$run/urls"
  local missing
  missing=$(curl -s -K "$run/urls" -w '%{http_code} %{url_effective}\n' | grep -v '^200 ' || true)
  [ -z "$missing" ] || fail "$name: acknowledged cases missing after $kills SIGKILLs: $(echo "$missing" | head -5)"
  kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
  out=$("$CITYGRID" check db --data-dir "$run" "$@" 2>&1) || fail "$name: check db: $out"
  local replays
  replays=$(grep -c ' 200$' "$run/acked" || true)
  echo "$name: $kills SIGKILLs, $acked acknowledged submissions ($keys keys, $replays replayed after a lost reply), all present; check db: $out"
}

run_crash sqlite
if [ -n "${CITYGRID_TEST_PG_URL:-}" ]; then
  db="crash_$$"
  psql "$CITYGRID_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  run_crash postgresql --db "${CITYGRID_TEST_PG_URL%/*}/$db"
  psql "$CITYGRID_TEST_PG_URL" -qc "DROP DATABASE $db" >/dev/null
fi
echo "intake crash test passed"
