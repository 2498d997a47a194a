#!/usr/bin/env bash
# scripts/check-deps.mjs passes on the tree as it is, and fails — naming the package — on copies
# of the tree with a used package dropped from install-deps.sh, a CMake package no code can find
# (the restinio of issue 10), a listed package nothing uses, and scripts calling programs that
# the list does not install. Usage: check_deps_test.sh BUILD_DIR
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$1
. "$ROOT/tests/lib.sh"
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

check() { node "$ROOT/scripts/check-deps.mjs" --build "$BUILD" "$@"; }

out=$(check) || fail "the check fails on the tree itself: $out"
echo "$out"
grep -q '^check-deps: ok' <<<"$out" || fail "no ok line: $out"

# A copy of what the check reads: CMake files, scripts and tests (no build, data or node_modules).
fresh_copy() {
  rm -rf "$DIR/tree"; mkdir -p "$DIR/tree"
  (cd "$ROOT" && tar --exclude=node_modules --exclude=build --exclude='build-*' --exclude=test-results -cf - \
     CMakeLists.txt cmake src scripts tests bench fuzz .ci) | tar -xf - -C "$DIR/tree"
}
expect_failure() {  # expect_failure WHAT PATTERN
  local out rc=0
  out=$(check --root "$DIR/tree") || rc=$?
  [ "$rc" -eq 1 ] || fail "$1: expected exit 1, got $rc: $out"
  grep -q -- "$2" <<<"$out" || fail "$1: the failure does not name '$2': $out"
  echo "ok: $1 -> $(echo "$out" | grep -m1 -- "$2")"
}

fresh_copy
out=$(check --root "$DIR/tree") || fail "an untouched copy fails: $out"

fresh_copy
sed -i 's/ libpugixml-dev//' "$DIR/tree/scripts/install-deps.sh"
grep -q libpugixml-dev "$DIR/tree/scripts/install-deps.sh" && fail "could not plant the missing package"
expect_failure "a used -dev package missing from the list" "'libpugixml-dev'"

fresh_copy
sed -i 's/ wrk bc/ bc/' "$DIR/tree/scripts/install-deps.sh"
expect_failure "a program the bench scripts call, missing from the list" "wrk"

fresh_copy
sed -i 's/^find_package(fmt REQUIRED)$/find_package(fmt REQUIRED)\nfind_package(restinio REQUIRED)/' "$DIR/tree/CMakeLists.txt"
grep -q 'find_package(restinio' "$DIR/tree/CMakeLists.txt" || fail "could not plant restinio"
expect_failure "CMake asks for a package nothing installs (restinio)" "restinio"

fresh_copy
unused=""
for p in libgcrypt20-dev gdb less patch bzip2 xz-utils; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then unused=$p; break; fi
done
[ -n "$unused" ] || fail "no installed package to plant as unused"
sed -i "s/^  chromium fonts-noto-cjk$/  chromium fonts-noto-cjk $unused/" "$DIR/tree/scripts/install-deps.sh"
grep -q " $unused\$" "$DIR/tree/scripts/install-deps.sh" || fail "could not plant $unused"
expect_failure "a listed package nothing uses ($unused)" "lists '$unused'"

fresh_copy
printf '#!/usr/bin/env bash\nset -e\nresult=$(frobnicate-widgets --all)\n' > "$DIR/tree/tests/planted.sh"
expect_failure "a script calling a program nothing installs" "frobnicate-widgets"

if [ "$(dpkg-query -W -f='${Status}' gdb 2>/dev/null)" = "install ok installed" ]; then
  fresh_copy
  printf '#!/usr/bin/env bash\nif true; then timeout 5 gdb -batch -ex run ./x; fi\n' > "$DIR/tree/tests/planted.sh"
  expect_failure "a script calling an installed program the list does not name" "'gdb'"
fi
echo "check-deps test: all cases behave"
