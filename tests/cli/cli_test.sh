#!/usr/bin/env bash
# The citygrid command line as an operator uses it: seed, check grids, user add, migrate, and
# serve with graceful shutdown on SIGTERM, on SQLite and (when CITYGRID_TEST_PG_URL is set)
# on PostgreSQL. Usage: cli_test.sh CITYGRID_BINARY
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CITYGRID=$1
. "$ROOT/tests/lib.sh"
DIR=$(mktemp -d)
export CITYGRID_ELEMENTS_DIR="$ROOT/data/elements"
trap 'stop_server; rm -rf "$DIR"' EXIT

for cmd in "" serve migrate seed user "user add" apikey "apikey add" check "check grids"; do
  "$CITYGRID" $cmd --help >/dev/null || fail "citygrid $cmd --help"
done

out=$("$CITYGRID" seed --scale demo --data-dir "$DIR" --source "$ROOT/data/baotou")
grep -q "9975 grids" <<<"$out" || fail "seed: $out"
[ "$(stat -c %a "$DIR/master.key")" = 600 ] || fail "seed did not create master.key with mode 600"
# The demo population: about 40,000 people across Kundulun's grids, through the batch path.
people=$(echo "$out" | sed -n 's/^population: \([0-9,]*\) people in .*/\1/p' | tr -d ,)
[ -n "$people" ] && [ "$people" -ge 40000 ] && [ "$people" -lt 41000 ] || fail "seed population: $out"
out=$("$CITYGRID" seed --scale demo --if-empty --data-dir "$DIR")
grep -q "already seeded" <<<"$out" || fail "seed --if-empty: $out"

out=$("$CITYGRID" check grids --data-dir "$DIR")
echo "$out" | tail -1 | grep -q "; 0 problem(s)" || fail "check grids: $out"

echo "s3cret-pass" | "$CITYGRID" user add --username wang.li --role staff --scope 150203010 --data-dir "$DIR" \
  | grep -q "created user wang.li" || fail "user add"
set +e
err=$(echo "s3cret-pass" | "$CITYGRID" user add --username x1y --role staff --scope 999999 --data-dir "$DIR" 2>&1)
rc=$?
set -e
[ $rc -eq 2 ] && grep -q "not an org unit" <<<"$err" || fail "user add with a bad scope: rc=$rc $err"
set +e
err=$(echo "short" | "$CITYGRID" user add --username x2y --role staff --scope 1502 --data-dir "$DIR" 2>&1)
rc=$?
set -e
[ $rc -eq 2 ] && grep -q "at least 8" <<<"$err" || fail "user add with a short password: $err"

# Config precedence: file < environment < flag; a bad key is refused clearly.
echo 'port = "x"' > "$DIR/bad.toml"
set +e
err=$("$CITYGRID" migrate --config "$DIR/bad.toml" --data-dir "$DIR" 2>&1); rc=$?
set -e
[ $rc -ne 0 ] && grep -q "port" <<<"$err" || fail "bad config accepted: $err"

