#!/usr/bin/env bash
# Builds and runs the point-lookup benchmarks: GridIndex::Locate vs PostGIS ST_Contains (GiST),
# over the whole Baotou grid set. Needs root for the throw-away PostgreSQL (scripts/start-pg.sh).
# Environment: BUILD_DIR (default build-geo), SRC_DIR (default the repository), CITYGRID_PG_URL
# (skip starting a server and use this database).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC_DIR=${SRC_DIR:-$ROOT}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-geo}

[ -f "$BUILD_DIR/build.ninja" ] || cmake -S "$SRC_DIR" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
cmake --build "$BUILD_DIR" -j2 --target geo_locate_bench >&2

if [ -z "${CITYGRID_PG_URL:-}" ]; then
  if [ -x "$ROOT/scripts/start-pg.sh" ]; then
    CITYGRID_PG_URL=$("$ROOT/scripts/start-pg.sh" | tail -1)
  else  # fallback: the snippet from the stack notes
    PGBIN=/usr/lib/postgresql/15/bin; PGDATA=${PGDATA:-/var/tmp/citygrid-pg}; PGPORT=${PGPORT:-55432}
    install -d -o postgres -g postgres -m 700 "$PGDATA"
    [ -f "$PGDATA/PG_VERSION" ] || runuser -u postgres -- $PGBIN/initdb -D "$PGDATA" -U postgres \
      --auth=trust -E UTF8 --locale=C.UTF-8 >&2
    runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" status >/dev/null 2>&1 || \
      runuser -u postgres -- $PGBIN/pg_ctl -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
      -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA" start >&2
    psql -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='citygrid_bench'" \
      | grep -q 1 || psql -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE citygrid_bench" >&2
    CITYGRID_PG_URL="postgresql://postgres@127.0.0.1:$PGPORT/citygrid_bench"
  fi
fi
export CITYGRID_PG_URL
echo "PostgreSQL: $CITYGRID_PG_URL" >&2
"$BUILD_DIR/bench/geo_locate_bench" --benchmark_counters_tabular=true "$@"
