#!/usr/bin/env bash
# Backup, restore, migrate-data and doctor, as an operator runs them (docs/operations.md).
# For each backend: seed a small city, serve it, let two clients write under load (public case
# reports, and persons with encrypted ID and phone numbers through a staff account), take
# `citygrid backup` in the middle of the load, restore it into an empty database, run
# `citygrid check db`, serve the restored copy and check that every write acknowledged before
# the backup began is there and that an ID number still opens (unmask) with the same key.
# Then hostile backups (truncated, flipped byte, bad header, wrong key, other backend, non-empty
# target) are refused with a clear message, SQLite -> PostgreSQL `migrate-data` is run while the
# server still writes, the master key is rotated, and `citygrid doctor` is checked on a healthy and on broken installations.
# PostgreSQL parts run when CITYGRID_TEST_PG_URL is set (scripts/test.sh sets it).
# Usage: backup_test.sh CITYGRID_BINARY
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CITYGRID=$1
. "$ROOT/tests/lib.sh"
DIR=$(mktemp -d)
export PGOPTIONS="-c client_min_messages=warning"
export CITYGRID_PUBLIC_REPORTS_PER_HOUR=1000000
export CITYGRID_WEB_ROOT="$ROOT/web/dist"
CLIENT_PIDS=()
PG_DBS=()
cleanup() {
  touch "$DIR"/*/stop 2>/dev/null || true
  for p in "${CLIENT_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${SERVER_PID:-}" ] && kill -9 "$SERVER_PID" 2>/dev/null || true
  for p in $(jobs -p); do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for db in "${PG_DBS[@]}"; do psql "$CITYGRID_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT

new_pg_db() {  # new_pg_db NAME -> prints its URL
  local db="${1}_$$"
  psql "$CITYGRID_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  PG_DBS+=("$db")
  echo "${CITYGRID_TEST_PG_URL%/*}/$db"
}

# A valid 18-digit resident ID number (GB 11643 check digit) for sequence number n.
id_number() {
  local n=$1 body w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) sum=0 i
  body=$(printf '150203%04d%02d%02d%03d' $((1950 + n / 28000 % 50)) $((n / 1000 % 12 + 1)) $((n / 12000 % 28 + 1)) $((n % 1000)))
  for i in $(seq 0 16); do sum=$((sum + ${body:$i:1} * ${w[$i]})); done
  local check=10X98765432
  echo "$body${check:$((sum % 11)):1}"
}

login() {  # login URL JAR USER -> prints the CSRF token
  curl -s -c "$2" -H 'content-type: application/json' -d '{"username":"'"$3"'","password":"citygrid-demo"}' \
    "$1/api/v1/session" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p'
}

# Client 1: public reports; records "key public_id" once acknowledged.
case_client() {
  local run=$1 url=$2 n=0 out code pid
  while [ ! -f "$run/stop" ]; do
    out=$(curl -s -m 10 -w '\n%{http_code}' -H 'content-type: application/json' -H "idempotency-key: k$n" \
      -d '{"category":"garbage","description":"备份测试 '"$n"'","lon":109.83,"lat":40.66,"contact_phone":"13900001111"}' \
      "$url/api/v1/public/cases" 2>/dev/null) || true
    code=${out##*$'\n'}
    case "$code" in
      200|201) pid=$(echo "$out" | sed -n 's/.*"public_id":"\([^"]*\)".*/\1/p'); echo "k$n $pid" >> "$run/cases"; n=$((n + 1)) ;;
      *) echo "case k$n: HTTP $code: $out" >> "$run/errors"; sleep 0.1 ;;
    esac
  done
}

# Client 2: persons with encrypted ID and phone numbers; records "record_id id_number".
person_client() {
  local run=$1 url=$2 n=0 out code rid idn jar="$run/person.jar" csrf
  csrf=$(login "$url" "$jar" jinhua)
  while [ ! -f "$run/stop" ]; do
    idn=$(id_number $n)
    out=$(curl -s -m 10 -w '\n%{http_code}' -b "$jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
      -H "idempotency-key: p$n" \
      -d '{"grid_code":"150203010008001","name":"备份居民'"$n"'","id_number":"'"$idn"'","phone":"139'"$(printf %08d $n)"'","ethnicity":"01","residence_status":"registered"}' \
      "$url/api/v1/persons" 2>/dev/null) || true
    code=${out##*$'\n'}
    case "$code" in
      200|201) rid=$(echo "$out" | sed -n 's/^{"id":\([0-9]*\).*/\1/p'); [ -n "$rid" ] || rid=$(echo "$out" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
               echo "$rid $idn" >> "$run/persons"; n=$((n + 1)) ;;
      *) echo "person p$n: HTTP $code: $out" >> "$run/errors"; sleep 0.1 ;;
    esac
  done
}

