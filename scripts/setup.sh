#!/usr/bin/env bash
# The README's first command: installs everything, builds server and web app, loads the Baotou
# demo city into an embedded SQLite database (once) and serves it at http://localhost:8080.
# Environment: CITYGRID_PORT (8080), CITYGRID_DATA_DIR (./data-dir), and any other CITYGRID_* key.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/install-deps.sh
TARGET=citygrid bash scripts/build.sh
export CITYGRID_DATA_DIR=${CITYGRID_DATA_DIR:-$ROOT/data-dir}
export CITYGRID_WEB_ROOT=${CITYGRID_WEB_ROOT:-$ROOT/web/dist}
./build/src/cli/citygrid seed --scale demo --if-empty --source "$ROOT/data/baotou"
echo "log in at http://localhost:${CITYGRID_PORT:-8080}/ as admin / citygrid-demo (see README.md for other accounts)"
exec ./build/src/cli/citygrid serve
