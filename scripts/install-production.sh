#!/usr/bin/env bash
# Installs citygrid as a system service (as root; docs/operations.md): the built binary, web app
# and data files under /usr/local/bin and /usr/share/citygrid, the user `citygrid`, its
# configuration and master key in /etc/citygrid, the systemd unit, the nginx site and the
# logrotate rule. Idempotent; an existing configuration or master key is never overwritten.
# Run scripts/build.sh first (or let this script do it: BUILD=1).
# Environment: DESTDIR (install below this root instead of /, for packaging and tests; the user
# is still created on this machine), CITYGRID_BUILD_DIR (default ./build).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=${DESTDIR:-}
BUILD_DIR=${CITYGRID_BUILD_DIR:-$ROOT/build}
log() { echo "install-production: $*" >&2; }

[ "$(id -u)" -eq 0 ] || { log "must run as root"; exit 1; }
if [ "${BUILD:-0}" = 1 ]; then bash "$ROOT/scripts/install-deps.sh"; TARGET=citygrid bash "$ROOT/scripts/build.sh"; fi
BIN=$BUILD_DIR/src/cli/citygrid
[ -x "$BIN" ] || { log "no built binary at $BIN: run scripts/build.sh (or BUILD=1 $0)"; exit 1; }
[ -f "$ROOT/web/dist/index.html" ] || { log "the web app is not built: run scripts/build.sh"; exit 1; }

if ! getent passwd citygrid >/dev/null; then
  log "creating system user citygrid"
  useradd --system --user-group --home-dir /var/lib/citygrid --no-create-home --shell /usr/sbin/nologin citygrid
fi

install -d -m 0755 "$D/usr/local/bin" "$D/usr/share/citygrid" "$D/usr/share/citygrid/docs" \
  "$D/etc/systemd/system" "$D/etc/nginx/sites-available" "$D/etc/logrotate.d"
install -m 0755 "$BIN" "$D/usr/local/bin/citygrid"
# Web app and data files are replaced whole, so an upgrade leaves no stale assets behind.
rm -rf "$D/usr/share/citygrid/web" "$D/usr/share/citygrid/data"
cp -r "$ROOT/web/dist" "$D/usr/share/citygrid/web"
cp -r "$ROOT/data" "$D/usr/share/citygrid/data"
install -m 0644 "$ROOT/docs/operations.md" "$D/usr/share/citygrid/docs/operations.md"
chmod -R u=rwX,go=rX "$D/usr/share/citygrid"

# Configuration and key: root-owned directory the service can read, key readable by it alone.
install -d -m 0750 -o root -g citygrid "$D/etc/citygrid"
if [ ! -f "$D/etc/citygrid/citygrid.toml" ]; then
  install -m 0640 -o root -g citygrid "$ROOT/deploy/citygrid.toml" "$D/etc/citygrid/citygrid.toml"
  log "wrote $D/etc/citygrid/citygrid.toml: set public_base_url (and db_url for PostgreSQL)"
fi
if [ ! -f "$D/etc/citygrid/master.key" ]; then
  CITYGRID_MASTER_KEY_FILE="$D/etc/citygrid/master.key" "$D/usr/local/bin/citygrid" key generate >&2
  log "back up $D/etc/citygrid/master.key now, apart from the database backups"
fi
chown citygrid:citygrid "$D/etc/citygrid/master.key"
chmod 0600 "$D/etc/citygrid/master.key"
install -d -m 0700 -o citygrid -g citygrid "$D/var/lib/citygrid"
install -d -m 0750 -o citygrid -g adm "$D/var/log/citygrid"

install -m 0644 "$ROOT/deploy/citygrid.service" "$D/etc/systemd/system/citygrid.service"
install -m 0644 "$ROOT/deploy/nginx-citygrid.conf" "$D/etc/nginx/sites-available/citygrid"
install -m 0644 "$ROOT/deploy/logrotate-citygrid" "$D/etc/logrotate.d/citygrid"

# The schema is migrated before the first start (and before every upgraded start: `serve` does too).
runuser -u citygrid -- "$D/usr/local/bin/citygrid" migrate --config "$D/etc/citygrid/citygrid.toml" \
  --data-dir "$D/var/lib/citygrid" >&2 || { log "migration failed: see above"; exit 1; }

if [ -z "$D" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable --now citygrid.service
  log "citygrid.service enabled and started; logs: /var/log/citygrid/citygrid.log"
else
  log "installed below ${D:-/}; systemd is not running here, so the service was not started"
fi
log "nginx: put the TLS certificate in /etc/ssl/citygrid/, then ln -s ../sites-available/citygrid /etc/nginx/sites-enabled/ && nginx -t && systemctl reload nginx"