# An Open311 API key is printed once (43 characters) and works over HTTP below.
key=$("$CITYGRID" apikey add --name cli-test --data-dir "$DIR" 2>/dev/null)
[ ${#key} -eq 43 ] || fail "apikey add printed '$key'"

# Serve, log in with the account just made, then SIGTERM: clean exit within 10 s.
start_server "$DIR"
curl -sf "$BASE_URL/open311/v2/services.json" | grep -q '"service_code":"snap_report.garbage"' || fail "open311 services"
code=$(curl -s -o /dev/null -w '%{http_code}' -d 'api_key=wrong&service_code=snap_report.garbage&lat=41&long=109' \
  "$BASE_URL/open311/v2/requests.json")
[ "$code" = 403 ] || fail "open311 with a wrong key: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -d "api_key=$key&service_code=snap_report.garbage&lat=x&long=109" \
  "$BASE_URL/open311/v2/requests.json")
[ "$code" = 400 ] || fail "open311 with the key and a bad lat: $code"
curl -sf "$BASE_URL/healthz" | grep -q '"status":"ok"' || fail "healthz"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
  -d '{"username":"wang.li","password":"s3cret-pass"}' "$BASE_URL/api/v1/session")
[ "$code" = 200 ] || fail "login as the new user: $code"
# Base data end to end: a person created over HTTP comes back masked, and neither the ID nor
# the phone number is anywhere in the database files.
jar="$DIR/cookies"
csrf=$(curl -s -c "$jar" -H 'content-type: application/json' \
  -d '{"username":"wang.li","password":"s3cret-pass"}' "$BASE_URL/api/v1/session" \
  | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
person_id=150203198001011238
out=$(curl -s -b "$jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
  -d '{"grid_code":"150203010008001","name":"测试居民","id_number":"'$person_id'","phone":"13912345678","ethnicity":"02","residence_status":"registered"}' \
  "$BASE_URL/api/v1/persons")
grep -q '"id_number":"150203\*\*\*\*\*\*\*\*' <<<"$out""${person_id:14}"'"' || fail "create person: $out"
grep -q '"phone":"139\*\*\*\*5678"' <<<"$out" || fail "phone not masked: $out"
if cat "$DIR"/citygrid.db* | grep -a -q -e "$person_id" -e 13912345678; then fail "plaintext ID or phone in the database files"; fi
# A 2 MB body is answered 413 over a real connection (curl reports the status, not a reset).
code=$(head -c 2097152 /dev/zero | tr '\0' 'a' | curl -s -o /dev/null -w '%{http_code}' \
  -H 'content-type: application/json' --data-binary @- "$BASE_URL/api/v1/session")
[ "$code" = 413 ] || fail "oversize body: $code"
metrics=$(curl -s "$BASE_URL/metrics")  # not piped into grep -q: under pipefail an early exit fails curl
grep -q 'citygrid_http_requests_total' <<<"$metrics" || fail "metrics"
kill -TERM "$SERVER_PID"
for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SERVER_PID" 2>/dev/null && fail "server still running 10 s after SIGTERM"
wait "$SERVER_PID"; rc=$?; SERVER_PID=
[ $rc -eq 0 ] || fail "serve exited $rc after SIGTERM"
grep -q '"msg":"stopped"' "$SERVER_LOG" || fail "no 'stopped' log line: $(tail -3 "$SERVER_LOG")"
grep -q '"level":"info"' "$SERVER_LOG" || fail "logs are not structured JSON lines"

# Without a data-element dictionary the server still serves the org tree; base data and reports
# answer 503 naming the missing dictionary (not the master key, which is created when missing).
CITYGRID_ELEMENTS_DIR="$DIR/no-such-dictionary" start_server "$DIR"
curl -s -c "$DIR/nd" -H 'content-type: application/json' -d '{"username":"admin","password":"citygrid-demo"}' \
  "$BASE_URL/api/v1/session" >/dev/null
for p in persons reports; do
  out=$(curl -s -w ' %{http_code}' -b "$DIR/nd" "$BASE_URL/api/v1/$p")
  case "$out" in *'data-element dictionary'*' 503') ;; *) fail "$p without a dictionary: $out" ;; esac
done
stop_server

# The same binary on PostgreSQL.
if [ -n "${CITYGRID_TEST_PG_URL:-}" ]; then
  db="cli_$$"
  psql "$CITYGRID_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  PG_URL="${CITYGRID_TEST_PG_URL%/*}/$db"
  out=$("$CITYGRID" seed --scale demo --db "$PG_URL" --data-dir "$DIR/pg" --source "$ROOT/data/baotou")
  grep -q "9975 grids" <<<"$out" || fail "seed on PostgreSQL: $out"
  start_server "$DIR/pg" --db "$PG_URL"
  curl -sf "$BASE_URL/healthz" | grep -q '"db":"postgresql"' || fail "healthz on PostgreSQL"
  curl -s -c "$DIR/cj" -H 'content-type: application/json' -d '{"username":"admin","password":"citygrid-demo"}' \
    "$BASE_URL/api/v1/session" >/dev/null
  curl -sf -b "$DIR/cj" "$BASE_URL/api/v1/org-units/150203010008" | grep -q '金华社区' || fail "org unit on PostgreSQL"
  stop_server
  psql "$CITYGRID_TEST_PG_URL" -qc "DROP DATABASE $db" >/dev/null
fi
echo "cli tests passed"
