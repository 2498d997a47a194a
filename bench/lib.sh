# Shared by bench/run-*.sh: build, a temporary demo city, a server, wrk. Source it after setting
# ROOT; needs BUILD_DIR.
set -euo pipefail
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
command -v wrk >/dev/null || { apt-get install -y wrk >&2 || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }; }
if [ -z "${NO_BUILD:-}" ]; then  # NO_BUILD=1: use the binaries already in BUILD_DIR
  [ -f "$BUILD_DIR/build.ninja" ] || cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
  cmake --build "$BUILD_DIR" -j2 --target citygrid sqlite_commit_bench >&2
fi
CITYGRID="$BUILD_DIR/src/cli/citygrid"
BENCH_DIR=$(mktemp -d /var/tmp/citygrid-bench.XXXXXX)  # on the disk, not tmpfs: fsync is measured
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$BENCH_DIR"' EXIT
# No dictionary: the seed skips the synthetic population (not needed here; saves tens of seconds).
export CITYGRID_ELEMENTS_DIR="$BENCH_DIR/no-elements" CITYGRID_DATA_ROOT="$ROOT/data" CITYGRID_LOG_LEVEL=warn
export CITYGRID_PUBLIC_REPORTS_PER_HOUR=1000000   # the bench submits everything from one address

# seed_city: the demo city (9,975 grids, accounts, 3,000 people) in $BENCH_DIR.
seed_city() { "$CITYGRID" seed --scale demo --data-dir "$BENCH_DIR" --source "$ROOT/data/baotou" >/dev/null; }

# start_server: serve on a free port; sets SERVER_PID and URL.
start_server() {
  "$CITYGRID" serve --host 127.0.0.1 --port 0 --data-dir "$BENCH_DIR" >"$BENCH_DIR/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    URL=$(grep -o 'http://localhost:[0-9]*' "$BENCH_DIR/serve.log" | head -1 || true)
    [ -n "$URL" ] && { URL=${URL/localhost/127.0.0.1}; return 0; }
    sleep 0.1
  done
  cat "$BENCH_DIR/serve.log" >&2; exit 1
}
# server_cpu_ms: CPU time (user + system, all threads) the server has used so far, in ms.
server_cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$SERVER_PID/stat"; }

# run_wrk ARGS...: wrk with --latency; prints wrk's summary lines and the server's CPU time per
# request (user + system of all server threads over the run: a figure that, unlike req/s, does
# not depend on how much of the shared machine the server got).
run_wrk() {
  local before after out n
  before=$(server_cpu_ms)
  out=$(wrk --latency "$@")
  after=$(server_cpu_ms)
  echo "$out" | grep -E 'Latency|50%|75%|90%|99%|Requests/sec|Non-2xx|requests in|Socket errors'
  n=$(echo "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
  [ -n "$n" ] && [ "$n" -gt 0 ] && echo "server CPU: $((after - before)) ms for $n requests = $(( (after - before) * 1000 / n )) us/request"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=; }

# login USER: prints "cookie csrf" for a demo account.
login() {
  local out
  out=$(curl -s -D - -H 'content-type: application/json' \
    -d '{"username":"'"$1"'","password":"citygrid-demo"}' "$URL/api/v1/session")
  echo "$(echo "$out" | sed -n 's/^[Ss]et-[Cc]ookie: *\(cg_session=[^;]*\).*/\1/p' | head -1) \
$(echo "$out" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')"
}
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
