#!/usr/bin/env bash
# Runs the browser tests against a real server: a fresh demo city in a temp dir, the built web
# app, headless Chromium driven by playwright-core. Usage: run.sh CITYGRID_BINARY
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CITYGRID=$1
. "$ROOT/tests/lib.sh"
DIR=$(mktemp -d)
trap 'stop_server; rm -rf "$DIR"' EXIT
[ -f "$ROOT/web/dist/index.html" ] || fail "web app not built (scripts/build.sh)"
# Screenshots and layout checks need Chinese glyphs (fonts-noto-cjk), not tofu boxes.
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || fail "no CJK font: apt-get install fonts-noto-cjk"
"$CITYGRID" seed --scale demo --data-dir "$DIR" --source "$ROOT/data/baotou" >/dev/null
start_server "$DIR" --web-root "$ROOT/web/dist"
cd "$ROOT"
CITYGRID_URL=$BASE_URL node --test --test-concurrency=1 tests/browser/
