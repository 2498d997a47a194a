# Shared helpers for the shell-driven tests. Source it; needs CITYGRID (path to the binary) and ROOT.

# The data-element dictionary, case types and calendar come from the repository, whatever the
# working directory (CTest runs from the build tree): seeding and serving both read them.
export CITYGRID_DATA_ROOT="${CITYGRID_DATA_ROOT:-$ROOT/data}"
export CITYGRID_ELEMENTS_DIR="${CITYGRID_ELEMENTS_DIR:-$ROOT/data/elements}"

# start_server DATA_DIR [extra serve args...]: starts `citygrid serve --port 0` in the background,
# sets SERVER_PID and BASE_URL (from the line the server prints), fails after 30 s.
start_server() {
  local dir=$1; shift
  SERVER_LOG="$dir/serve.log"
  # Case types and the calendar come from the repository (ROOT is set by the sourcing script).
  CITYGRID_DATA_ROOT="${CITYGRID_DATA_ROOT:-$ROOT/data}" \
    "$CITYGRID" serve --host 127.0.0.1 --port 0 --data-dir "$dir" "$@" >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  # START_TIMEOUT_S: a city-scale database takes minutes to load its in-memory views.
  for _ in $(seq 1 $(( ${START_TIMEOUT_S:-30} * 10 ))); do
    BASE_URL=$(grep -o 'http://localhost:[0-9]*' "$SERVER_LOG" | head -1 || true)
    [ -n "$BASE_URL" ] && { BASE_URL=${BASE_URL/localhost/127.0.0.1}; return 0; }
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died:"; cat "$SERVER_LOG"; return 1; }
    sleep 0.1
  done
  echo "server did not start:"; cat "$SERVER_LOG"; return 1
}

stop_server() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

fail() { echo "FAIL: $*"; exit 1; }
