#!/usr/bin/env bash
# Installs every build, run and test dependency from Debian's packages (as root). Idempotent:
# packages already present are skipped, and `apt-get update` runs only when something is missing.
# scripts/check-deps.mjs (run by the test command) fails when something the build, the binary or a
# script uses is not installable from this list, or when a listed package is used by nothing.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkgconf ccache
  # C++ libraries
  libboost-dev libfmt-dev libspdlog-dev nlohmann-json3-dev libsqlite3-dev libpqxx-dev
  libgeos-dev libsodium-dev libcli11-dev libtomlplusplus-dev libxlsxwriter-dev
  libzip-dev libpugixml-dev libicu-dev
  libvips-dev libexif-dev
  libespeak-ng-dev libopusenc-dev libopusfile-dev
  # tests, fuzzing, benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev curl
  postgresql-15 postgresql-15-postgis-3
  wrk bc
  # production setup tests (tests/deploy): the systemd unit, nginx in front, log rotation
  systemd nginx logrotate openssl
  # tests/fresh/fresh-machine.sh: the README's commands in a debootstrapped Debian 12
  debootstrap git
  # web app and browser tests (Node 20 + npm come with the machine image; see README)
  chromium fonts-noto-cjk
  # PDF documents (src/pdf: cairo + pango with the Noto CJK fonts above); pdftotext checks them in tests
  libcairo2-dev libpango1.0-dev poppler-utils
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "error: Node.js 20+ with npm is required for the web app (not Debian's nodejs 18)." >&2
  exit 1
fi
