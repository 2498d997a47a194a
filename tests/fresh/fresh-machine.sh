#!/usr/bin/env bash
# The README's two commands on a fresh Debian 12, as a new user runs them: debootstraps a minimal
# bookworm (no compiler, no library, nothing of scripts/install-deps.sh) into a folder, gives it
# the Node.js + npm that the machine image provides, clones this repository into it, and inside
# the chroot runs `bash scripts/setup.sh` until the server answers (page, login, demo data), then,
# with --with-tests, `bash scripts/test.sh`. Anything the install script forgets fails here.
# Not part of the test command (it downloads ~1 GB of packages and builds from nothing: measured
# 762 s with the tests on 2 cores, of which setup.sh 249 s and test.sh 490 s). As root. docs/operations.md "A fresh machine".
# Usage: tests/fresh/fresh-machine.sh [--with-tests] [--keep] [WORK_DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WITH_TESTS=0 KEEP=0 WORK=
for a in "$@"; do
  case "$a" in
    --with-tests) WITH_TESTS=1 ;;
    --keep) KEEP=1 ;;
    -*) echo "unknown option $a" >&2; exit 2 ;;
    *) WORK=$a ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap and chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "debootstrap missing: bash scripts/install-deps.sh" >&2; exit 2; }
WORK=${WORK:-$(mktemp -d /var/tmp/citygrid-fresh.XXXXXX)}
mkdir -p "$WORK"
R="$WORK/root"
MIRROR=${MIRROR:-http://deb.debian.org/debian}
log() { echo "[fresh $(date -u +%H:%M:%S)] $*"; }

MOUNTS=()
# Ends the processes started inside the chroot (the server, its PostgreSQL): those whose root is
# $R. The chroot shares this machine's process table, so a pkill there would hit ours too.
kill_in_root() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$R" ] && kill "${p#/proc/}" 2>/dev/null
  done
  return 0
}
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  kill_in_root
  sleep 1
  local n=${#MOUNTS[@]}
  while [ "$n" -gt 0 ]; do n=$((n - 1)); umount -l "${MOUNTS[$n]}" 2>/dev/null || true; done
  if [ "$KEEP" = 0 ]; then rm -rf --one-file-system "$WORK"; else log "kept $WORK"; fi
}
trap cleanup EXIT
mnt() { mount "$@"; MOUNTS+=("${@: -1}"); }

start=$(date +%s)
log "debootstrap bookworm (minbase) into $R"
debootstrap --variant=minbase bookworm "$R" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 ||
  { tail -20 "$WORK/debootstrap.log"; exit 1; }
# The same sources as a Debian 12 machine (updates and security), when this one has them.
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  rm -f "$R/etc/apt/sources.list"; cp /etc/apt/sources.list.d/debian.sources "$R/etc/apt/sources.list.d/"
fi
cp /etc/resolv.conf "$R/etc/resolv.conf"
# Node.js and npm come with the machine image (README): the same ones as here.
node_bin=$(readlink -f "$(command -v node)")
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
cp "$node_bin" "$R/usr/bin/node"
mkdir -p "$R/usr/lib/node_modules"; cp -a "$npm_dir" "$R/usr/lib/node_modules/"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$R/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$R/usr/bin/npx"
# So does its trust store: the egress proxy's CA (npm's registry is reached through it), and the
# npm settings of the image.
mkdir -p "$R/etc/ssl/certs" "$R/usr/local/share/ca-certificates"
cp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/ca-certificates.crt"
cp /usr/local/share/ca-certificates/*.crt "$R/usr/local/share/ca-certificates/" 2>/dev/null || true
[ -f "$HOME/.npmrc" ] && cp "$HOME/.npmrc" "$R/root/.npmrc"
mnt -t proc proc "$R/proc"
mnt --rbind /sys "$R/sys"
mnt --rbind /dev "$R/dev"
mkdir -p "$R/dev/shm"
# A fresh clone of what is committed here (uncommitted changes are not in it).
git clone -q "$ROOT" "$R/root/citygrid"
log "fresh root ready ($(du -sh --one-file-system "$R" | cut -f1)); clone at $(git -C "$R/root/citygrid" rev-parse --short HEAD)"
in_root() {
  chroot "$R" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt "$@"
}
in_root /bin/sh -c 'command -v g++ cmake sqlite3 psql' && { echo "the fresh root already has a compiler or database"; exit 1; } || true

log "first command: bash scripts/setup.sh"
t0=$(date +%s)
PORT=18080
in_root /bin/bash -c "cd /root/citygrid && CITYGRID_PORT=$PORT bash scripts/setup.sh" > "$WORK/setup.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 3600); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { log "setup.sh stopped:"; tail -40 "$WORK/setup.log"; exit 1; }
  sleep 1
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" || { tail -40 "$WORK/setup.log"; exit 1; }
setup_s=$(( $(date +%s) - t0 ))
log "server answers after ${setup_s} s"
page=$(curl -sf "http://127.0.0.1:$PORT/")
grep -qi "<html" <<<"$page" || { echo "FAIL: / is not the web app: ${page:0:200}"; exit 1; }
out=$(curl -sf -c "$WORK/jar" -H 'content-type: application/json' -d '{"username":"admin","password":"citygrid-demo"}' \
  "http://127.0.0.1:$PORT/api/v1/session") || { echo "FAIL: admin login"; exit 1; }
grep -q csrf_token <<<"$out" || { echo "FAIL: login answer $out"; exit 1; }
units=$(curl -sf -b "$WORK/jar" "http://127.0.0.1:$PORT/api/v1/org-units/150203/children" | grep -o '"code"' | wc -l)
[ "$units" -ge 10 ] || { echo "FAIL: the demo city has $units units under 昆都仑区"; exit 1; }
log "web app served, admin logs in, 昆都仑区 has $units child units"
kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=

if [ "$WITH_TESTS" = 1 ]; then
  log "second command: bash scripts/test.sh"
  t0=$(date +%s)
  # The chroot shares this machine's network: its PostgreSQL takes another port than ours.
  in_root /bin/bash -c "cd /root/citygrid && PGPORT=${FRESH_PGPORT:-55439} PGDATA=/var/tmp/citygrid-pg bash scripts/test.sh" > "$WORK/test.log" 2>&1 ||
    { log "test.sh failed:"; tail -60 "$WORK/test.log"; exit 1; }
  log "test.sh passed in $(( $(date +%s) - t0 )) s: $(grep -E 'tests passed' "$WORK/test.log" | tail -1)"
fi
log "fresh machine: ok in $(( $(date +%s) - start )) s (setup.sh ${setup_s} s)"