count() { [ -f "$1" ] && wc -l < "$1" || echo 0; }

# wait_for FILE N: until FILE has at least N lines (30 s).
wait_for() {
  for _ in $(seq 1 300); do [ "$(count "$1")" -ge "$2" ] && return 0; sleep 0.1; done
  fail "$1 has only $(count "$1") lines: $(tail -3 "$(dirname "$1")/errors" 2>/dev/null)"
}

# verify URL RUN SNAPSHOT_SUFFIX: every acknowledged write in RUN/{cases,persons}SUFFIX is served
# at URL, and the newest person's ID number opens.
verify() {
  local url=$1 run=$2 sfx=$3 jar="$run/verify.jar" csrf missing
  cut -d' ' -f2 "$run/cases$sfx" | sed "s|.*|url = \"$url/api/v1/public/cases/&\"\noutput = /dev/null|" > "$run/urls"
  missing=$(curl -s -K "$run/urls" -w '%{http_code} %{url_effective}\n' | grep -v '^200 ' || true)
  [ -z "$missing" ] || fail "acknowledged cases missing: $(echo "$missing" | head -3)"
  csrf=$(login "$url" "$jar" jinhua)
  cut -d' ' -f1 "$run/persons$sfx" | sed "s|.*|url = \"$url/api/v1/persons/&\"\noutput = /dev/null|" > "$run/urls"
  missing=$(curl -s -b "$jar" -K "$run/urls" -w '%{http_code} %{url_effective}\n' | grep -v '^200 ' || true)
  [ -z "$missing" ] || fail "acknowledged persons missing: $(echo "$missing" | head -3)"
  local last rid idn out
  last=$(tail -1 "$run/persons$sfx"); rid=${last% *}; idn=${last#* }
  out=$(curl -s -b "$jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
    -d '{"field":"id_number","reason":"备份恢复核对"}' "$url/api/v1/persons/$rid/unmask")
  grep -q "\"value\":\"$idn\"" <<<"$out" || fail "ID number of person $rid does not open after restore: $out"
}

# load_and_backup NAME [--db URL]: seed, serve, write under load, back up mid-load.
load_and_backup() {
  local name=$1; shift
  local run="$DIR/$name"
  mkdir -p "$run"
  "$CITYGRID" seed --scale demo --people 300 --data-dir "$run" --source "$ROOT/data/baotou" "$@" >/dev/null || fail "$name: seed"
  start_server "$run" "$@"
  case_client "$run" "$BASE_URL" & CLIENT_PIDS+=($!)
  person_client "$run" "$BASE_URL" & CLIENT_PIDS+=($!)
  wait_for "$run/cases" 30
  wait_for "$run/persons" 30
  # Everything acknowledged up to here was acknowledged before the backup began.
  cp "$run/cases" "$run/cases.before"; cp "$run/persons" "$run/persons.before"
  "$CITYGRID" backup --data-dir "$run" "$@" --to "$run/backup.cgb" > "$run/backup.out" 2>&1 ||
    fail "$name: backup: $(cat "$run/backup.out")"
  # The load went on during the backup.
  local during=$(( $(count "$run/cases") + $(count "$run/persons") - $(count "$run/cases.before") - $(count "$run/persons.before") ))
  wait_for "$run/persons" $(( $(count "$run/persons") + 5 ))
  touch "$run/stop"
  for p in "${CLIENT_PIDS[@]}"; do wait "$p" || true; done
  CLIENT_PIDS=()
  stop_server
  [ ! -s "$run/errors" ] || fail "$name: unexpected answers under load: $(head -3 "$run/errors")"
  [ "$(stat -c %a "$run/backup.cgb")" = 600 ] || fail "$name: backup file mode $(stat -c %a "$run/backup.cgb")"
  echo "$name: backup under load ($(count "$run/cases.before") cases + $(count "$run/persons.before") persons before it, $during writes during it): $(cat "$run/backup.out")"
}

# restore_and_check NAME [--db URL]: restore NAME's backup into a new place, check, serve, verify.
restore_and_check() {
  local name=$1; shift
  local run="$DIR/$name" new="$DIR/$name-restored"
  mkdir -m 700 "$new"
  set +e
  err=$("$CITYGRID" restore --data-dir "$new" "$@" --from "$run/backup.cgb" 2>&1); rc=$?
  set -e
  [ $rc -ne 0 ] && grep -q "refusing to restore without the master key" <<<"$err" || fail "$name: restore without the key: $rc $err"
  [ ! -e "$new/citygrid.db" ] || fail "$name: a refused restore left a database behind"
  cp -p "$run/master.key" "$new/master.key"
  out=$("$CITYGRID" restore --data-dir "$new" "$@" --from "$run/backup.cgb" 2>&1) || fail "$name: restore: $out"
  out=$("$CITYGRID" check db --data-dir "$new" "$@" 2>&1) || fail "$name: check db after restore: $out"
  [ "$out" = ok ] || fail "$name: check db said $out"
  start_server "$new" "$@"
  verify "$BASE_URL" "$run" .before
  # The restored database takes new writes (ids continue after the restored ones).
  local jar="$new/jar" csrf
  csrf=$(login "$BASE_URL" "$jar" jinhua)
  code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
    -d '{"grid_code":"150203010008001","name":"恢复后居民","id_number":"'"$(id_number 999999)"'","ethnicity":"01","residence_status":"registered"}' \
    "$BASE_URL/api/v1/persons")
  [ "$code" = 201 ] || fail "$name: a write after restore answered $code"
  # doctor on the restored, running installation: no failure.
  out=$("$CITYGRID" doctor --data-dir "$new" "$@" --port "${BASE_URL##*:}" 2>&1) || fail "$name: doctor on a healthy installation: $out"
  grep -q "^OK    server: answers" <<<"$out" || fail "$name: doctor did not see the server: $out"
  grep -q "^OK    integrity" <<<"$out" || fail "$name: doctor integrity: $out"
  stop_server
  echo "$name: restored, check db ok, $(count "$run/cases.before") cases and $(count "$run/persons.before") persons acknowledged before the backup all present, ID numbers open"
}

