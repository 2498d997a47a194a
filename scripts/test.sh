#!/usr/bin/env bash
# The README's second command: installs what the tests need, builds everything, starts a local
# PostgreSQL (unless CITYGRID_TEST_PG_URL is set) and runs every test through CTest: unit and
# store contract tests on SQLite and PostgreSQL, API and socket tests, CLI tests, short fuzz
# runs and the browser tests in headless Chromium.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
start=$(date +%s)
bash scripts/install-deps.sh
(cd tests/browser && { [ -d node_modules ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] || \
  npm ci --no-audit --no-fund --loglevel=error; })
bash scripts/build.sh
if [ -z "${CITYGRID_TEST_PG_URL:-}" ]; then
  CITYGRID_TEST_PG_URL=$(bash scripts/start-pg.sh | tail -1)
fi
export CITYGRID_TEST_PG_URL
echo "PostgreSQL for tests: $CITYGRID_TEST_PG_URL"
built=$(date +%s)
log=$(mktemp)
set +e
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 600 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
end=$(date +%s)
echo "install+build: $((built - start)) s, tests: $((end - built)) s"
# The closing line: "tests: N passed, N failed" from CTest's own summary.
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
rm -f "$log"
if [ -n "$summary" ]; then
  failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
  total=$(echo "$summary" | sed -E 's/.* failed out of ([0-9]+).*/\1/')
  echo "tests: $((total - failed)) passed, $failed failed"
fi
exit $rc
