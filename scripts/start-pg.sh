#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 + PostGIS cluster for tests, as root. Idempotent: a running
# cluster is reused. The last stdout line is the URL of database citygrid_test, so:
#   export CITYGRID_TEST_PG_URL=$(scripts/start-pg.sh | tail -1)
# Environment: PGDATA (default /var/tmp/citygrid-pg), PGPORT (default 55432).
# Stop it with: runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$PGDATA" stop
set -euo pipefail

PGBIN=/usr/lib/postgresql/15/bin
PGDATA=${PGDATA:-/var/tmp/citygrid-pg}
PGPORT=${PGPORT:-55432}
DB=citygrid_test

log() { echo "start-pg: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (it installs packages and runs the server as user postgres)"
  exit 1
fi

if [ ! -x "$PGBIN/postgres" ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
  log "installing postgresql-15 and postgresql-15-postgis-3"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-15-postgis-3 >&2
fi

# The data directory and every parent must be traversable by user postgres.
# Creates missing parents world-traversable without touching existing ones (e.g. /var/tmp).
mkdir -p -m 755 "$(dirname "$PGDATA")"
dir=$(dirname "$PGDATA")
while [ "$dir" != "/" ]; do
  if ! runuser -u postgres -- test -x "$dir"; then
    log "warning: user postgres cannot enter $dir; adding o+x"
    chmod o+x "$dir"
  fi
  dir=$(dirname "$dir")
done
install -d -o postgres -g postgres -m 700 "$PGDATA"

if [ ! -f "$PGDATA/PG_VERSION" ]; then
  log "initdb $PGDATA"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >&2
fi

if ! runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  log "starting on 127.0.0.1:$PGPORT"
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
    -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA" start >&2
fi

PSQL=/usr/bin/psql
[ -x "$PSQL" ] || PSQL="$PGBIN/psql"
q() { runuser -u postgres -- "$PSQL" -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

if [ "$(q -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
  log "creating database $DB"
  q -d postgres -c "CREATE DATABASE $DB" >&2
fi
q -d "$DB" -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis" >&2

echo "postgresql://postgres@127.0.0.1:$PGPORT/$DB"