# rotate_and_check NAME [--db URL]: master-key rotation on NAME's restored installation. Refused
# while its server runs; then every ID and phone number is re-sealed under the new key: ID
# numbers open (unmask), search by ID number and by phone finds the person, check db passes, and
# the backup taken before the rotation still restores with the rotated key file.
rotate_and_check() {
  local name=$1; shift
  local run="$DIR/$name" new="$DIR/$name-restored" out err rc
  local old_key; old_key=$(grep -v '^#' "$new/master.key" | head -1)
  start_server "$new" "$@"
  set +e; err=$(CITYGRID_PORT=${BASE_URL##*:} "$CITYGRID" key rotate --data-dir "$new" "$@" 2>&1); rc=$?; set -e
  [ $rc -ne 0 ] && grep -q "stop it first" <<<"$err" || fail "$name: key rotate while serving: rc=$rc $err"
  [ "$(grep -v '^#' "$new/master.key" | head -1)" = "$old_key" ] || fail "$name: a refused rotation changed the key file"
  stop_server
  set +e; err=$(CITYGRID_MASTER_KEY=$old_key "$CITYGRID" key rotate --data-dir "$new" "$@" 2>&1); rc=$?; set -e
  [ $rc -ne 0 ] && grep -q "CITYGRID_MASTER_KEY is set" <<<"$err" || fail "$name: key rotate with the key in the environment: $err"
  out=$("$CITYGRID" key rotate --data-dir "$new" "$@" 2>/dev/null) || fail "$name: key rotate: $out"
  local persons; persons=$(grep -c . "$run/persons.before")
  local resealed; resealed=$(echo "$out" | sed -n 's/.*: \([0-9]*\) of [0-9]* persons and .*/\1/p')
  [ -n "$resealed" ] && [ "$resealed" -ge "$persons" ] || fail "$name: key rotate re-sealed '$resealed' persons, at least $persons written: $out"
  [ "$(grep -v '^#' "$new/master.key" | grep -c .)" = 2 ] || fail "$name: the rotated key file does not hold two keys"
  [ "$(grep -v '^#' "$new/master.key" | sed -n 2p)" = "$old_key" ] || fail "$name: the old key is not kept second"
  [ "$(grep -v '^#' "$new/master.key" | head -1)" != "$old_key" ] || fail "$name: the active key did not change"
  [ "$(stat -c %a "$new/master.key")" = 600 ] || fail "$name: rotated key file mode $(stat -c %a "$new/master.key")"
  # A second run finds nothing left to do.
  out=$("$CITYGRID" key reseal --data-dir "$new" "$@" 2>/dev/null) || fail "$name: key reseal: $out"
  grep -q ": 0 of [0-9]* persons and 0 of" <<<"$out" || fail "$name: key reseal after a rotation re-sealed again: $out"
  out=$("$CITYGRID" check db --data-dir "$new" "$@" 2>&1) || fail "$name: check db after rotation: $out"
  # Served with only the new key active: old persons open and are found by ID and phone number.
  start_server "$new" "$@"
  verify "$BASE_URL" "$run" .before
  local jar="$new/rot.jar" first rid idn n
  login "$BASE_URL" "$jar" jinhua >/dev/null
  first=$(head -1 "$run/persons.before"); rid=${first% *}; idn=${first#* }
  curl -s -b "$jar" "$BASE_URL/api/v1/persons?q=$idn" | grep -q "\"id\":$rid\b" || fail "$name: search by ID number after rotation"
  n=$(curl -s -b "$jar" "$BASE_URL/api/v1/persons/$rid" | grep -o '"phone":"[^"]*"' | head -1)
  curl -s -b "$jar" "$BASE_URL/api/v1/persons?q=139$(printf %08d 0)" | grep -q "\"id\":$rid\b" || fail "$name: search by phone after rotation ($n)"
  stop_server
  # The backup from before the rotation restores with the rotated key file (its old key is kept).
  local again="$DIR/$name-again"; mkdir -m 700 "$again"; cp -p "$new/master.key" "$again/master.key"
  local db_args=("$@")
  if [ "${1:-}" = --db ]; then db_args=(--db "$(new_pg_db "${name}_again")"); fi
  out=$("$CITYGRID" restore --data-dir "$again" "${db_args[@]}" --from "$run/backup.cgb" 2>&1) || fail "$name: restore of a pre-rotation backup with the rotated key: $out"
  echo "$name: key rotated (refused while serving and from the environment), $persons+ persons re-sealed, ID numbers open and are found, a pre-rotation backup still restores"
}

# --- SQLite ----------------------------------------------------------------------------------
load_and_backup sqlite
restore_and_check sqlite
rotate_and_check sqlite
run="$DIR/sqlite"

# Hostile backups: each refused with its reason, nothing written.
refused() {  # refused LABEL PATTERN FILE [restore args]
  local label=$1 pattern=$2 file=$3; shift 3
  local t="$DIR/t-$label"
  rm -rf "$t"; mkdir -m 700 "$t"; cp -p "$run/master.key" "$t/"
  set +e
  err=$("$CITYGRID" restore --data-dir "$t" "$@" --from "$file" 2>&1); rc=$?
  set -e
  [ $rc -ne 0 ] && grep -q -- "$pattern" <<<"$err" || fail "restore of a $label backup: rc=$rc $err"
  [ ! -s "$t/citygrid.db" ] || fail "restore of a $label backup wrote a database"
}
size=$(stat -c %s "$run/backup.cgb")
head -c $((size - 1000)) "$run/backup.cgb" > "$DIR/truncated.cgb"; refused truncated "truncated" "$DIR/truncated.cgb"
cp "$run/backup.cgb" "$DIR/flipped.cgb"
printf '\x5a' | dd of="$DIR/flipped.cgb" bs=1 seek=$((size - 5000)) conv=notrunc status=none
refused flipped "does not match its SHA-256" "$DIR/flipped.cgb"
{ cat "$run/backup.cgb"; echo extra; } > "$DIR/extra.cgb"; refused trailing "bytes after its payload" "$DIR/extra.cgb"
printf 'PK\003\004 not a backup' > "$DIR/zip.cgb"; refused garbage "not a citygrid backup" "$DIR/zip.cgb"
: > "$DIR/empty.cgb"; refused empty "not a citygrid backup" "$DIR/empty.cgb"
sed '1,8s/^payload_bytes: .*/payload_bytes: -5/' "$run/backup.cgb" > "$DIR/neg.cgb" 2>/dev/null || true
refused negative "bad payload_bytes" "$DIR/neg.cgb"
{ echo "citygrid-backup 1"; for i in $(seq 1 400); do echo "field$i: value"; done; } > "$DIR/long.cgb"
refused longheader "truncated or too long" "$DIR/long.cgb"
# Binary in the header, even shaped like "key: value", is refused as such (not read as a field).
{ echo "citygrid-backup 1"; printf 'k\001\377ey: v\033[31m\n\n'; } > "$DIR/binary.cgb"
refused binaryheader "malformed backup header line" "$DIR/binary.cgb"
{ echo "citygrid-backup 1"; head -c 3000 /dev/urandom | tr -d '\n'; echo; } > "$DIR/binary.cgb"
refused binaryheader "malformed backup header line" "$DIR/binary.cgb"
sed '1,8s/^schema_version: .*/schema_version: 99999/' "$run/backup.cgb" > "$DIR/future.cgb"; refused future "newer than this build" "$DIR/future.cgb"
# A key that is not the backup's: refused, naming the key ids.
t="$DIR/t-wrongkey"; mkdir -m 700 "$t"
"$CITYGRID" key generate --data-dir "$t" >/dev/null
set +e; err=$("$CITYGRID" restore --data-dir "$t" --from "$run/backup.cgb" 2>&1); rc=$?; set -e
[ $rc -ne 0 ] && grep -q "encrypted under master key id" <<<"$err" || fail "restore with the wrong key: $err"
# Over an existing database: refused.
set +e; err=$("$CITYGRID" restore --data-dir "$run" --from "$run/backup.cgb" 2>&1); rc=$?; set -e
[ $rc -ne 0 ] && grep -q "refusing to restore over" <<<"$err" || fail "restore over a live database: $err"
# A backup to an existing file: refused, the file untouched.
echo keep > "$DIR/exists.cgb"
set +e; err=$("$CITYGRID" backup --data-dir "$run" --to "$DIR/exists.cgb" 2>&1); rc=$?; set -e
[ $rc -ne 0 ] && [ "$(cat "$DIR/exists.cgb")" = keep ] || fail "backup over an existing file: $err"
echo "hostile backups refused: truncated, flipped byte, trailing bytes, garbage, empty, negative size, long header, binary header, future schema, wrong key, non-empty target, existing file"

# doctor on broken installations: each problem is a FAIL line with what to do, exit 1.
doctor_fails() {  # doctor_fails LABEL PATTERN [doctor args]
  local label=$1 pattern=$2; shift 2
  set +e; out=$("$CITYGRID" doctor "$@" 2>&1); rc=$?; set -e
  [ $rc -eq 1 ] && grep -q -- "$pattern" <<<"$out" || fail "doctor with $label: rc=$rc $out"
}
t="$DIR/sqlite-restored"
chmod 644 "$t/master.key"
doctor_fails "a 0644 key file" "^FAIL  master key: .*mode 0644" --data-dir "$t"
chmod 600 "$t/master.key"
mv "$t/master.key" "$t/master.key.away"
doctor_fails "no key file" "^FAIL  master key: .*No such file" --data-dir "$t"
mv "$t/master.key.away" "$t/master.key"
echo 'web_root = "/nonexistent"' > "$DIR/noweb.toml"
( unset CITYGRID_WEB_ROOT; doctor_fails "no web app" "^FAIL  web app" --data-dir "$t" --config "$DIR/noweb.toml" ) || exit 1
doctor_fails "no database" "^FAIL  database: no database file" --data-dir "$DIR/t-wrongkey"
out=$("$CITYGRID" doctor --data-dir "$t" --port 1 2>&1) || fail "doctor with the server stopped failed: $out"
grep -q "^WARN  server: nothing listens" <<<"$out" || fail "doctor did not warn about a stopped server: $out"
grep -q "^WARN  master key: the key file lives inside the data dir" <<<"$out" || fail "doctor: key in the data dir: $out"
echo "doctor: healthy installation passes; 0644 key, missing key, missing web app, missing database fail; stopped server and key beside the data warn"

# --- PostgreSQL ------------------------------------------------------------------------------
if [ -n "${CITYGRID_TEST_PG_URL:-}" ]; then
  src=$(new_pg_db backup_src)
  load_and_backup postgresql --db "$src"
  dst=$(new_pg_db backup_dst)
  restore_and_check postgresql --db "$dst"
  rotate_and_check postgresql --db "$dst"
  # A SQLite backup into PostgreSQL is refused (that is migrate-data's job); so is a non-empty target.
  set +e; err=$("$CITYGRID" restore --data-dir "$DIR/sqlite-restored" --db "$dst" --from "$run/backup.cgb" 2>&1); rc=$?; set -e
  [ $rc -ne 0 ] && grep -q "backup is of a sqlite database" <<<"$err" || fail "sqlite backup into postgresql: $err"
  set +e; err=$("$CITYGRID" restore --data-dir "$DIR/postgresql" --db "$dst" --from "$DIR/postgresql/backup.cgb" 2>&1); rc=$?; set -e
  [ $rc -ne 0 ] && grep -q "refusing to restore" <<<"$err" || fail "restore into a used postgresql database: $err"

  # SQLite -> PostgreSQL while the SQLite server still serves and writes.
  mig="$DIR/migrate"; mkdir -p "$mig"
  "$CITYGRID" seed --scale demo --people 300 --data-dir "$mig" --source "$ROOT/data/baotou" >/dev/null
  start_server "$mig"
  case_client "$mig" "$BASE_URL" & CLIENT_PIDS+=($!)
  person_client "$mig" "$BASE_URL" & CLIENT_PIDS+=($!)
  wait_for "$mig/cases" 20; wait_for "$mig/persons" 20
  cp "$mig/cases" "$mig/cases.before"; cp "$mig/persons" "$mig/persons.before"
  target=$(new_pg_db migrate_dst)
  out=$("$CITYGRID" migrate-data --from "sqlite://$mig/citygrid.db" --to "$target" 2>/dev/null) || fail "migrate-data: $out"
  touch "$mig/stop"; for p in "${CLIENT_PIDS[@]}"; do wait "$p" || true; done; CLIENT_PIDS=()
  stop_server
  [ ! -s "$mig/errors" ] || fail "migrate: unexpected answers under load: $(head -3 "$mig/errors")"
  grep -q "row counts match and the integrity check passed" <<<"$out" || fail "migrate-data output: $out"
  for table in change_log audit_log persons cases case_events org_units users; do
    n=$(echo "$out" | sed -n "s/^  $table: //p")
    m=$(psql "$target" -qAtc "SELECT count(*) FROM $table")
    [ -n "$n" ] && [ "$n" = "$m" ] || fail "migrate-data: $table copied $n, PostgreSQL has $m"
  done
  last_seq=$(psql "$target" -qAtc "SELECT max(seq) FROM change_log")
  out2=$("$CITYGRID" check db --db "$target" --data-dir "$mig" 2>&1) || fail "check db after migrate-data: $out2"
  start_server "$mig" --db "$target"
  verify "$BASE_URL" "$mig" .before
  jar="$mig/pg.jar"; csrf=$(login "$BASE_URL" "$jar" jinhua)
  code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
    -d '{"grid_code":"150203010008001","name":"迁移后居民","id_number":"'"$(id_number 999998)"'","ethnicity":"01","residence_status":"registered"}' \
    "$BASE_URL/api/v1/persons")
  [ "$code" = 201 ] || fail "a write on PostgreSQL after migrate-data answered $code (identity sequences?)"
  [ "$(psql "$target" -qAtc "SELECT min(seq) > $last_seq FROM change_log WHERE seq > $last_seq")" = t ] || fail "change log after migrate-data"
  curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
    -d '{"category":"garbage","description":"迁移后","lon":109.83,"lat":40.66,"contact_phone":"13900001111"}' \
    "$BASE_URL/api/v1/public/cases" | grep -q 201 || fail "a case on PostgreSQL after migrate-data"
  rid=$(tail -1 "$mig/persons.before" | cut -d' ' -f1)
  curl -s -b "$jar" "$BASE_URL/api/v1/persons/$rid/history" | grep -q '"seq"' || fail "history of a migrated person"
  stop_server
  # A second migrate-data into the now used database is refused.
  set +e; err=$("$CITYGRID" migrate-data --from "sqlite://$mig/citygrid.db" --to "$target" 2>&1); rc=$?; set -e
  [ $rc -ne 0 ] && grep -q "has rows" <<<"$err" || fail "migrate-data into a used database: $err"
  echo "migrate-data: sqlite -> postgresql under load, $(count "$mig/cases.before") cases + $(count "$mig/persons.before") persons acknowledged before it all present, counts match, ID numbers open, new writes work"
fi
echo "backup tests passed"
