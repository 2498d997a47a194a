#!/usr/bin/env bash
# The production setup of docs/operations.md, exercised for real (issue 10, item 4):
#  1. scripts/install-production.sh into a DESTDIR: user, modes of the data dir, key and config;
#     a second run keeps the key and config; the schema is migrated as user citygrid.
#  2. the systemd unit passes `systemd-analyze verify` and its sandbox scores "OK" offline.
#  3. nginx with deploy/nginx-citygrid.conf (TLS, self-signed) in front of a real server with
#     trusted_proxies: logins are limited per client address behind the proxy and a forged
#     X-Forwarded-For is ignored; 80 redirects to 443; the body limits match the server's.
#  4. logrotate with deploy/logrotate-citygrid rotates the log in place (copytruncate).
# Usage: deploy_test.sh CITYGRID_BINARY BUILD_DIR
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CITYGRID=$1
BUILD_DIR=$2
. "$ROOT/tests/lib.sh"
DIR=$(mktemp -d /var/tmp/citygrid-deploy.XXXXXX)
chmod 755 "$DIR"  # user citygrid must reach the DESTDIR below it
NGINX_PID=
cleanup() {
  stop_server
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT
mode() { stat -c '%a %U:%G' "$1"; }

# 1. Install into a DESTDIR.
D=$DIR/root
DESTDIR=$D CITYGRID_BUILD_DIR=$BUILD_DIR bash "$ROOT/scripts/install-production.sh" 2>"$DIR/install.log" \
  || { cat "$DIR/install.log"; fail "install-production.sh failed"; }
getent passwd citygrid >/dev/null || fail "no user citygrid"
[ "$(getent passwd citygrid | cut -d: -f7)" = /usr/sbin/nologin ] || fail "citygrid has a login shell"
[ "$(mode "$D/etc/citygrid")" = "750 root:citygrid" ] || fail "/etc/citygrid: $(mode "$D/etc/citygrid")"
[ "$(mode "$D/etc/citygrid/master.key")" = "600 citygrid:citygrid" ] || fail "master.key: $(mode "$D/etc/citygrid/master.key")"
[ "$(mode "$D/etc/citygrid/citygrid.toml")" = "640 root:citygrid" ] || fail "citygrid.toml: $(mode "$D/etc/citygrid/citygrid.toml")"
[ "$(mode "$D/var/lib/citygrid")" = "700 citygrid:citygrid" ] || fail "data dir: $(mode "$D/var/lib/citygrid")"
[ "$(stat -c %U "$D/var/lib/citygrid/citygrid.db")" = citygrid ] || fail "database not created by user citygrid"
grep -q "schema version" "$DIR/install.log" || fail "no migration: $(cat "$DIR/install.log")"
[ -f "$D/usr/share/citygrid/web/index.html" ] && [ -d "$D/usr/share/citygrid/data/case-types" ] || fail "web app or data not installed"
key_before=$(sha256sum "$D/etc/citygrid/master.key")
sed -i 's/^port = 8080$/port = 9999/' "$D/etc/citygrid/citygrid.toml"
DESTDIR=$D CITYGRID_BUILD_DIR=$BUILD_DIR bash "$ROOT/scripts/install-production.sh" 2>"$DIR/install2.log" \
  || { cat "$DIR/install2.log"; fail "second install-production.sh failed"; }
[ "$(sha256sum "$D/etc/citygrid/master.key")" = "$key_before" ] || fail "a second install replaced the master key"
grep -q 'port = 9999' "$D/etc/citygrid/citygrid.toml" || fail "a second install overwrote the configuration"
# `key generate` refuses to overwrite.
if CITYGRID_MASTER_KEY_FILE=$D/etc/citygrid/master.key "$CITYGRID" key generate 2>"$DIR/key.err"; then
  fail "key generate overwrote an existing key"
fi
grep -q "refusing to overwrite" "$DIR/key.err" || fail "key generate: $(cat "$DIR/key.err")"
echo "ok: install-production.sh (user, modes, migration, idempotent)"

# 2. The systemd unit.
sed "s#^ExecStart=/usr/local/bin/citygrid#ExecStart=$D/usr/local/bin/citygrid#" "$ROOT/deploy/citygrid.service" \
  > "$DIR/citygrid.service"
out=$(systemd-analyze verify "$DIR/citygrid.service" 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$(echo "$out" | grep citygrid.service || true)" ] || fail "systemd-analyze verify: $out"
sec=$(systemd-analyze security --offline=yes --threshold=20 "$DIR/citygrid.service" 2>&1) \
  || fail "the unit's sandbox scores above 2.0: $(echo "$sec" | tail -3)"
echo "ok: systemd unit verifies; $(echo "$sec" | grep -o 'Overall exposure level.*')"
for want in "User=citygrid" "NoNewPrivileges=yes" "ProtectSystem=strict" "ReadWritePaths=/var/lib/citygrid /var/log/citygrid" "StateDirectoryMode=0700"; do
  grep -qx "$want" "$ROOT/deploy/citygrid.service" || fail "unit lacks $want"
done

# 3. nginx in front of a real server.
"$CITYGRID" seed --scale demo --people 50 --data-dir "$DIR/data" --source "$ROOT/data/baotou" >/dev/null
CITYGRID_TRUSTED_PROXIES="127.0.0.1" CITYGRID_LOGIN_MAX_FAILURES=3 start_server "$DIR/data"
upstream=${BASE_URL#http://}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP_PORT=$(free_port); HTTPS_PORT=$(free_port)
mkdir -p "$DIR/nginx/tmp" "$DIR/nginx/logs"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
  -keyout "$DIR/nginx/privkey.pem" -out "$DIR/nginx/fullchain.pem" 2>/dev/null
sed -e "s#server 127.0.0.1:8080;#server $upstream;#" \
    -e "s#listen 80;#listen 127.0.0.1:$HTTP_PORT;#" -e "s#listen 443 ssl http2;#listen 127.0.0.1:$HTTPS_PORT ssl http2;#" \
    -e "/listen \[::\]/d" -e "s#/etc/ssl/citygrid/#$DIR/nginx/#" \
    "$ROOT/deploy/nginx-citygrid.conf" > "$DIR/nginx/site.conf"
cat > "$DIR/nginx/nginx.conf" <<CONF
user root;
worker_processes 1;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/logs/error.log;
events { worker_connections 64; }
http {
  access_log $DIR/nginx/logs/access.log;
  client_body_temp_path $DIR/nginx/tmp/body;
  proxy_temp_path $DIR/nginx/tmp/proxy;
  fastcgi_temp_path $DIR/nginx/tmp/fastcgi;
  uwsgi_temp_path $DIR/nginx/tmp/uwsgi;
  scgi_temp_path $DIR/nginx/tmp/scgi;
  include $DIR/nginx/site.conf;
}
CONF
nginx -t -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" 2>"$DIR/nginx/t.log" || fail "nginx -t: $(cat "$DIR/nginx/t.log")"
nginx -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
for _ in $(seq 1 50); do curl -sk -o /dev/null "https://127.0.0.1:$HTTPS_PORT/healthz" && break; sleep 0.1; done
login() {  # login FROM_ADDRESS USER PASSWORD -> HTTP status through nginx, with a forged header
  curl -sk -o /dev/null -w '%{http_code}' --interface "$1" -H 'X-Forwarded-For: 203.0.113.77' \
    -H 'Content-Type: application/json' -d "{\"username\":\"$2\",\"password\":\"$3\"}" \
    "https://127.0.0.1:$HTTPS_PORT/api/v1/session"
}
for u in admin kundulun shifudong; do
  [ "$(login 127.0.0.2 "$u" wrong-password)" = 401 ] || fail "a wrong password through nginx is not 401"
done
[ "$(login 127.0.0.2 jinhua citygrid-demo)" = 429 ] || fail "the client at 127.0.0.2 was not locked out after 3 failures"
[ "$(login 127.0.0.3 jinhua citygrid-demo)" = 200 ] || fail "the client at 127.0.0.3 was locked out too: the limit saw the proxy, not the client"
echo "ok: login limits see the client behind nginx; a forged X-Forwarded-For is ignored"
loc=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$HTTP_PORT/p/report")
[ "$loc" = "301 https://127.0.0.1/p/report" ] || fail "port 80 does not redirect to https: $loc"
head -c $((65 * 1024 * 1024)) /dev/zero > "$DIR/big.bin"
code=$(curl -sk -o /dev/null -w '%{http_code}' -H 'Content-Type: multipart/form-data; boundary=x' \
  --data-binary @"$DIR/big.bin" "https://127.0.0.1:$HTTPS_PORT/api/v1/public/cases")
[ "$code" = 413 ] || fail "a 65 MiB upload through nginx gave $code, not 413"
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ' ' > "$DIR/big.json"
body=$(curl -sk -H 'Content-Type: application/json' --data-binary @"$DIR/big.json" "https://127.0.0.1:$HTTPS_PORT/api/v1/session")
grep -q '"too_large"' <<<"$body" || fail "a 2 MiB JSON body did not reach the server's 413: $body"
echo "ok: nginx body limits (64 MiB uploads, the server's 1 MiB JSON limit answered with its own error)"

# 4. logrotate.
mkdir -p "$DIR/log"
for i in $(seq 1 100); do echo "{\"msg\":\"line $i\"}"; done > "$DIR/log/citygrid.log"
sed -e "s#/var/log/citygrid/citygrid.log#$DIR/log/citygrid.log#" -e '/^    su /d' \
  "$ROOT/deploy/logrotate-citygrid" > "$DIR/logrotate.conf"
logrotate -s "$DIR/logrotate.state" -f "$DIR/logrotate.conf" || fail "logrotate failed"
[ ! -s "$DIR/log/citygrid.log" ] || fail "the log was not truncated"
rotated=$(ls "$DIR/log" | grep -v '^citygrid.log$' || true)
[ -n "$rotated" ] && [ "$(wc -l < "$DIR/log/$rotated")" = 100 ] || fail "no rotated copy with the 100 lines: $rotated"
logrotate -d "$ROOT/deploy/logrotate-citygrid" 2>&1 | grep -qi "error" && fail "the shipped logrotate rule has errors"
echo "ok: logrotate rotates the log in place ($rotated)"
echo "deploy test: all checks passed"
